import { pino, type Logger } from "pino";
import type { DataSource, EntityManager, QueryRunner } from "typeorm";
import { takeTurns } from "./query-turns";

let fallback: Logger | null = null;
/** For transactions opened outside a request (commands, start-up): errors still reach stderr. */
function processLog(): Logger {
  return (fallback ??= pino({ level: "error", base: { service: "rebound" } }, pino.destination(2)));
}

/** Role every request runs as: subject to row-level security, whatever DATABASE_URL logs in as. */
export const APP_ROLE = "rebound_app";

/** Tenant transactions open right now in this process (read queries end theirs after answering). */
export const openTransactions = { count: 0 };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What TypeORM's PostgresQueryRunner has beyond the QueryRunner interface, used by begin(). */
type PostgresRunner = Omit<QueryRunner, "isTransactionActive"> & {
  isTransactionActive: boolean;
  transactionDepth: number;
  releasePostgresConnection(err?: Error): Promise<void>;
};

/**
 * A transaction opened on first use and bound to one tenant: it runs as rebound_app with
 * app.tenant_id set (transaction-local), so row-level security is the second wall behind
 * the services' explicit tenant_id filters. Work queued with afterCommit runs only once
 * the commit succeeded (real-time publishing must never announce rolled-back rows).
 */
export class TenantTransaction {
  private runner: QueryRunner | null = null;
  private opening: Promise<EntityManager> | null = null;
  private readonly afterCommitTasks: Array<() => void | Promise<void>> = [];
  private readonly notifications: Array<{ channel: string; payload: string }> = [];
  private finished = false;

  constructor(
    private readonly dataSource: DataSource,
    readonly tenantId: string | null,
    private readonly log: () => Logger = processLog,
  ) {}

  /** Whether any statement has been run (the transaction was started). */
  get opened(): boolean {
    return this.opening !== null;
  }

  manager(): Promise<EntityManager> {
    if (this.finished) return Promise.reject(new Error("transaction already finished"));
    this.opening ??= this.open();
    return this.opening;
  }

  private async open(): Promise<EntityManager> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    takeTurns(runner);
    try {
      await this.begin(runner);
    } catch (err) {
      // Never hand a connection back to the pool inside a transaction (aborted or not):
      // roll back, and if even that fails, release it as broken so the pool drops it.
      const rolledBack = await runner.query("ROLLBACK").then(
        () => true,
        () => false,
      );
      await (rolledBack
        ? runner.release()
        : (runner as unknown as PostgresRunner).releasePostgresConnection(err as Error));
      throw err;
    }
    this.runner = runner;
    openTransactions.count++;
    return runner.manager;
  }

  /**
   * START TRANSACTION and the tenant binding in one round trip: one simple-protocol query of
   * two statements (a statement is a socket write and a wait; every request pays this one).
   * The simple protocol takes no parameters, so the values are inlined, and only values that
   * cannot carry SQL are: the role is a constant and the tenant a UUID checked here (anything
   * else goes the parameterised way). Then the runner is marked as TypeORM's own
   * startTransaction() marks it (active, depth 1, the same events), so commit, rollback and
   * repository.save() (which opens no transaction of its own inside one) behave unchanged.
   */
  private async begin(runner: QueryRunner): Promise<void> {
    const tenant = this.tenantId ?? "";
    // A configured isolation level is TypeORM's to set (a statement of its own after START).
    const isolation = (this.dataSource.options as { isolationLevel?: string }).isolationLevel;
    if ((tenant !== "" && !UUID.test(tenant)) || isolation) {
      await runner.startTransaction();
      await runner.query("SELECT set_config('role', $1, true), set_config('app.tenant_id', $2, true)", [
        APP_ROLE,
        tenant,
      ]);
      return;
    }
    const r = runner as unknown as PostgresRunner;
    r.isTransactionActive = true;
    try {
      await r.broadcaster.broadcast("BeforeTransactionStart");
      await r.query(
        `START TRANSACTION; SELECT set_config('role', '${APP_ROLE}', true), set_config('app.tenant_id', '${tenant}', true)`,
      );
    } catch (err) {
      r.isTransactionActive = false;
      throw err;
    }
    r.transactionDepth = 1;
    await r.broadcaster.broadcast("AfterTransactionStart");
  }

  afterCommit(task: () => void | Promise<void>): void {
    this.afterCommitTasks.push(task);
  }

  /**
   * A NOTIFY sent as part of this transaction, so PostgreSQL delivers it only if the
   * transaction commits. Queued, and sent in the COMMIT's own round trip: an ingest holds
   * counter-row locks until it commits, and every round trip before COMMIT lengthens that.
   */
  notifyOnCommit(channel: string, payload: string): void {
    this.notifications.push({ channel, payload });
  }

  async commit(): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    if (this.opening) await this.opening.catch(() => undefined);
    const runner = this.runner;
    if (runner) {
      try {
        await commitWithNotifications(runner, this.notifications);
      } catch (err) {
        await runner.rollbackTransaction().catch(() => undefined);
        throw err;
      } finally {
        await runner.release();
        openTransactions.count--;
      }
    }
    for (const task of this.afterCommitTasks) {
      try {
        await task();
      } catch (err) {
        this.log().error({ err }, "after-commit task failed");
      }
    }
  }

  async rollback(): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    if (this.opening) await this.opening.catch(() => undefined);
    const runner = this.runner;
    if (runner) {
      // A ROLLBACK that fails (the connection is gone: an outage) leaves nothing to undo on
      // the server, but the connection must not go back to the pool: drop it, and do not
      // turn the request's own answer into a second error.
      let failure: Error | null = null;
      try {
        if (runner.isTransactionActive) await runner.rollbackTransaction();
      } catch (err) {
        failure = err as Error;
      } finally {
        if (failure)
          await (runner as unknown as PostgresRunner).releasePostgresConnection(failure).catch(() => undefined);
        else await runner.release();
        openTransactions.count--;
      }
    }
  }
}

/** Channel names and payloads that can be inlined in SQL as they are (no quote, no backslash). */
const SAFE_CHANNEL = /^[a-z_][a-z0-9_]*$/;
// eslint-disable-next-line no-control-regex -- NUL is exactly what must not be inlined
const SAFE_PAYLOAD = /^[^'\\\u0000]*$/;

/**
 * COMMIT, preceded by the queued NOTIFYs in the same round trip (one simple-protocol query),
 * marked on the runner as TypeORM's commitTransaction() marks it. The simple protocol takes no
 * parameters: a payload that could carry a quote goes the parameterised way, one statement each.
 */
async function commitWithNotifications(
  runner: QueryRunner,
  notifications: ReadonlyArray<{ channel: string; payload: string }>,
): Promise<void> {
  const inline = notifications.filter((n) => SAFE_CHANNEL.test(n.channel) && SAFE_PAYLOAD.test(n.payload));
  for (const n of notifications) {
    if (!inline.includes(n)) await runner.query("SELECT pg_notify($1, $2)", [n.channel, n.payload]);
  }
  const r = runner as unknown as PostgresRunner;
  if (inline.length === 0 || r.transactionDepth !== 1) {
    for (const n of inline) await runner.query("SELECT pg_notify($1, $2)", [n.channel, n.payload]);
    await runner.commitTransaction();
    return;
  }
  await r.broadcaster.broadcast("BeforeTransactionCommit");
  await r.query(`SELECT ${inline.map((n) => `pg_notify('${n.channel}', '${n.payload}')`).join(", ")}; COMMIT`);
  r.isTransactionActive = false;
  r.transactionDepth = 0;
  await r.broadcaster.broadcast("AfterTransactionCommit");
}

/** Runs fn in a fresh tenant transaction, committing on success and rolling back on error. */
export async function inTenantTransaction<T>(
  dataSource: DataSource,
  tenantId: string,
  fn: (em: EntityManager, tx: TenantTransaction) => Promise<T>,
): Promise<T> {
  const tx = new TenantTransaction(dataSource, tenantId);
  try {
    const result = await fn(await tx.manager(), tx);
    await tx.commit();
    return result;
  } catch (err) {
    await tx.rollback();
    throw err;
  }
}
