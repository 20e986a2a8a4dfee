// Every setting Rebound reads from the environment, parsed once. The README's
// configuration table lists the same names; keep the two in step.

function int(name: string, fallback: number, env: NodeJS.ProcessEnv): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return n;
}

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
  /** Most subscriptions one WebSocket connection may hold. */
  subscriptionsPerConnection: number;
  /** Most WebSocket connections one API key may hold open on one server process. */
  connectionsPerKey: number;
  /** Events buffered per subscriber before the oldest is dropped (slow consumers). */
  subscriptionQueue: number;
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

export interface Config {
  port: number;
  host: string;
  /** Real PostgreSQL; when absent, the embedded database under dataDir is used. */
  databaseUrl: string | null;
  /** Connection used to apply migrations (table owner); defaults to databaseUrl. */
  migrationDatabaseUrl: string | null;
  dataDir: string;
  poolSize: number;
  /** Secret mixed into API key hashes, so a database dump alone cannot check keys. */
  apiKeyPepper: string;
  redisUrl: string | null;
  limits: Limits;
  throttle: Throttle;
  timeouts: Timeouts;
  /** Worker threads that classify bounce messages off the event loop (0: classify inline). */
  classifyWorkers: number;
  /** Create and print a demo tenant's key when the database has no tenant yet. */
  bootstrapDemoTenant: boolean;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const databaseUrl = env.DATABASE_URL?.trim() || null;
  return {
    port: int("PORT", 4000, env),
    host: env.HOST?.trim() || "0.0.0.0",
    databaseUrl,
    migrationDatabaseUrl: env.MIGRATION_DATABASE_URL?.trim() || databaseUrl,
    dataDir: env.REBOUND_DATA_DIR?.trim() || ".data",
    poolSize: databaseUrl ? int("DB_POOL_SIZE", 10, env) : 1,
    apiKeyPepper: env.REBOUND_API_KEY_PEPPER ?? "",
    redisUrl: env.REDIS_URL?.trim() || null,
    bootstrapDemoTenant: env.REBOUND_DEMO_TENANT !== "0",
    limits: {
      maxDepth: int("REBOUND_MAX_DEPTH", 10, env),
      maxAliases: int("REBOUND_MAX_ALIASES", 20, env),
      maxTokens: int("REBOUND_MAX_TOKENS", 5000, env),
      maxCost: int("REBOUND_MAX_COST", 25000, env),
      maxBodyBytes: int("REBOUND_MAX_BODY_BYTES", 1_048_576, env),
      maxIngestBodyBytes: int("REBOUND_MAX_INGEST_BODY_BYTES", 16_777_216, env),
      subscriptionsPerConnection: int("REBOUND_MAX_SUBSCRIPTIONS_PER_CONNECTION", 20, env),
      connectionsPerKey: int("REBOUND_MAX_CONNECTIONS_PER_KEY", 100, env),
      subscriptionQueue: int("REBOUND_SUBSCRIPTION_QUEUE", 1_000, env),
    },
    throttle: {
      keyBucket: int("REBOUND_KEY_BUCKET", 1_000, env),
      keyRestoreRate: int("REBOUND_KEY_RESTORE_RATE", 50, env),
      tenantBucket: int("REBOUND_TENANT_BUCKET", 5_000, env),
      tenantRestoreRate: int("REBOUND_TENANT_RESTORE_RATE", 250, env),
      authFailuresPerMinute: int("REBOUND_AUTH_FAILURES_PER_MINUTE", 20, env),
      ingestEventsPerMinute: int("REBOUND_INGEST_EVENTS_PER_MINUTE", 600_000, env),
      connectionsPerTenant: int("REBOUND_MAX_CONNECTIONS_PER_TENANT", 200, env),
      subscriptionsPerTenant: int("REBOUND_MAX_SUBSCRIPTIONS_PER_TENANT", 1_000, env),
      unknownKeyCacheSeconds: int("REBOUND_UNKNOWN_KEY_CACHE_SECONDS", 30, env),
    },
    timeouts: {
      headersMs: int("REBOUND_HEADERS_TIMEOUT_MS", 10_000, env),
      requestMs: int("REBOUND_REQUEST_TIMEOUT_MS", 60_000, env),
      keepAliveMs: int("REBOUND_KEEP_ALIVE_TIMEOUT_MS", 5_000, env),
      classifyMs: int("REBOUND_CLASSIFY_TIMEOUT_MS", 5_000, env),
    },
    classifyWorkers: int("REBOUND_CLASSIFY_WORKERS", 2, env),
  };
}
