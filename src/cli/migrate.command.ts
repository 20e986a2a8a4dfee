import { loadConfig } from "../app/config";
import { openDatabase, runMigrations } from "../platform/db/data-source";
import { ENTITIES } from "../app/entities";
import { createLogger } from "../app/logger";

/** `rebound migrate`: apply pending migrations to the database the server would use. */
export async function run(): Promise<number> {
  const config = loadConfig();
  const db = await openDatabase(config, createLogger(config.log.level), ENTITIES);
  try {
    const applied = await runMigrations(db, config.migrationDatabaseUrl);
    process.stdout.write(applied.length ? `Applied: ${applied.join(", ")}\n` : "The database is up to date.\n");
    return 0;
  } finally {
    await db.close();
  }
}
