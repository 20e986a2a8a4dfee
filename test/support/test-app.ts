import "reflect-metadata";
import { loadConfig, type Config } from "../../src/app/config";
import { startApp, type RunningApp } from "../../src/app/main";
import { tenantService } from "../../src/modules/tenant/tenant.service";
import { createTestDatabase, type TestDatabase } from "./database";
import { graphqlClient, type Gql } from "./graphql-client";
import { GENEROUS_THROTTLE } from "./throttle-env";

export { GENEROUS_THROTTLE };

export interface TestApp {
  running: RunningApp;
  database: TestDatabase;
  url: string;
  wsUrl: string;
  /** A tenant with a key that has every scope, and a client using it. */
  newTenant(name?: string): Promise<{ tenantId: string; apiKey: string; gql: Gql }>;
  close(): Promise<void>;
}

function testConfig(databaseUrl: string, env: Record<string, string>): Config {
  const config: Config = loadConfig({
    ...process.env,
    ...GENEROUS_THROTTLE,
    // The outgoing-webhook worker looks for due messages every second, statements the
    // statement-count tests would see: off unless a test turns it on.
    REBOUND_WEBHOOK_WORKERS: "0",
    // Usage counts are stored only at shutdown (or by an explicit flush): a periodic write would
    // land inside the statement counts some tests take of one request.
    REBOUND_USAGE_FLUSH_SECONDS: "0",
    ...env,
    DATABASE_URL: databaseUrl,
    MIGRATION_DATABASE_URL: "",
    PORT: "0",
    HOST: "127.0.0.1",
  });
  config.migrationDatabaseUrl = databaseUrl;
  return config;
}

/** A real server on a fresh real PostgreSQL database, listening on a free loopback port. */
export async function startTestApp(label: string, env: Record<string, string> = {}): Promise<TestApp> {
  const database = await createTestDatabase(label);
  const running = await startApp(testConfig(database.url, env));
  const url = running.server.url.replace("localhost", "127.0.0.1");
  return {
    running,
    database,
    url,
    wsUrl: url.replace(/^http/, "ws"),
    async newTenant(name = "tenant") {
      const { tenant, apiKey } = await tenantService.create(running.app, name);
      return { tenantId: tenant.id, apiKey, gql: graphqlClient(url, apiKey) };
    },
    async close() {
      await running.close();
      await database.drop();
    },
  };
}

/** Another server process on a test app's database (its own pool and its own app); the caller closes it. */
export function startAnotherApp(app: TestApp, env: Record<string, string> = {}): Promise<RunningApp> {
  return startApp(testConfig(app.database.url, env));
}
