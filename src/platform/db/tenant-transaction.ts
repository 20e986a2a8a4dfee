import { pino, type Logger } from "pino";
import type { PoolClient, QueryConfig, QueryResultRow } from "pg";
import type { DataSource, EntityManager, QueryRunner } from "typeorm";
import { preparedStatement } from "./prepared";
import { statementCounter } from "./statement-counter";

let fallback: Logger | null = null;
/** For transactions opened outside a request (commands, start-up): errors still reach stderr. */
function processLog(): Logger {
  return (fallback ??= pino({ level: "error", base: { service: "rebound" } }, pino.destination(2)));
}

/** Role every request runs as: subject to row-level security, whatever DATABASE_URL logs in as. */
export const APP_ROLE = "rebound_app";

/** Tenant transactions open right now in this process (read queries end theirs after answering). */
export const openTransactions = { count: 0 };

/** Binds the transaction to its tenant: role and app.tenant_id, both transaction-local. */
export const BIND_TENANT = "SELECT set_config('role', $1, true), set_config('app.tenant_id', $2, true)";
const NOTIFY = "SELECT pg_notify($1, $2)";

/**
 * One transaction's connection, as two public faces of the same pg client: TypeORM's query
 * runner (its EntityManager, its transaction state) and the pg client the runner hands out
 * from connect(), for what TypeORM cannot say (named prepared statements, statements sent
 * without waiting for the previous answer).
 */
interface Session {
  runner: QueryRunner;
  client: PoolClient;
  /** The tenant binding's answer, checked before COMMIT is trusted (see commit()). */
  bound: Promise<unknown>;
}

/**
 * A transaction opened on first use and bound to one tenant: it runs as rebound_app with
 * app.tenant_id set (transaction-local), so row-level security is the second wall behind
 * the services' explicit tenant_id filters. Work queued with afterCommit runs only once
 * the commit succeeded (real-time publishing must never announce rolled-back rows).
 *
 * Round trips, on pooled clients in pg's pipeline mode (data-source.ts): START TRANSACTION
 * is one (TypeORM's startTransaction(), so TypeORM knows its runner is in a transaction and
 * save() opens none of its own); the tenant binding is written right behind it and travels
 * with the request's first statement; queued NOTIFYs travel with the COMMIT. PostgreSQL runs
 * one connection's statements in the order they were written, so nothing can run before the
 * binding, and if the binding fails, every statement after it fails with it.
 */
export class TenantTransaction {
  private session: Promise<Session> | null = null;
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
    return this.session !== null;
  }

  /** TypeORM's EntityManager bound to this transaction's connection. */
  async manager(): Promise<EntityManager> {
    return (await this.open()).runner.manager;
  }

  /**
   * Runs `text` as a named prepared statement on this transaction's connection (prepared.ts):
   * parsed and planned once per connection rather than at every call.
   */
  async prepared<T extends QueryResultRow>(text: string, values: unknown[]): Promise<T[]> {
    const { client } = await this.open();
    return (await send<T>(client, preparedStatement(text, values))).rows;
  }

  private open(): Promise<Session> {
    if (this.finished) return Promise.reject(new Error("transaction already finished"));
    return (this.session ??= this.start());
  }

  private async start(): Promise<Session> {
    const runner = this.dataSource.createQueryRunner();
    // A PostgreSQL query runner's connect() resolves to the pg client it took from the pool.
    const client = (await runner.connect()) as PoolClient;
    try {
      await runner.startTransaction();
    } catch (err) {
      await discard(runner, client);
      throw err;
    }
    // Prepared once per connection: every request runs it, so PostgreSQL need not parse it each time.
    const bound = send(client, preparedStatement(BIND_TENANT, [APP_ROLE, this.tenantId ?? ""]));
    // Without pipelining, pg would hold the next statement in its own queue (which it
    // deprecates); wait for the answer instead.
    if (!client.pipeline) await bound.catch(() => undefined);
    // Observed in commit(); until then a failed binding shows in the statements behind it.
    bound.catch(() => undefined);
    openTransactions.count++;
    return { runner, client, bound };
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
    const session = await this.session?.catch(() => null);
    if (session) {
      const { runner, client } = session;
      try {
        // Written before COMMIT is asked for, so they reach PostgreSQL ahead of it, pipelined.
        const notified = this.notifications.map((n) => send(client, preparedStatement(NOTIFY, [n.channel, n.payload])));
        if (!client.pipeline) await Promise.all(notified);
        notified.forEach((p) => p.catch(() => undefined));
        await runner.commitTransaction();
        // PostgreSQL answers COMMIT in a failed transaction by rolling back, without an error:
        // a failed binding or NOTIFY means nothing was committed, and the caller must know.
        await Promise.all([session.bound, ...notified]);
      } catch (err) {
        if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
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
    const session = await this.session?.catch(() => null);
    if (!session) return;
    const { runner, client } = session;
    try {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      await runner.release();
    } catch {
      // A ROLLBACK that fails (the connection is gone: an outage) leaves nothing to undo on
      // the server, but the connection must not go back to the pool; and the request's own
      // answer must not turn into a second error.
      await discard(runner, client);
    } finally {
      openTransactions.count--;
    }
  }
}

/** One statement on the pg client, counted with TypeORM's (statement-counter.ts). */
function send<T extends QueryResultRow>(client: PoolClient, query: QueryConfig): Promise<{ rows: T[] }> {
  statementCounter.total++;
  return client.query<T>(query);
}

/**
 * Hands a connection that may still be inside a transaction (or broken) back so the pool
 * drops it: pg-pool never reuses a client that is ending. TypeORM has already released a
 * runner whose client reported an error; release() is then a no-op.
 */
async function discard(runner: QueryRunner, client: PoolClient): Promise<void> {
  client.end().catch(() => undefined);
  await runner.release().catch(() => undefined);
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
