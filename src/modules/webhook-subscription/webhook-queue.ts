import PgBoss from "pg-boss";
import type { DataSource, EntityManager } from "typeorm";
import type { App, RequestContext } from "../../platform/context";

// The job queue of outgoing webhooks: pg-boss (its schema is made by a migration). A job says
// that one delivery is due (from startAfter) and, once fetched, which process attempts it;
// webhook_deliveries stays the record of each message and its attempts. pg-boss because it
// runs on the embedded database's one connection through a `db` adapter, takes a job into the
// caller's transaction through the same adapter, and hands out again (retryLimit) a job whose
// process died mid-attempt once its expireInSeconds ran out.

export const WEBHOOK_QUEUE = "webhook-delivery";

/** A job's data: the delivery, and the attempts it had counted when the job was made. */
export interface DeliveryJob {
  tenantId: string;
  deliveryId: string;
  attempt: number;
}

/** How often pg-boss hands out again a job whose process died before finishing it. */
const REHANDOUT_LIMIT = 20;

/** pg-boss's statements on the caller's transaction (TypeORM's EntityManager, so they are counted). */
function transactionDb(em: EntityManager): PgBoss.Db {
  return { executeSql: async (text, values) => ({ rows: (await em.query(text, values)) as unknown[] }) };
}

/** pg-boss's statements outside any tenant transaction, on a connection of the app's pool. */
export function poolDb(dataSource: DataSource): PgBoss.Db {
  return {
    async executeSql(text, values) {
      const runner = dataSource.createQueryRunner();
      try {
        const result = await runner.query(text, values, true);
        return { rows: (result.records as unknown[] | undefined) ?? [] };
      } finally {
        await runner.release();
      }
    },
  };
}

let sender: PgBoss | null = null;

/** An instance that is never started: it only writes jobs through the adapter it is given. */
function jobWriter(): PgBoss {
  return (sender ??= new PgBoss({
    db: { executeSql: () => Promise.reject(new Error("webhook jobs are written in a transaction")) },
    migrate: false,
    supervise: false,
    schedule: false,
  }));
}

/** Makes one job per delivery in the caller's transaction: the jobs exist exactly when it commits. */
export async function enqueueDeliveries(
  ctx: RequestContext,
  deliveries: ReadonlyArray<{ id: string; attempt: number; startAfter?: Date }>,
): Promise<void> {
  if (deliveries.length === 0) return;
  const em = await ctx.db();
  await jobWriter().insert(
    deliveries.map((d) => ({
      name: WEBHOOK_QUEUE,
      data: { tenantId: ctx.tenantId, deliveryId: d.id, attempt: d.attempt } satisfies DeliveryJob,
      startAfter: d.startAfter,
      expireInSeconds: ctx.app.config.webhooks.leaseSeconds,
      retryLimit: REHANDOUT_LIMIT,
      retryDelay: 0,
    })),
    { db: transactionDb(em) },
  );
}

/** The process's pg-boss: fetches jobs, completes them, and expires those of dead processes. */
export async function startQueue(app: App): Promise<PgBoss> {
  const lease = app.config.webhooks.leaseSeconds;
  const boss = new PgBoss({
    db: poolDb(app.db.dataSource),
    migrate: false,
    schedule: false,
    supervise: true,
    // Expiry is found by this maintenance: as often as the lease, so a dead process's jobs
    // come back within two leases.
    maintenanceIntervalSeconds: Math.max(1, Math.min(lease, 120)),
  });
  boss.on("error", (err) => app.log.warn({ err }, "webhook queue: pg-boss maintenance failed"));
  await boss.start();
  return boss;
}
