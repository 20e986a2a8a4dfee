import { z } from "zod";
import { DEFAULT_DNSBL_DOMAIN_ZONES, DEFAULT_DNSBL_IP_ZONES } from "../core/dns/dnsbl";
import { DEFAULT_RETRY_SECONDS } from "../core/outgoing-webhooks";

// Every setting Rebound reads from the environment, in one schema, parsed once at start. This
// is the only file that reads process.env (a lint rule holds every other file to it); the
// README's configuration table lists the same names. An invalid value, or a REBOUND_* variable
// that is not one of these (a typo would otherwise be ignored silently), stops the start with
// a message naming the variable.

/** An unset or empty variable: the default applies. */
const unset = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);

const wholeNumber = (fallback: number, min = 0) =>
  z.preprocess(
    unset,
    z.coerce.number().int(`must be a whole number`).min(min, `must be at least ${min}`).default(fallback),
  );

const optionalText = z.preprocess((v) => (typeof v === "string" ? v.trim() || undefined : v), z.string().optional());

/** A comma-separated list; unset means the defaults, an empty value means none. */
const list = (fallback: readonly string[]) =>
  z
    .string()
    .optional()
    .transform((v) =>
      v === undefined
        ? [...fallback]
        : v
            .split(",")
            .map((s) => s.trim())
            .filter((s) => s !== ""),
    );

const ENV = z.object({
  PORT: wholeNumber(4000).pipe(z.number().max(65535, "must be a port number (0 to 65535)")),
  HOST: z.preprocess(unset, z.string().trim().default("0.0.0.0")),
  DATABASE_URL: optionalText.pipe(
    z.url({ protocol: /^postgres(ql)?$/, error: "must be a postgres:// URL" }).optional(),
  ),
  MIGRATION_DATABASE_URL: optionalText.pipe(
    z.url({ protocol: /^postgres(ql)?$/, error: "must be a postgres:// URL" }).optional(),
  ),
  DB_POOL_SIZE: wholeNumber(10, 1),
  DB_EXPORT_POOL_SIZE: wholeNumber(2, 1),
  DB_IDLE_TIMEOUT_MS: z.preprocess(unset, z.coerce.number().int().min(0).optional()),
  REBOUND_DATA_DIR: z.preprocess(unset, z.string().trim().default(".data")),
  REBOUND_DEMO_TENANT: z.preprocess(unset, z.enum(["0", "1"], "must be 0 or 1").default("1")),
  REBOUND_API_KEY_PEPPER: z.string().default(""),
  REDIS_URL: optionalText.pipe(z.url({ protocol: /^rediss?$/, error: "must be a redis:// URL" }).optional()),
  REBOUND_MAX_DEPTH: wholeNumber(10, 1),
  REBOUND_MAX_ALIASES: wholeNumber(20),
  REBOUND_MAX_TOKENS: wholeNumber(5000, 1),
  REBOUND_MAX_COST: wholeNumber(25000, 1),
  REBOUND_MAX_BODY_BYTES: wholeNumber(1_048_576, 1),
  REBOUND_MAX_INGEST_BODY_BYTES: wholeNumber(16_777_216, 1),
  REBOUND_MAX_IMPORT_BODY_BYTES: wholeNumber(67_108_864, 1),
  REBOUND_USAGE_FLUSH_SECONDS: wholeNumber(5),
  REBOUND_MAX_SUBSCRIPTIONS_PER_CONNECTION: wholeNumber(20),
  REBOUND_MAX_CONNECTIONS_PER_KEY: wholeNumber(100),
  REBOUND_SUBSCRIPTION_QUEUE: wholeNumber(1_000, 1),
  REBOUND_DNS_SERVERS: list([]),
  REBOUND_DNS_TIMEOUT_MS: wholeNumber(2000, 1),
  REBOUND_DNS_TRIES: wholeNumber(2, 1),
  REBOUND_DNSBL_IP_ZONES: list(DEFAULT_DNSBL_IP_ZONES).transform((zones) =>
    zones.map((zone) => zone.replace(/^\.|\.$/g, "")),
  ),
  REBOUND_DNSBL_DOMAIN_ZONES: list(DEFAULT_DNSBL_DOMAIN_ZONES).transform((zones) =>
    zones.map((zone) => zone.replace(/^\.|\.$/g, "")),
  ),
  // Fractions allowed (0.05 minutes in tests); 0 turns the periodic audit off.
  REBOUND_AUDIT_INTERVAL_MINUTES: z.preprocess(unset, z.coerce.number().min(0, "must be 0 or more").default(360)),
  REBOUND_LOG_LEVEL: z.preprocess(
    unset,
    z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  ),
  REBOUND_LOG_SQL_ERRORS: z.preprocess(unset, z.enum(["0", "1"]).default("0")),
  REBOUND_LOG_MIGRATIONS: z.preprocess(unset, z.enum(["0", "1"]).default("0")),
  // Throttling (README, "Throttling"): Shopify's defaults per key, five times that per tenant.
  REBOUND_KEY_BUCKET: wholeNumber(1_000, 1),
  REBOUND_KEY_RESTORE_RATE: wholeNumber(50, 1),
  REBOUND_TENANT_BUCKET: wholeNumber(5_000, 1),
  REBOUND_TENANT_RESTORE_RATE: wholeNumber(250, 1),
  REBOUND_AUTH_FAILURES_PER_MINUTE: wholeNumber(20, 1),
  REBOUND_INGEST_EVENTS_PER_MINUTE: wholeNumber(600_000, 1),
  REBOUND_MAX_CONNECTIONS_PER_TENANT: wholeNumber(200),
  REBOUND_MAX_SUBSCRIPTIONS_PER_TENANT: wholeNumber(1_000),
  REBOUND_UNKNOWN_KEY_CACHE_SECONDS: wholeNumber(30),
  REBOUND_HEADERS_TIMEOUT_MS: wholeNumber(10_000, 1),
  REBOUND_REQUEST_TIMEOUT_MS: wholeNumber(60_000, 1),
  REBOUND_KEEP_ALIVE_TIMEOUT_MS: wholeNumber(5_000, 1),
  REBOUND_CLASSIFY_TIMEOUT_MS: wholeNumber(5_000, 1),
  REBOUND_CLASSIFY_WORKERS: wholeNumber(2),
  // Outgoing webhooks (README, "Webhooks to your backend").
  REBOUND_WEBHOOK_ALLOW_PRIVATE: z.preprocess(unset, z.enum(["0", "1"], "must be 0 or 1").default("0")),
  REBOUND_WEBHOOK_SECRET_KEY: z.string().default(""),
  REBOUND_WEBHOOK_WORKERS: wholeNumber(64),
  REBOUND_WEBHOOK_TIMEOUT_MS: wholeNumber(10_000, 1),
  REBOUND_WEBHOOK_POLL_MS: wholeNumber(1_000, 10),
  REBOUND_WEBHOOK_LEASE_SECONDS: wholeNumber(60, 1),
  REBOUND_WEBHOOK_RETRY_SECONDS: list(DEFAULT_RETRY_SECONDS.map(String))
    .transform((items) => items.map(Number))
    .pipe(z.array(z.number().positive("each delay must be a positive number of seconds")).min(1, "must list a delay")),
  // Fractions allowed (tests); an endpoint failing this long is disabled, a message this old given up.
  REBOUND_WEBHOOK_GIVE_UP_HOURS: z.preprocess(unset, z.coerce.number().positive("must be positive").default(72)),
});

// The shape of the configuration is the platform's (src/platform/config.ts): what it and the
// modules need. This file fills it from the environment.
import type { Config } from "../platform/config";
export type { Config, DnsConfig, Limits, Throttle, Timeouts, WebhookConfig } from "../platform/config";

export class ConfigError extends Error {}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`).join("\n");
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const known = new Set(Object.keys(ENV.shape));
  const unknown = Object.keys(env).filter((name) => name.startsWith("REBOUND_") && !known.has(name));
  const parsed = ENV.safeParse(env);
  if (!parsed.success || unknown.length > 0) {
    const lines = [
      ...(parsed.success ? [] : [describeIssues(parsed.error)]),
      ...unknown.map((name) => `  ${name}: not a Rebound setting (the README's configuration table lists them)`),
    ];
    throw new ConfigError(`invalid configuration:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  const databaseUrl = e.DATABASE_URL ?? null;
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl,
    migrationDatabaseUrl: e.MIGRATION_DATABASE_URL ?? databaseUrl,
    dataDir: e.REBOUND_DATA_DIR,
    // The embedded database serves one connection.
    poolSize: databaseUrl ? e.DB_POOL_SIZE : 1,
    // The embedded database has no connection to spare: its exports read pages on the pool's.
    exportPoolSize: databaseUrl ? e.DB_EXPORT_POOL_SIZE : 0,
    // The embedded database has one session; dropping it buys nothing, so it is kept.
    idleTimeoutMs: e.DB_IDLE_TIMEOUT_MS ?? (databaseUrl ? 10_000 : 0),
    apiKeyPepper: e.REBOUND_API_KEY_PEPPER,
    redisUrl: e.REDIS_URL ?? null,
    bootstrapDemoTenant: e.REBOUND_DEMO_TENANT === "1",
    usageFlushMs: e.REBOUND_USAGE_FLUSH_SECONDS * 1000,
    limits: {
      maxDepth: e.REBOUND_MAX_DEPTH,
      maxAliases: e.REBOUND_MAX_ALIASES,
      maxTokens: e.REBOUND_MAX_TOKENS,
      maxCost: e.REBOUND_MAX_COST,
      maxBodyBytes: e.REBOUND_MAX_BODY_BYTES,
      maxIngestBodyBytes: e.REBOUND_MAX_INGEST_BODY_BYTES,
      maxImportBodyBytes: e.REBOUND_MAX_IMPORT_BODY_BYTES,
      subscriptionsPerConnection: e.REBOUND_MAX_SUBSCRIPTIONS_PER_CONNECTION,
      connectionsPerKey: e.REBOUND_MAX_CONNECTIONS_PER_KEY,
      subscriptionQueue: e.REBOUND_SUBSCRIPTION_QUEUE,
    },
    dns: {
      servers: e.REBOUND_DNS_SERVERS,
      timeoutMs: e.REBOUND_DNS_TIMEOUT_MS,
      tries: e.REBOUND_DNS_TRIES,
      blocklists: { ip: e.REBOUND_DNSBL_IP_ZONES, domain: e.REBOUND_DNSBL_DOMAIN_ZONES },
      auditIntervalMinutes: e.REBOUND_AUDIT_INTERVAL_MINUTES === 0 ? null : e.REBOUND_AUDIT_INTERVAL_MINUTES,
    },
    log: {
      level: e.REBOUND_LOG_LEVEL,
      sqlErrors: e.REBOUND_LOG_SQL_ERRORS === "1",
      migrations: e.REBOUND_LOG_MIGRATIONS === "1",
    },
    throttle: {
      keyBucket: e.REBOUND_KEY_BUCKET,
      keyRestoreRate: e.REBOUND_KEY_RESTORE_RATE,
      tenantBucket: e.REBOUND_TENANT_BUCKET,
      tenantRestoreRate: e.REBOUND_TENANT_RESTORE_RATE,
      authFailuresPerMinute: e.REBOUND_AUTH_FAILURES_PER_MINUTE,
      ingestEventsPerMinute: e.REBOUND_INGEST_EVENTS_PER_MINUTE,
      connectionsPerTenant: e.REBOUND_MAX_CONNECTIONS_PER_TENANT,
      subscriptionsPerTenant: e.REBOUND_MAX_SUBSCRIPTIONS_PER_TENANT,
      unknownKeyCacheSeconds: e.REBOUND_UNKNOWN_KEY_CACHE_SECONDS,
    },
    timeouts: {
      headersMs: e.REBOUND_HEADERS_TIMEOUT_MS,
      requestMs: e.REBOUND_REQUEST_TIMEOUT_MS,
      keepAliveMs: e.REBOUND_KEEP_ALIVE_TIMEOUT_MS,
      classifyMs: e.REBOUND_CLASSIFY_TIMEOUT_MS,
    },
    classifyWorkers: e.REBOUND_CLASSIFY_WORKERS,
    webhooks: {
      allowPrivate: e.REBOUND_WEBHOOK_ALLOW_PRIVATE === "1",
      secretKey: e.REBOUND_WEBHOOK_SECRET_KEY,
      workers: e.REBOUND_WEBHOOK_WORKERS,
      timeoutMs: e.REBOUND_WEBHOOK_TIMEOUT_MS,
      pollMs: e.REBOUND_WEBHOOK_POLL_MS,
      leaseSeconds: e.REBOUND_WEBHOOK_LEASE_SECONDS,
      retrySeconds: e.REBOUND_WEBHOOK_RETRY_SECONDS,
      giveUpHours: e.REBOUND_WEBHOOK_GIVE_UP_HOURS,
    },
  };
}
