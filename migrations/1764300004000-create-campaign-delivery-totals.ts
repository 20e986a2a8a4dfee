import { type MigrationInterface, type QueryRunner } from "typeorm";

// Lifetime delivery counts per (tenant, campaign, recipient provider): what Campaign.stats,
// Campaign.benchmarks, Campaign.zone and readiness's previous-campaign item show. They are
// the sums of delivery_counters over all days, kept beside them so a dashboard page reads
// at most five rows per campaign instead of summing every daily bucket (a page of 50
// campaigns with 10 days of sends summed ~2,500 rows, plus as many for the previous
// campaigns readiness compares with).
//
// Maintained by the same code and in the same transaction as delivery_counters
// (DeliveryCounterService.applyWith: one more upsert per batch, after the counters' and in
// the same sorted order, so concurrent batches lock rows in one order). Counts with no
// campaign are not kept here: nothing reads a campaign-less lifetime total.
//
// No foreign key to campaigns, as for delivery_counters: these are history.
export class CreateCampaignDeliveryTotals1764300004000 implements MigrationInterface {
  name = "CreateCampaignDeliveryTotals1764300004000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE campaign_delivery_totals (
        tenant_id uuid NOT NULL,
        campaign_id uuid NOT NULL,
        recipient_provider text NOT NULL,
        sent bigint NOT NULL DEFAULT 0,
        delivered bigint NOT NULL DEFAULT 0,
        hard_bounces bigint NOT NULL DEFAULT 0,
        soft_bounces bigint NOT NULL DEFAULT 0,
        complaints bigint NOT NULL DEFAULT 0,
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT campaign_delivery_totals_pkey PRIMARY KEY (tenant_id, campaign_id, recipient_provider),
        CONSTRAINT campaign_delivery_totals_tenant_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE,
        CONSTRAINT campaign_delivery_totals_provider_valid CHECK (recipient_provider IN ('GMAIL', 'MICROSOFT', 'YAHOO', 'APPLE', 'OTHER')),
        CONSTRAINT campaign_delivery_totals_non_negative CHECK (sent >= 0 AND delivered >= 0 AND hard_bounces >= 0 AND soft_bounces >= 0 AND complaints >= 0)
      )
    `);
    // Backfill from the daily counters, in this migration's transaction. delivery_counters
    // forces row-level security even on its owner (the policy is rebound_app's), so the owner
    // (MIGRATION_DATABASE_URL, not necessarily a superuser) lifts FORCE for the copy and puts
    // it back before committing: nobody ever sees it lifted, and the ALTER's exclusive lock
    // also holds ingest still, so no counter moves between the copy and the commit. Every
    // process that writes counters after this migration writes the totals too.
    await q.query(`ALTER TABLE delivery_counters NO FORCE ROW LEVEL SECURITY`);
    await q.query(`
      INSERT INTO campaign_delivery_totals (tenant_id, campaign_id, recipient_provider, sent, delivered, hard_bounces, soft_bounces, complaints)
      SELECT tenant_id, campaign_id, recipient_provider, sum(sent), sum(delivered), sum(hard_bounces), sum(soft_bounces), sum(complaints)
        FROM delivery_counters
       WHERE campaign_id IS NOT NULL
       GROUP BY tenant_id, campaign_id, recipient_provider
    `);
    await q.query(`ALTER TABLE delivery_counters FORCE ROW LEVEL SECURITY`);
    await q.query(`SELECT rebound_protect_tenant_table('campaign_delivery_totals')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE campaign_delivery_totals`);
  }
}
