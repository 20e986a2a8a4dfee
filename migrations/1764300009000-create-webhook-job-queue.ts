import PgBoss from "pg-boss";
import { type MigrationInterface, type QueryRunner } from "typeorm";

// Outgoing webhooks' job queue: pg-boss's schema (pgboss) and its webhook-delivery queue.
// webhook_deliveries stays the record of every message; a pg-boss job says when a message is
// due and which process is attempting it. Created here, by the migration role, because the
// app may log in as a role without DDL rights (pg-boss then only checks its version at start).
// The tenant role may enqueue and nothing more: the event's own transaction (run as
// rebound_app) inserts the job, so it exists exactly when the event does. A later pg-boss
// version brings its schema migration (PgBoss.getMigrationPlans) in a migration of its own.
// Each delivery row remembers the job of its current attempt (job_id): a job that pg-boss hands
// out again after its process died mid-attempt may take the attempt over; any other job whose
// expected attempt number is behind the row's is late and is dropped.
const WEBHOOK_QUEUE = "webhook-delivery";

export class CreateWebhookJobQueue1764300009000 implements MigrationInterface {
  name = "CreateWebhookJobQueue1764300009000";
  // pg-boss's construction plan opens and commits its own transaction.
  transaction = false;

  async up(q: QueryRunner): Promise<void> {
    const [{ present }]: Array<{ present: boolean }> = await q.query(
      "SELECT to_regclass('pgboss.version') IS NOT NULL AS present",
    );
    if (!present) await q.query(PgBoss.getConstructionPlans("pgboss"));
    // createQueue needs no started instance: it runs its statement through the adapter.
    const boss = new PgBoss({
      db: { executeSql: async (text: string, values: unknown[]) => ({ rows: await q.query(text, values) }) },
    });
    const [{ n }]: Array<{ n: number }> = await q.query("SELECT count(*)::int AS n FROM pgboss.queue WHERE name = $1", [
      WEBHOOK_QUEUE,
    ]);
    if (n === 0) await boss.createQueue(WEBHOOK_QUEUE, { name: WEBHOOK_QUEUE, policy: "standard" });
    await q.query("ALTER TABLE webhook_deliveries ADD COLUMN IF NOT EXISTS job_id uuid");
    await q.query(`
      DO $$ BEGIN
        IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rebound_app') THEN
          GRANT USAGE ON SCHEMA pgboss TO rebound_app;
          GRANT SELECT ON pgboss.queue TO rebound_app;
          GRANT INSERT ON pgboss.job TO rebound_app;
        END IF;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query("ALTER TABLE webhook_deliveries DROP COLUMN IF EXISTS job_id");
    await q.query("DROP SCHEMA IF EXISTS pgboss CASCADE");
  }
}
