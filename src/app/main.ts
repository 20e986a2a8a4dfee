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
import { apiKeyService } from "../modules/api-key/api-key.service";
import { tenantService } from "../modules/tenant/tenant.service";
import { registerRealtimeTopics } from "../modules/alert/alert.realtime";
import { startHealth } from "../modules/dns-audit/dns-audit.runtime";
import { startRealtime } from "../platform/realtime/realtime.service";
import { tenantAdminRoutes } from "../modules/tenant/tenant-admin.routes";
import { webhookRoutes } from "../modules/webhook/webhook.routes";
import { bounceExportRoutes } from "../modules/bounce/bounce-export.routes";
import { suppressionCsvRoutes } from "../modules/suppression/suppression-csv.routes";
import { usageService } from "../modules/usage";
import { UsageMeter } from "../platform/usage/usage-meter";
import { startServer, type RunningServer } from "./server";

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
  try {
    await runMigrations(db, config.migrationDatabaseUrl);
    const app: App = { config, db, log, metrics: new Metrics(), routes: [] };
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
    registerRealtimeTopics(app);
    const health = startHealth(app);
    // On the embedded database no other process may open the data folder, so this server is
    // the way in for the commands that need it (tenant create, demo): see tenant-admin.routes.ts.
    const adminToken = db.dataDirLock ? randomBytes(32).toString("base64url") : null;
    if (adminToken) app.routes!.push(...tenantAdminRoutes(app, adminToken));
    const server = await startServer(app, config.port, config.host);
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
          await app.usage?.close().catch((err: unknown) => log.warn({ err }, "storing usage counts failed"));
          await health.close();
          await realtime.close();
          await classifier.close();
          app.throttle?.close();
          await db.close();
        })();
        return closing;
      },
    };
  } catch (err) {
    await db.close();
    throw err;
  }
}
