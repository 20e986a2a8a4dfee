import { type MigrationInterface, type QueryRunner } from "typeorm";

// Hourly delivery counters for time series (timeline on Campaign, Inbox, Domain and the
// tenant): the same buckets as delivery_counters but per UTC hour, with `deferred` beside
// them (soft bounces that were one failed try among more: DEFERRAL events, DSN "delayed").
// Ingest moves them in the statement that moves the daily counters, for new rows only.
//
// Existing history is carried over once: bounce-side counts from bounce_events at the hour
// they occurred (deferrals were not told apart before: 0), and sends, which were only counted
// per day, at 00:00 UTC of their day.
export class CreateDeliveryCountersHourly1764300006100 implements MigrationInterface {
  name = "CreateDeliveryCountersHourly1764300006100";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE delivery_counters_hourly (
        tenant_id uuid NOT NULL,
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        campaign_id uuid,
        inbox_id uuid,
        domain_id uuid,
        recipient_provider text NOT NULL,
        hour timestamptz(0) NOT NULL,
        sent bigint NOT NULL DEFAULT 0,
        delivered bigint NOT NULL DEFAULT 0,
        hard_bounces bigint NOT NULL DEFAULT 0,
        soft_bounces bigint NOT NULL DEFAULT 0,
        deferred bigint NOT NULL DEFAULT 0,
        complaints bigint NOT NULL DEFAULT 0,
        CONSTRAINT delivery_counters_hourly_pkey PRIMARY KEY (tenant_id, id),
        CONSTRAINT delivery_counters_hourly_tenant_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE,
        CONSTRAINT delivery_counters_hourly_bucket_key
          UNIQUE NULLS NOT DISTINCT (tenant_id, campaign_id, inbox_id, recipient_provider, hour),
        CONSTRAINT delivery_counters_hourly_provider_valid
          CHECK (recipient_provider IN ('GMAIL', 'MICROSOFT', 'YAHOO', 'APPLE', 'OTHER')),
        CONSTRAINT delivery_counters_hourly_on_the_hour CHECK (hour = date_trunc('hour', hour, 'UTC')),
        CONSTRAINT delivery_counters_hourly_non_negative CHECK (sent >= 0 AND delivered >= 0 AND hard_bounces >= 0
          AND soft_bounces >= 0 AND deferred >= 0 AND deferred <= soft_bounces AND complaints >= 0)
      );
      CREATE INDEX delivery_counters_hourly_tenant_hour_idx ON delivery_counters_hourly (tenant_id, hour);
      CREATE INDEX delivery_counters_hourly_tenant_campaign_idx ON delivery_counters_hourly (tenant_id, campaign_id, hour);
      CREATE INDEX delivery_counters_hourly_tenant_inbox_idx ON delivery_counters_hourly (tenant_id, inbox_id, hour);
      CREATE INDEX delivery_counters_hourly_tenant_domain_idx ON delivery_counters_hourly (tenant_id, domain_id, hour);
      SELECT rebound_protect_tenant_table('delivery_counters_hourly');

      INSERT INTO delivery_counters_hourly
        (tenant_id, campaign_id, inbox_id, domain_id, recipient_provider, hour, sent, delivered, hard_bounces, soft_bounces, complaints)
      SELECT tenant_id, campaign_id, inbox_id, max(domain_id::text)::uuid, recipient_provider, hour,
             sum(sent), sum(delivered), sum(hard), sum(soft), sum(complaints)
        FROM (
          SELECT tenant_id, campaign_id, inbox_id, domain_id, recipient_provider, day::timestamp AT TIME ZONE 'UTC' AS hour,
                 sent, 0 AS delivered, 0 AS hard, 0 AS soft, 0 AS complaints
            FROM delivery_counters WHERE sent > 0
          UNION ALL
          SELECT e.tenant_id, e.campaign_id, e.inbox_id, coalesce(c.domain_id, i.domain_id), e.recipient_provider,
                 date_trunc('hour', e.occurred_at, 'UTC'), 0,
                 (e.reason = 'delivered')::int,
                 (e.reason NOT IN ('delivered', 'feedback', 'suppressed', 'vacation') AND e.bounce_type = 'HARD')::int,
                 (e.reason NOT IN ('delivered', 'feedback', 'suppressed', 'vacation') AND e.bounce_type <> 'HARD')::int,
                 (e.reason = 'feedback')::int
            FROM bounce_events e
            LEFT JOIN campaigns c ON c.tenant_id = e.tenant_id AND c.id = e.campaign_id
            LEFT JOIN inboxes i ON i.tenant_id = e.tenant_id AND i.id = e.inbox_id
           WHERE e.reason NOT IN ('suppressed', 'vacation')
        ) x
       GROUP BY tenant_id, campaign_id, inbox_id, recipient_provider, hour;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE delivery_counters_hourly`);
  }
}
