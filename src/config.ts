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

export interface Config {
  port: number;
  host: string;
  /** Real PostgreSQL; when absent, the embedded database under dataDir is used. */
  databaseUrl: string | null;
  /** Connection used to apply migrations (table owner); defaults to databaseUrl. */
  migrationDatabaseUrl: string | null;
  dataDir: string;
  poolSize: number;
  /** How long an idle pooled connection stays open, in ms; 0 keeps it for good. */
  idleTimeoutMs: number;
  /** Secret mixed into API key hashes, so a database dump alone cannot check keys. */
  apiKeyPepper: string;
  redisUrl: string | null;
  limits: Limits;
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
    // The embedded database has one session; dropping it buys nothing, so it is kept.
    idleTimeoutMs: int("DB_IDLE_TIMEOUT_MS", databaseUrl ? 10_000 : 0, env),
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
  };
}
