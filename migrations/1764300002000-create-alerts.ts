import { type MigrationInterface, type QueryRunner } from "typeorm";

// Stored alerts: pushed live over subscriptions, and read back with alerts(since:) by a
// client that was away (the pub/sub itself is at-most-once).
export class CreateAlerts1764300002000 implements MigrationInterface {
  name = "CreateAlerts1764300002000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE alerts (
        tenant_id uuid NOT NULL,
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        kind text NOT NULL,
        severity text NOT NULL,
        campaign_id uuid,
        inbox_id uuid,
        domain_id uuid,
        message text NOT NULL,
        action text NOT NULL,
        evidence jsonb NOT NULL DEFAULT '{}'::jsonb,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        acknowledged_at timestamptz(3),
        CONSTRAINT alerts_pkey PRIMARY KEY (tenant_id, id),
        CONSTRAINT alerts_tenant_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE,
        CONSTRAINT alerts_campaign_fkey FOREIGN KEY (tenant_id, campaign_id) REFERENCES campaigns (tenant_id, id) ON DELETE SET NULL (campaign_id),
        CONSTRAINT alerts_inbox_fkey FOREIGN KEY (tenant_id, inbox_id) REFERENCES inboxes (tenant_id, id) ON DELETE SET NULL (inbox_id),
        CONSTRAINT alerts_domain_fkey FOREIGN KEY (tenant_id, domain_id) REFERENCES domains (tenant_id, id) ON DELETE SET NULL (domain_id),
        CONSTRAINT alerts_severity_valid CHECK (severity IN ('INFO', 'WARNING', 'CRITICAL'))
      );
      CREATE INDEX alerts_tenant_created_idx ON alerts (tenant_id, created_at, id);
      CREATE INDEX alerts_tenant_campaign_idx ON alerts (tenant_id, campaign_id, created_at);
      SELECT rebound_protect_tenant_table('alerts');
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE alerts`);
  }
}
