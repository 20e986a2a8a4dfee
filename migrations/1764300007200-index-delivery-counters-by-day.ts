import { type MigrationInterface, type QueryRunner } from "typeorm";

// viewer.usage sums a tenant's sends of one month from delivery_counters: by (tenant_id, day)
// that is one index range of the month's rows, not every counter row the tenant ever had. No
// counted column is in the index, so the counters' updates stay HOT.
export class IndexDeliveryCountersByDay1764300007200 implements MigrationInterface {
  name = "IndexDeliveryCountersByDay1764300007200";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX delivery_counters_tenant_day_idx ON delivery_counters (tenant_id, day)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX delivery_counters_tenant_day_idx`);
  }
}
