import { type MigrationInterface, type QueryRunner } from "typeorm";

export class CreateCampaignInboxes1764300000600 implements MigrationInterface {
  name = "CreateCampaignInboxes1764300000600";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE campaign_inboxes (
        tenant_id uuid NOT NULL,
        campaign_id uuid NOT NULL,
        inbox_id uuid NOT NULL,
        position integer NOT NULL DEFAULT 0,
        CONSTRAINT campaign_inboxes_pkey PRIMARY KEY (tenant_id, campaign_id, inbox_id),
        CONSTRAINT campaign_inboxes_campaign_fkey FOREIGN KEY (tenant_id, campaign_id) REFERENCES campaigns (tenant_id, id) ON DELETE CASCADE,
        CONSTRAINT campaign_inboxes_inbox_fkey FOREIGN KEY (tenant_id, inbox_id) REFERENCES inboxes (tenant_id, id) ON DELETE CASCADE
      );
      CREATE INDEX campaign_inboxes_tenant_inbox_idx ON campaign_inboxes (tenant_id, inbox_id);
      SELECT rebound_protect_tenant_table('campaign_inboxes');
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE campaign_inboxes`);
  }
}
