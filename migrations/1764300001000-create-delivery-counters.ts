import { type MigrationInterface, type QueryRunner } from "typeorm";

// Pre-aggregated delivery counts per (tenant, campaign, inbox, recipient provider, UTC day):
// the denominators and numerators of every bounce-rate benchmark, read without scanning
// bounce_events. Ingest moves them only for rows it newly inserted, in the same transaction
// (INSERT ... ON CONFLICT DO UPDATE SET n = n + EXCLUDED.n), so they stay equal to a recount.
//
// campaign_id / inbox_id may be unknown (NULL): the key is UNIQUE NULLS NOT DISTINCT, so
// "no campaign" is one bucket, and the primary key is a surrogate id (a key with NULLs
// cannot be a primary key). domain_id is a function of the key (the campaign's domain, else
// the inbox's), stored so domain totals read one index.
//
// No foreign keys to campaigns/inboxes/domains on purpose: counters are history. Deleting a
// campaign must neither erase its sends from the inbox's and domain's totals (CASCADE) nor
// merge buckets (SET NULL would collide with the unique key).
export class CreateDeliveryCounters1764300001000 implements MigrationInterface {
  name = "CreateDeliveryCounters1764300001000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE delivery_counters (
        tenant_id uuid NOT NULL,
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        campaign_id uuid,
        inbox_id uuid,
        domain_id uuid,
        recipient_provider text NOT NULL,
        day date NOT NULL,
        sent bigint NOT NULL DEFAULT 0,
        delivered bigint NOT NULL DEFAULT 0,
        hard_bounces bigint NOT NULL DEFAULT 0,
        soft_bounces bigint NOT NULL DEFAULT 0,
        complaints bigint NOT NULL DEFAULT 0,
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT delivery_counters_pkey PRIMARY KEY (tenant_id, id),
        CONSTRAINT delivery_counters_tenant_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE,
        CONSTRAINT delivery_counters_bucket_key UNIQUE NULLS NOT DISTINCT (tenant_id, campaign_id, inbox_id, recipient_provider, day),
        CONSTRAINT delivery_counters_provider_valid CHECK (recipient_provider IN ('GMAIL', 'MICROSOFT', 'YAHOO', 'APPLE', 'OTHER')),
        CONSTRAINT delivery_counters_non_negative CHECK (sent >= 0 AND delivered >= 0 AND hard_bounces >= 0 AND soft_bounces >= 0 AND complaints >= 0)
      );
      CREATE INDEX delivery_counters_tenant_campaign_idx ON delivery_counters (tenant_id, campaign_id, day);
      CREATE INDEX delivery_counters_tenant_inbox_idx ON delivery_counters (tenant_id, inbox_id, day);
      CREATE INDEX delivery_counters_tenant_domain_idx ON delivery_counters (tenant_id, domain_id, day);
      SELECT rebound_protect_tenant_table('delivery_counters');
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE delivery_counters`);
  }
}
