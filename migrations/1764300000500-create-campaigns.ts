import { type MigrationInterface, type QueryRunner } from "typeorm";

export class CreateCampaigns1764300000500 implements MigrationInterface {
  name = "CreateCampaigns1764300000500";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE campaigns (
        tenant_id uuid NOT NULL,
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        domain_id uuid NOT NULL,
        name text NOT NULL,
        status text NOT NULL DEFAULT 'DRAFT',
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT campaigns_pkey PRIMARY KEY (tenant_id, id),
        CONSTRAINT campaigns_domain_fkey FOREIGN KEY (tenant_id, domain_id) REFERENCES domains (tenant_id, id) ON DELETE RESTRICT,
        CONSTRAINT campaigns_status_valid CHECK (status IN ('DRAFT', 'ACTIVE', 'PAUSED', 'COMPLETED')),
        CONSTRAINT campaigns_name_length CHECK (char_length(name) BETWEEN 1 AND 200)
      );
      CREATE INDEX campaigns_tenant_created_idx ON campaigns (tenant_id, created_at, id);
      CREATE INDEX campaigns_tenant_domain_idx ON campaigns (tenant_id, domain_id);
      SELECT rebound_protect_tenant_table('campaigns');
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE campaigns`);
  }
}
