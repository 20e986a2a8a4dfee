import "reflect-metadata";
import { loadConfig } from "../../src/app/config";
import { startApp, type RunningApp } from "../../src/app/main";
import { createTestDatabase, type TestDatabase } from "./database";
import { startTcpProxy, type TcpProxy } from "./tcp-proxy";
import { GENEROUS_THROTTLE } from "./throttle-env";

/**
 * A real server whose database connections go through a loopback TCP proxy that a test can
 * cut and restore (an outage of the shared PostgreSQL without touching it). Migrations run
 * directly, before the server starts.
 */
export interface ProxiedApp {
  running: RunningApp;
  url: string;
  proxy: TcpProxy;
  database: TestDatabase;
  close(): Promise<void>;
}

export async function startProxiedApp(label: string, env: Record<string, string> = {}): Promise<ProxiedApp> {
  const database = await createTestDatabase(label);
  const direct = new URL(database.url);
  const proxy = await startTcpProxy(direct.hostname, Number(direct.port || 5432));
  const viaProxy = new URL(database.url);
  viaProxy.hostname = "127.0.0.1";
  viaProxy.port = String(proxy.port);
  const config = loadConfig({
    ...process.env,
    ...GENEROUS_THROTTLE,
    DATABASE_URL: viaProxy.toString(),
    MIGRATION_DATABASE_URL: "",
    PORT: "0",
    HOST: "127.0.0.1",
    REBOUND_AUDIT_INTERVAL_MINUTES: "0",
    ...env,
  });
  config.migrationDatabaseUrl = database.url;
  const running = await startApp(config);
  return {
    running,
    url: running.server.url.replace("localhost", "127.0.0.1"),
    proxy,
    database,
    async close() {
      await proxy.restore().catch(() => undefined);
      await running.close();
      await proxy.close();
      await database.drop();
    },
  };
}
