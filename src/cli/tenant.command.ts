import { loadConfig, type Config } from "../app/config";
import { openDatabase, runMigrations } from "../platform/db/data-source";
import { ENTITIES } from "../app/entities";
import { createLogger } from "../app/logger";
import { newApp } from "../app/wiring";
import { tenantService } from "../modules/tenant/tenant.service";
import { parseArgs } from "./args";
import { createTenantThroughServer, runningEmbeddedServer, type TenantWithKey } from "./running-server";

/** `rebound tenant create --name NAME [--json]`: a tenant and its first key (all scopes). */
export async function run(args: string[]): Promise<number> {
  const { flags, positional } = parseArgs(args);
  const name = flags.get("name")?.[0];
  if (positional[0] !== "create" || !name || name === "true") {
    process.stderr.write("usage: rebound tenant create --name NAME [--json]\n");
    return 2;
  }
  const config = loadConfig();
  const server = runningEmbeddedServer(config);
  const created: TenantWithKey = server
    ? await createTenantThroughServer(server, name)
    : await createDirectly(config, name);
  if (flags.has("json")) {
    process.stdout.write(JSON.stringify({ tenantId: created.tenantId, apiKey: created.apiKey }) + "\n");
  } else {
    process.stdout.write(
      `Tenant "${created.name}" created: ${created.tenantId}\nAPI key (shown only once): ${created.apiKey}\n`,
    );
  }
  return 0;
}

async function createDirectly(config: Config, name: string): Promise<TenantWithKey> {
  const log = createLogger(config.log.level);
  const db = await openDatabase(config, log, ENTITIES);
  try {
    await runMigrations(db, config.migrationDatabaseUrl);
    const { tenant, apiKey } = await tenantService.create(newApp(config, db, log), name);
    return { tenantId: tenant.id, name: tenant.name, apiKey, created: true };
  } finally {
    await db.close();
  }
}
