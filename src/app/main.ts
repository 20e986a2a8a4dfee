import "reflect-metadata";
import { randomBytes } from "node:crypto";
import { loadConfig, type Config } from "./config";
import { ENTITIES } from "./entities";
import { createLogger } from "./logger";
import { Metrics } from "./metrics";
import type { App } from "../platform/context";
import { openDatabase, runMigrations } from "../platform/db/data-source";
import { ThrottlePolicy } from "../platform/http/throttle.policy";
import { ClassifyPool } from "../modules/bounce/classify.pool";
import { apiKeyService } from "../modules/api-key";
import { startAuditSchedule } from "../modules/dns-audit";
import { tenantService } from "../modules/tenant/tenant.service";
import { tenantAdminRoutes } from "../modules/tenant/tenant-admin.routes";
import { webhookRoutes } from "../modules/webhook/webhook.routes";
import { startWebhookWorker } from "../modules/webhook-subscription";
import { getSchema } from "./schema";
import { bounceExportRoutes } from "../modules/bounce/bounce-export.routes";
import { suppressionCsvRoutes } from "../modules/suppression/suppression-csv.routes";
import { usageService } from "../modules/usage";
import { resolverFromConfig } from "../platform/dns/resolver";
import { startRealtime } from "../platform/realtime/realtime.service";
import { UsageMeter } from "../platform/usage/usage-meter";
import { startServer, type RunningServer } from "./server";
import { newApp, readRealtimeTopics } from "./wiring";

export interface RunningApp {
  app: App;
  server: RunningServer;
  /** Stops accepting work, finishes what is in flight, closes the database. */
  close(): Promise<void>;
}

/** Opens the database, applies pending migrations and serves the API. */
export async function startApp(config: Config = loadConfig()): Promise<RunningApp> {
  const log = createLogger(config.log.level);
  const db = await openDatabase(config, log, ENTITIES);
  let webhooks: { close(): Promise<void> } | null = null;
  try {
    await runMigrations(db, config.migrationDatabaseUrl);
    const metrics = new Metrics();
    const dns = resolverFromConfig(config.dns);
    const app = newApp(config, db, log, metrics, dns);
    app.authenticate = (token) => apiKeyService.authenticate(app, token);
    app.throttle = new ThrottlePolicy(config.throttle, config.redisUrl, (tenantId) =>
      tenantService.throttleOverrides(app, tenantId),
    );
    const classifier = new ClassifyPool(config.classifyWorkers, config.timeouts.classifyMs);
    app.classifier = classifier;
    app.routes!.push(...webhookRoutes(app), ...bounceExportRoutes(app), ...suppressionCsvRoutes(app));
    app.usage = new UsageMeter(usageService.writer(app), config.usageFlushMs, (err) =>
      log.warn({ err }, "storing usage counts failed; kept for the next try"),
    );
    const realtime = await startRealtime(app, config.limits.subscriptionQueue);
    readRealtimeTopics(app);
    app.schema = await getSchema();
    webhooks = await startWebhookWorker(app);
    const audits = startAuditSchedule(app);
    // On the embedded database no other process may open the data folder, so this server is
    // the way in for the commands that need it (tenant create, demo): see tenant-admin.routes.ts.
    const adminToken = db.dataDirLock ? randomBytes(32).toString("base64url") : null;
    if (adminToken) app.routes!.push(...tenantAdminRoutes(app, adminToken));
    const server = await startServer(app, config.port, config.host, metrics);
    if (db.dataDirLock && adminToken) {
      const loopback = config.host === "0.0.0.0" || config.host === "::" ? "127.0.0.1" : config.host;
      db.dataDirLock.update({
        url: server.url,
        adminUrl: `http://${loopback.includes(":") ? `[${loopback}]` : loopback}:${server.port}`,
        adminToken,
      });
    }
    let closing: Promise<void> | null = null;
    return {
      app,
      server,
      close() {
        closing ??= (async () => {
          await server.close();
          await webhooks?.close();
          await app.usage?.close().catch((err: unknown) => log.warn({ err }, "storing usage counts failed"));
          await audits.close();
          dns.cancel();
          await realtime.close();
          await classifier.close();
          app.throttle?.close();
          await db.close();
        })();
        return closing;
      },
    };
  } catch (err) {
    // pg-boss's maintenance timers would keep a process that failed to start alive.
    await webhooks?.close();
    await db.close();
    throw err;
  }
}

/**
 * `rebound worker`: a process that only delivers outgoing webhooks (no HTTP), beside servers
 * that may run none themselves (REBOUND_WEBHOOK_WORKERS=0). PostgreSQL only: the embedded
 * database belongs to the one `rebound serve` process, which delivers them itself.
 */
export async function startWorker(config: Config = loadConfig()): Promise<{ close(): Promise<void> }> {
  if (!config.databaseUrl)
    throw new Error(
      "rebound worker needs DATABASE_URL: on the embedded database, rebound serve delivers webhooks itself",
    );
  if (config.webhooks.workers === 0) throw new Error("REBOUND_WEBHOOK_WORKERS is 0: this worker would deliver nothing");
  const log = createLogger(config.log.level);
  const db = await openDatabase(config, log, ENTITIES);
  let webhooks: { close(): Promise<void> } | null = null;
  try {
    await runMigrations(db, config.migrationDatabaseUrl);
    const dns = resolverFromConfig(config.dns);
    const app = newApp(config, db, log, new Metrics(), dns);
    // Alerts it raises (an endpoint disabled) are announced like any other.
    const realtime = await startRealtime(app, config.limits.subscriptionQueue);
    readRealtimeTopics(app);
    app.schema = await getSchema();
    webhooks = await startWebhookWorker(app);
    return {
      async close() {
        await webhooks?.close();
        dns.cancel();
        await realtime.close();
        await db.close();
      },
    };
  } catch (err) {
    // pg-boss's maintenance timers would keep a process that failed to start alive.
    await webhooks?.close();
    await db.close();
    throw err;
  }
}
