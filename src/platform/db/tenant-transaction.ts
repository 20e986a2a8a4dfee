import { pino, type Logger } from "pino";
import { DatabaseError, escapeLiteral, type PoolClient, type QueryConfig, type QueryResultRow } from "pg";
import type { DataSource, EntityManager, QueryRunner, RemoveOptions, SaveOptions } from "typeorm";
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

/**
 * Binds a transaction to its tenant (role and app.tenant_id, both transaction-local), as a
 * parameterised statement: for connections that open their transaction themselves (the
 * export pool, export-connections.ts).
 */
export const BIND_TENANT = "SELECT set_config('role', $1, true), set_config('app.tenant_id', $2, true)";
/**
 * START and the tenant binding (role and app.tenant_id, both transaction-local) as one
 * simple-protocol message: one write and one answer for what every request runs first,
 * where a parameterised binding is a statement of its own (a socket write and an answer
 * more per request). The simple protocol takes no parameters, so the values are written as
 * literals by pg's escapeLiteral, whatever they hold (test/e2e/tenant-transaction.test.ts).
 */
function beginFor(tenantId: string | null): string {
  const role = escapeLiteral(APP_ROLE);
  const tenant = escapeLiteral(tenantId ?? "");
  return `START TRANSACTION; SELECT set_config('role', ${role}, true), set_config('app.tenant_id', ${tenant}, true)`;
}
const NOTIFY = "SELECT pg_notify($1, $2)";

/**
 * Marks a query runner (QueryRunner.data, TypeORM's place for data its subscribers read) whose
 * transaction a TenantTransaction opened on the pg client: TypeORM does not know that
 * transaction, so it must not open one of its own there (OwnTransactionGuard refuses it).
 */
export const TENANT_TRANSACTION = "reboundTenantTransaction";

/**
 * One transaction's connection, as two public faces of the same pg client: TypeORM's query
 * runner (its EntityManager) and the pg client the runner hands out from connect(), on
 * which the transaction itself is opened, bound and ended.
 */
interface Session {
  runner: QueryRunner;
  client: PoolClient;
  /** START and the tenant binding's answer: checked before a result is handed out or COMMIT is trusted. */
  bound: Promise<unknown>;
}

/**
 * A transaction opened on first use and bound to one tenant: it runs as rebound_app with
 * app.tenant_id set (transaction-local), so row-level security is the second wall behind
 * the services' explicit tenant_id filters. Work queued with afterCommit runs only once
 * the commit succeeded (real-time publishing must never announce rolled-back rows).
 *
 * Round trips, on pooled clients in pg's pipeline mode (data-source.ts): START TRANSACTION
 * and the tenant binding are written on the pg client in one message (beginFor) and travel
 * with the request's first statement; queued NOTIFYs travel with the COMMIT. So a read of
 * one statement costs two round trips (START + binding + read, then COMMIT after the answer
 * is out). PostgreSQL runs one connection's statements in the order they were written, so
 * nothing runs before the binding; if the binding fails, the transaction is aborted and
 * every statement after it fails with it (START itself fails only on a connection that
 * answers nothing else).
 *
 * TypeORM does not open this transaction, so it does not know of it: TypeORM's save() and
 * remove() are called with `{ transaction: false }` (a documented option: "do not open a
 * transaction of your own"), and a call without it fails loudly (OwnTransactionGuard)
 * rather than committing this transaction halfway through.
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
    const { client, bound } = await this.open();
    const [, result] = await Promise.all([bound, send<T>(client, preparedStatement(text, values))]);
    return result.rows;
  }

  private open(): Promise<Session> {
    if (this.finished) return Promise.reject(new Error("transaction already finished"));
    return (this.session ??= this.start());
  }

  private async start(): Promise<Session> {
    const runner = this.dataSource.createQueryRunner();
    runner.data = { ...runner.data, [TENANT_TRANSACTION]: true };
    // A PostgreSQL query runner's connect() resolves to the pg client it took from the pool.
    const client = (await runner.connect()) as PoolClient;
    const bound = send(client, { text: beginFor(this.tenantId) });
    // Without pipelining, pg would hold the next statement in its own queue (which it
    // deprecates); wait for the answers instead.
    if (!client.pipeline) {
      try {
        await bound;
      } catch (err) {
        await discard(runner, client);
        throw err;
      }
    }
    // Observed by every result handed out and by commit().
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
      let committed: Promise<unknown> | null = null;
      try {
        // Written before COMMIT, so they reach PostgreSQL ahead of it, pipelined.
        const notified = this.notifications.map((n) => send(client, preparedStatement(NOTIFY, [n.channel, n.payload])));
        notified.forEach((p) => p.catch(() => undefined));
        if (!client.pipeline) await Promise.all(notified);
        committed = send(client, { text: "COMMIT" });
        // PostgreSQL answers COMMIT in a failed transaction by rolling back, without an error:
        // a failed binding or NOTIFY means nothing was committed, and the caller must know.
        await Promise.all([committed, session.bound, ...notified]);
      } catch (err) {
        // COMMIT answered, even with an error, ended the transaction on the server; without
        // that answer the connection may still be inside it, and the pool must not reuse it.
        const ended = await (committed ?? send(client, { text: "ROLLBACK" })).then(
          () => true,
          (e: unknown) => committed !== null && e instanceof DatabaseError,
        );
        if (!ended) await discard(runner, client);
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
      await send(client, { text: "ROLLBACK" });
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

/**
 * TypeORM's save options inside a tenant transaction: TypeORM does not know the transaction
 * is open (it was opened on the pg client), so it is told not to open one of its own.
 */
export const WITHIN_TENANT_TRANSACTION: SaveOptions & RemoveOptions = { transaction: false };
