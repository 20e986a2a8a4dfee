import { loadConfig } from "../config";
import { openDatabase, runMigrations } from "../db/data-source";
import { tenantService } from "../modules/tenant/tenant.service";
import { parseArgs } from "./args";

/** `rebound tenant create --name NAME [--json]`: a tenant and its first key (all scopes). */
export async function run(args: string[]): Promise<number> {
  const { flags, positional } = parseArgs(args);
  const name = flags.get("name")?.[0];
  if (positional[0] !== "create" || !name || name === "true") {
    process.stderr.write("usage: rebound tenant create --name NAME [--json]\n");
    return 2;
  }
  const config = loadConfig();
  const db = await openDatabase(config);
  try {
    await runMigrations(db, config.migrationDatabaseUrl);
    const { tenant, apiKey } = await tenantService.create({ config, db }, name);
    if (flags.has("json")) {
      process.stdout.write(JSON.stringify({ tenantId: tenant.id, apiKey }) + "\n");
    } else {
      process.stdout.write(`Tenant "${tenant.name}" created: ${tenant.id}\nAPI key (shown only once): ${apiKey}\n`);
    }
    return 0;
  } finally {
    await db.close();
  }
}
