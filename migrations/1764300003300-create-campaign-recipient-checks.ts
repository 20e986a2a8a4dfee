import { type MigrationInterface, type QueryRunner } from "typeorm";

// The last recipient-list check of each campaign (verifyCampaignRecipients): the counts the
// pre-send checklist's "recipient list verified and cleaned" item is judged on. Only counts
// are kept, not the addresses.
export class CreateCampaignRecipientChecks1764300003300 implements MigrationInterface {
  name = "CreateCampaignRecipientChecks1764300003300";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE campaign_recipient_checks (
        tenant_id uuid NOT NULL,
        campaign_id uuid NOT NULL,
        checked integer NOT NULL,
        ok integer NOT NULL,
        risky integer NOT NULL,
        invalid integer NOT NULL,
        suppressed integer NOT NULL,
        checked_at timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT campaign_recipient_checks_pkey PRIMARY KEY (tenant_id, campaign_id),
        CONSTRAINT campaign_recipient_checks_campaign_fkey FOREIGN KEY (tenant_id, campaign_id) REFERENCES campaigns (tenant_id, id) ON DELETE CASCADE,
        CONSTRAINT campaign_recipient_checks_counts CHECK (checked >= 0 AND ok >= 0 AND risky >= 0 AND invalid >= 0 AND suppressed >= 0
          AND ok + risky + invalid + suppressed = checked)
      );
      SELECT rebound_protect_tenant_table('campaign_recipient_checks');
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE campaign_recipient_checks`);
  }
}
