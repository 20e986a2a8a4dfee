import type { DataSource, EntityManager, QueryRunner } from "typeorm";

/** Role every request runs as: subject to row-level security, whatever DATABASE_URL logs in as. */
export const APP_ROLE = "rebound_app";

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
  private finished = false;

  constructor(
    private readonly dataSource: DataSource,
    readonly tenantId: string | null,
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
    try {
      await runner.startTransaction();
      await runner.query("SELECT set_config('role', $1, true), set_config('app.tenant_id', $2, true)", [
        APP_ROLE,
        this.tenantId ?? "",
      ]);
    } catch (err) {
      await runner.release();
      throw err;
    }
    this.runner = runner;
    return runner.manager;
  }

  afterCommit(task: () => void | Promise<void>): void {
    this.afterCommitTasks.push(task);
  }

  async commit(): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    if (this.opening) await this.opening.catch(() => undefined);
    const runner = this.runner;
    if (runner) {
      try {
        await runner.commitTransaction();
      } catch (err) {
        await runner.rollbackTransaction().catch(() => undefined);
        throw err;
      } finally {
        await runner.release();
      }
    }
    for (const task of this.afterCommitTasks) {
      try {
        await task();
      } catch (err) {
        process.stderr.write(`after-commit task failed: ${String(err)}\n`);
      }
    }
  }

  async rollback(): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    if (this.opening) await this.opening.catch(() => undefined);
    const runner = this.runner;
    if (runner) {
      try {
        if (runner.isTransactionActive) await runner.rollbackTransaction();
      } finally {
        await runner.release();
      }
    }
  }
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
