import { type MigrationInterface, type QueryRunner } from "typeorm";

export class CreateInboxes1764300000400 implements MigrationInterface {
  name = "CreateInboxes1764300000400";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE inboxes (
        tenant_id uuid NOT NULL,
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        domain_id uuid NOT NULL,
        address text NOT NULL,
        provider text NOT NULL DEFAULT 'OTHER',
        warmup_started_at timestamptz(3),
        daily_limit integer NOT NULL DEFAULT 50,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT inboxes_pkey PRIMARY KEY (tenant_id, id),
        CONSTRAINT inboxes_domain_fkey FOREIGN KEY (tenant_id, domain_id) REFERENCES domains (tenant_id, id) ON DELETE RESTRICT,
        CONSTRAINT inboxes_tenant_address_key UNIQUE (tenant_id, address),
        CONSTRAINT inboxes_provider_valid CHECK (provider IN ('GOOGLE_WORKSPACE', 'MICROSOFT_365', 'OTHER')),
        CONSTRAINT inboxes_daily_limit_range CHECK (daily_limit BETWEEN 1 AND 100000)
      );
      CREATE INDEX inboxes_tenant_created_idx ON inboxes (tenant_id, created_at, id);
      CREATE INDEX inboxes_tenant_domain_idx ON inboxes (tenant_id, domain_id);
      SELECT rebound_protect_tenant_table('inboxes');
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE inboxes`);
  }
}
