import { type MigrationInterface, type QueryRunner } from "typeorm";

// The filters and orders of the lists, each served by an index (test/e2e/list-filters-explain
// shows every one on a million rows): a filtered page is an index scan in keyset order and
// its totalCount a count over the same index, never a scan of the table.
//
//   bounce_events  occurred_at range and order; reason, fault, recipient provider and bounce
//                  type, each newest first (campaign, inbox and recipient had theirs)
//   suppressions   the recipient domain (a stored generated column: the address's domain, or
//                  a domain suppression's value), address prefix (text_pattern_ops: the
//                  byte-wise range ~>=~ / ~<~), reason
//
// Under row-level security PostgreSQL uses a condition as an index condition only when its
// functions are leakproof: split_part and LIKE are not, so the domain is a column of its own
// and a prefix is a range of the leakproof pattern operators.
//   alerts         kind, severity, and open / acknowledged (partial indexes)
export class IndexListFilters1764300006000 implements MigrationInterface {
  name = "IndexListFilters1764300006000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE INDEX bounce_events_tenant_occurred_idx ON bounce_events (tenant_id, occurred_at, id);
      CREATE INDEX bounce_events_tenant_reason_idx ON bounce_events (tenant_id, reason, created_at, id);
      CREATE INDEX bounce_events_tenant_fault_idx ON bounce_events (tenant_id, fault, created_at, id);
      CREATE INDEX bounce_events_tenant_provider_idx ON bounce_events (tenant_id, recipient_provider, created_at, id);
      CREATE INDEX bounce_events_tenant_bounce_type_idx ON bounce_events (tenant_id, bounce_type, created_at, id);
      ALTER TABLE suppressions ADD COLUMN recipient_domain text NOT NULL
        GENERATED ALWAYS AS (CASE WHEN scope = 'DOMAIN' THEN value ELSE split_part(value, '@', 2) END) STORED;
      CREATE INDEX suppressions_tenant_domain_idx ON suppressions (tenant_id, recipient_domain, created_at, id);
      CREATE INDEX suppressions_tenant_value_prefix_idx ON suppressions (tenant_id, value text_pattern_ops);
      CREATE INDEX suppressions_tenant_reason_idx ON suppressions (tenant_id, reason, created_at, id);
      CREATE INDEX alerts_tenant_kind_idx ON alerts (tenant_id, kind, created_at, id);
      CREATE INDEX alerts_tenant_severity_idx ON alerts (tenant_id, severity, created_at, id);
      CREATE INDEX alerts_tenant_open_idx ON alerts (tenant_id, created_at, id) WHERE acknowledged_at IS NULL;
      CREATE INDEX alerts_tenant_acknowledged_idx ON alerts (tenant_id, created_at, id) WHERE acknowledged_at IS NOT NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX bounce_events_tenant_occurred_idx, bounce_events_tenant_reason_idx, bounce_events_tenant_fault_idx,
        bounce_events_tenant_provider_idx, bounce_events_tenant_bounce_type_idx, suppressions_tenant_domain_idx,
        suppressions_tenant_value_prefix_idx, suppressions_tenant_reason_idx, alerts_tenant_kind_idx,
        alerts_tenant_severity_idx, alerts_tenant_open_idx, alerts_tenant_acknowledged_idx;
      ALTER TABLE suppressions DROP COLUMN recipient_domain;
    `);
  }
}
