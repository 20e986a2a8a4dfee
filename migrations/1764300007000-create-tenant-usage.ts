import { type MigrationInterface, type QueryRunner } from "typeorm";

// What a tenant used per calendar month (UTC): API requests and newly stored ingested events.
// Each server process counts in memory and adds its counts here every few seconds (one upsert
// per tenant per interval), so a request never waits on this row's lock. Sends are not kept
// here: delivery_counters count them exactly, in the ingest transaction.
export class CreateTenantUsage1764300007000 implements MigrationInterface {
  name = "CreateTenantUsage1764300007000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE tenant_usage (
        tenant_id uuid NOT NULL,
        month date NOT NULL,
        requests bigint NOT NULL DEFAULT 0,
        ingested_events bigint NOT NULL DEFAULT 0,
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT tenant_usage_pkey PRIMARY KEY (tenant_id, month),
        CONSTRAINT tenant_usage_tenant_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE,
        CONSTRAINT tenant_usage_month_first_day CHECK (extract(day FROM month) = 1),
        CONSTRAINT tenant_usage_non_negative CHECK (requests >= 0 AND ingested_events >= 0)
      );
      SELECT rebound_protect_tenant_table('tenant_usage');
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE tenant_usage`);
  }
}
