import { type MigrationInterface, type QueryRunner } from "typeorm";

// GET /export/bounce-events.csv?from&to streams a tenant's events in the order they occurred,
// from a server-side cursor: with this index the range is one index walk in that order, so
// the first rows leave at once and nothing is sorted, however many rows the range holds.
export class IndexBounceEventsByOccurrence1764300007100 implements MigrationInterface {
  name = "IndexBounceEventsByOccurrence1764300007100";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX bounce_events_tenant_occurred_idx ON bounce_events (tenant_id, occurred_at, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX bounce_events_tenant_occurred_idx`);
  }
}
