// The configuration the platform and the modules run with: declared here, where it is used,
// and filled by the app from the environment (src/app/config.ts, the one reader of
// process.env, validates every variable with one schema). The platform never imports the app.

export interface Limits {
  /** Deepest selection nesting an operation may have. */
  maxDepth: number;
  /** Most aliased fields in one operation. */
  maxAliases: number;
  /** Most lexical tokens in one document (checked while parsing, before anything else). */
  maxTokens: number;
  /** Highest estimated cost: every field 1, a connection's subtree multiplied by its page size. */
  maxCost: number;
  /** Largest request body for ordinary operations, in bytes. */
  maxBodyBytes: number;
  /** Largest request body for the bulk ingest mutations, in bytes. */
  maxIngestBodyBytes: number;
  /** Largest CSV upload of POST /import/suppressions.csv, in bytes (read as it streams in). */
  maxImportBodyBytes: number;
  /** Most subscriptions one WebSocket connection may hold. */
  subscriptionsPerConnection: number;
  /** Most WebSocket connections one API key may hold open on one server process. */
  connectionsPerKey: number;
  /** Events buffered per subscriber before the oldest is dropped (slow consumers). */
  subscriptionQueue: number;
}

export interface DnsConfig {
  /** "host", "host:port", "[v6]:port"; empty: the system's resolvers. */
  servers: string[];
  /** Milliseconds per attempt (c-ares doubles it on each retry). */
  timeoutMs: number;
  /** Attempts per server before giving up. */
  tries: number;
  /** DNS blocklist zones the audit asks, for IPs and for domains. */
  blocklists: { ip: string[]; domain: string[] };
  /** Minutes between periodic re-audits of every domain; null: never. */
  auditIntervalMinutes: number | null;
}

/**
 * Throttling defaults (README, "Throttling"). Buckets are fixed windows of `bucket` points
 * that refill completely every bucket / restoreRate seconds: 1,000 points and 50 points/s
 * is Shopify's GraphQL Admin API default. An admin may override the per-tenant values
 * through the tenant settings.
 */
export interface Throttle {
  /** Cost points one API key may spend per window. */
  keyBucket: number;
  /** Points per second a key's bucket refills at (the window is keyBucket / keyRestoreRate). */
  keyRestoreRate: number;
  /** Cost points one tenant (all its keys) may spend per window. */
  tenantBucket: number;
  tenantRestoreRate: number;
  /** Failed authentications one client address may make per minute before it is refused. */
  authFailuresPerMinute: number;
  /** Events (bounces, sends, webhook events) one tenant may ingest per minute. */
  ingestEventsPerMinute: number;
  /** WebSocket connections one tenant may hold open on one server process. */
  connectionsPerTenant: number;
  /** Subscriptions one tenant may hold open on one server process. */
  subscriptionsPerTenant: number;
  /** Seconds an unknown API key is remembered as unknown (no database look-up meanwhile). */
  unknownKeyCacheSeconds: number;
}

/** Socket-level timeouts of the HTTP server (slow clients must not hold connections). */
export interface Timeouts {
  /** Time to receive a request's complete headers. */
  headersMs: number;
  /** Time to receive a whole request, headers and body. */
  requestMs: number;
  /** Idle time of a kept-alive connection between requests. */
  keepAliveMs: number;
  /** Time a classification may take in a worker before its answer is an error. */
  classifyMs: number;
}

/** Outgoing webhooks: safety, the delivery worker and the retry schedule. */
export interface WebhookConfig {
  /** Allow http and private/loopback addresses (development, tests); link-local and metadata stay refused. */
  allowPrivate: boolean;
  /** Key the signing secrets are encrypted with at rest (any string; empty: a fixed key, a dump alone can sign). */
  secretKey: string;
  /** Attempts in flight at once per process; 0: this process delivers nothing. */
  workers: number;
  /** Time one attempt may take, connection to last byte. */
  timeoutMs: number;
  /** How often a process asks the job queue for due deliveries that another process enqueued or a retry made due. */
  pollMs: number;
  /** How long a process holds a delivery job (pg-boss's expireInSeconds) before another may take it (the owner died). */
  leaseSeconds: number;
  /** Seconds before each retry; the last one repeats. */
  retrySeconds: number[];
  /** A message failing this long is given up; an endpoint failing this long is disabled. */
  giveUpHours: number;
}

export interface Config {
  port: number;
  host: string;
  /** Real PostgreSQL; when absent, the embedded database under dataDir is used. */
  databaseUrl: string | null;
  /** Connection used to apply migrations (table owner); defaults to databaseUrl. */
  migrationDatabaseUrl: string | null;
  dataDir: string;
  poolSize: number;
  /** Connections of their own for CSV exports' cursors (export-connections.ts); 0: none (embedded). */
  exportPoolSize: number;
  /** How long an idle pooled connection stays open, in ms; 0 keeps it for good. */
  idleTimeoutMs: number;
  /** Secret mixed into API key hashes, so a database dump alone cannot check keys. */
  apiKeyPepper: string;
  redisUrl: string | null;
  limits: Limits;
  dns: DnsConfig;
  throttle: Throttle;
  timeouts: Timeouts;
  /** Worker threads that classify bounce messages off the event loop (0: classify inline). */
  classifyWorkers: number;
  webhooks: WebhookConfig;
  /** How often usage counts (viewer.usage) are added to the database, in ms; 0: only at shutdown. */
  usageFlushMs: number;
  /** Create and print a demo tenant's key when the database has no tenant yet. */
  bootstrapDemoTenant: boolean;
  log: { level: string; sqlErrors: boolean; migrations: boolean };
}
