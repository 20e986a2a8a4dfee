import { type MigrationInterface, type QueryRunner } from "typeorm";

// Query.campaigns' orders and filters, each served by an index (test/e2e/list-filters-explain
// shows every one on a million rows):
//
//   bounce rate   the lifetime (hard + soft) / sent of the campaign, kept on the campaign row:
//                 `sent` and `bounced` move in ingest's counter statement, in the same
//                 transaction as campaign_delivery_totals (DeliveryCounterService.applyWith),
//                 and `bounce_rate` is generated from them, so an ordered page is an index
//                 scan instead of a sort of every campaign's totals. A campaign that sent
//                 nothing has no rate: -1 ranks it below every rate.
//   status        one index per status, newest first
//   name prefix   case-insensitive: a stored lower-case copy of the name with text_pattern_ops
//                 (the leakproof ~>=~ / ~<~ range, as for suppressions: under row-level
//                 security lower() in a condition would keep it from being an index condition)
//   domain        campaigns_tenant_domain_created_idx already serves it
//   created range campaigns_tenant_created_idx already serves it
export class OrderAndFilterCampaigns1764300010000 implements MigrationInterface {
  name = "OrderAndFilterCampaigns1764300010000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE campaigns
        ADD COLUMN sent bigint NOT NULL DEFAULT 0,
        ADD COLUMN bounced bigint NOT NULL DEFAULT 0,
        ADD COLUMN bounce_rate double precision NOT NULL
          GENERATED ALWAYS AS (CASE WHEN sent > 0 THEN bounced::double precision / sent ELSE -1 END) STORED,
        ADD COLUMN name_lower text NOT NULL GENERATED ALWAYS AS (lower(name)) STORED
    `);
    // Backfill from the lifetime totals. campaign_delivery_totals forces row-level security
    // even on its owner, so FORCE is lifted for the copy and put back before the commit, as
    // the totals' own migration did; the ALTER's lock holds ingest still meanwhile.
    await q.query(`ALTER TABLE campaign_delivery_totals NO FORCE ROW LEVEL SECURITY`);
    await q.query(`ALTER TABLE campaigns NO FORCE ROW LEVEL SECURITY`);
    await q.query(`
      UPDATE campaigns c SET sent = t.sent, bounced = t.bounced
        FROM (SELECT tenant_id, campaign_id, sum(sent) AS sent, sum(hard_bounces + soft_bounces) AS bounced
                FROM campaign_delivery_totals GROUP BY tenant_id, campaign_id) t
       WHERE c.tenant_id = t.tenant_id AND c.id = t.campaign_id
    `);
    await q.query(`ALTER TABLE campaigns FORCE ROW LEVEL SECURITY`);
    await q.query(`ALTER TABLE campaign_delivery_totals FORCE ROW LEVEL SECURITY`);
    await q.query(`
      CREATE INDEX campaigns_tenant_bounce_rate_idx ON campaigns (tenant_id, bounce_rate, id);
      CREATE INDEX campaigns_tenant_status_idx ON campaigns (tenant_id, status, created_at, id);
      CREATE INDEX campaigns_tenant_name_prefix_idx ON campaigns (tenant_id, name_lower text_pattern_ops);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX campaigns_tenant_bounce_rate_idx, campaigns_tenant_status_idx, campaigns_tenant_name_prefix_idx;
      ALTER TABLE campaigns DROP COLUMN name_lower, DROP COLUMN bounce_rate, DROP COLUMN bounced, DROP COLUMN sent;
    `);
  }
}
