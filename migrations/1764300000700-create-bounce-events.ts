import { type MigrationInterface, type QueryRunner } from "typeorm";

// One row per recipient result of a bounce, complaint or delivery report, with the
// classifier's diagnosis. dedupe_key makes at-least-once inputs land exactly once.
export class CreateBounceEvents1764300000700 implements MigrationInterface {
  name = "CreateBounceEvents1764300000700";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE bounce_events (
        tenant_id uuid NOT NULL,
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        campaign_id uuid,
        inbox_id uuid,
        dedupe_key text NOT NULL,
        source text NOT NULL,
        recipient text NOT NULL,
        recipient_domain text NOT NULL,
        recipient_provider text NOT NULL,
        reason text NOT NULL,
        bounce_type text NOT NULL,
        hard_bounce boolean NOT NULL,
        fault text NOT NULL,
        variant text NOT NULL,
        status text,
        reply_code integer,
        diagnostic_code text,
        remote_mta text,
        reporting_mta text,
        feedback_type text,
        auth_results jsonb,
        likely_cause text NOT NULL,
        first_action text NOT NULL,
        evidence text[] NOT NULL DEFAULT '{}',
        rule_version text NOT NULL,
        message_id text,
        vendor_fields jsonb,
        occurred_at timestamptz(3) NOT NULL,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT bounce_events_pkey PRIMARY KEY (tenant_id, id),
        CONSTRAINT bounce_events_tenant_dedupe_key UNIQUE (tenant_id, dedupe_key),
        CONSTRAINT bounce_events_tenant_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE,
        CONSTRAINT bounce_events_campaign_fkey FOREIGN KEY (tenant_id, campaign_id)
          REFERENCES campaigns (tenant_id, id) ON DELETE SET NULL (campaign_id),
        CONSTRAINT bounce_events_inbox_fkey FOREIGN KEY (tenant_id, inbox_id)
          REFERENCES inboxes (tenant_id, id) ON DELETE SET NULL (inbox_id),
        CONSTRAINT bounce_events_source_valid CHECK (source IN ('API', 'DSN', 'SES', 'SENDGRID', 'MAILGUN', 'POSTMARK')),
        CONSTRAINT bounce_events_bounce_type_valid CHECK (bounce_type IN ('HARD', 'SOFT', 'UNDETERMINED'))
      );
      CREATE INDEX bounce_events_tenant_created_idx ON bounce_events (tenant_id, created_at, id);
      CREATE INDEX bounce_events_tenant_campaign_idx ON bounce_events (tenant_id, campaign_id, created_at);
      CREATE INDEX bounce_events_tenant_inbox_idx ON bounce_events (tenant_id, inbox_id, created_at);
      CREATE INDEX bounce_events_tenant_recipient_idx ON bounce_events (tenant_id, recipient);
      SELECT rebound_protect_tenant_table('bounce_events');
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE bounce_events`);
  }
}
