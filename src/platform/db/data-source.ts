import { Client, type PoolClient } from "pg";
import { DataSource } from "typeorm";
import type { Config } from "../config";
import type { Logger } from "pino";
import type { DataDirLock } from "./data-dir-lock";
import { startEmbeddedDatabase, type EmbeddedDatabase } from "./embedded";
import { ExportConnections } from "./export-connections";
import { MIGRATIONS } from "./migrations";
import { OwnTransactionGuard } from "./own-transaction.guard";
import { CountingLogger } from "./statement-counter";

export interface Database {
  dataSource: DataSource;
  /** The URL actually connected to (the embedded server's loopback URL when embedded). */
  url: string;
  embedded: boolean;
  /** The embedded database's hold on its data folder (null on PostgreSQL). */
  dataDirLock: DataDirLock | null;
  /** TypeORM's logger for this database (counts statements, logs failures). */
  logger: CountingLogger;
  /** Connections for CSV exports' cursors; null on the embedded database, which has one connection. */
  exports: ExportConnections | null;
  close(): Promise<void>;
}

function makeDataSource(
  url: string,
  poolSize: number,
  idleTimeoutMs: number,
  embedded: boolean,
  logger: CountingLogger,
  entities: EntityList,
): DataSource {
  return new DataSource({
    type: "postgres",
    url,
    entities,
    migrations: MIGRATIONS,
    migrationsTableName: "schema_migrations",
    migrationsRun: false,
    synchronize: false,
    logging: ["query", "error", "migration"],
    logger,
    // Tenant transactions are opened on the pg client, not by TypeORM (tenant-transaction.ts).
    subscribers: [OwnTransactionGuard],
    // gen_random_uuid() is built in from PostgreSQL 13; never try to install extensions
    // (PGlite has no uuid-ossp and the app role may not create extensions).
    uuidExtension: "pgcrypto",
    installExtensions: false,
    extra: {
      max: poolSize,
      // pg's pipeline mode (node-postgres.com/features/pipelining): statements given to one
      // client while others are in flight are written at once, and answered in order. One
      // request's loaders ask in the same tick; a transaction's tenant binding travels with
      // its first statement and its NOTIFYs with its COMMIT (tenant-transaction.ts).
      pipeline: true,
      // PGlite serves one connection; a larger pool breaks it.
      ...(embedded ? { max: 1 } : {}),
      idleTimeoutMillis: idleTimeoutMs,
      // PGlite has one session for the life of the process, whatever the socket in front of it
      // does: a reconnecting client would find the previous connection's named prepared
      // statements still there and collide with them ("prepared statement ... already exists").
      // pg-pool awaits onConnect before handing the client out, so each new connection starts
      // from a fresh session, as it would on PostgreSQL.
      ...(embedded ? { onConnect: (client: PoolClient) => client.query("DISCARD ALL") } : {}),
      connectionTimeoutMillis: 10_000,
      application_name: "rebound",
    },
  });
}

/** Opens the configured database: real PostgreSQL from DATABASE_URL, else the embedded one. */
/** The entity classes TypeORM maps (the app's modules list theirs; platform knows none). */
export type EntityList = Array<new (...args: never[]) => object>;

export async function openDatabase(config: Config, log: Logger, entities: EntityList): Promise<Database> {
  let embeddedDb: EmbeddedDatabase | null = null;
  let url = config.databaseUrl;
  if (!url) {
    embeddedDb = await startEmbeddedDatabase(config.dataDir);
    url = embeddedDb.url;
  }
  const logger = new CountingLogger(log, config.log);
  const dataSource = makeDataSource(url, config.poolSize, config.idleTimeoutMs, embeddedDb !== null, logger, entities);
  try {
    await dataSource.initialize();
  } catch (err) {
    await embeddedDb?.stop();
    throw err;
  }
  const exports =
    embeddedDb === null && config.exportPoolSize > 0
      ? new ExportConnections(url, config.exportPoolSize, config.idleTimeoutMs)
      : null;
  return {
    dataSource,
    url,
    embedded: embeddedDb !== null,
    dataDirLock: embeddedDb?.lock ?? null,
    logger,
    exports,
    async close() {
      await exports?.end();
      if (dataSource.isInitialized) await dataSource.destroy();
      await embeddedDb?.stop();
    },
  };
}

/**
 * Applies pending migrations. On real PostgreSQL several processes may start at once, so
 * the run is serialised with an advisory lock held on a separate connection.
 */
export async function runMigrations(db: Database, migrationUrl: string | null): Promise<string[]> {
  if (db.embedded || !migrationUrl) {
    return (await db.dataSource.runMigrations({ transaction: "each" })).map((m) => m.name);
  }
  const lock = new Client({ connectionString: migrationUrl });
  await lock.connect();
  try {
    await lock.query("SELECT pg_advisory_lock(hashtext('rebound:migrations'))");
    const source = migrationUrl === db.url ? db.dataSource : makeDataSource(migrationUrl, 1, 0, false, db.logger, []);
    if (!source.isInitialized) await source.initialize();
    try {
      return (await source.runMigrations({ transaction: "each" })).map((m) => m.name);
    } finally {
      if (source !== db.dataSource) await source.destroy();
    }
  } finally {
    await lock.end();
  }
}
