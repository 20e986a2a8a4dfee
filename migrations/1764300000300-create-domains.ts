import { type MigrationInterface, type QueryRunner } from "typeorm";

export class CreateDomains1764300000300 implements MigrationInterface {
  name = "CreateDomains1764300000300";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE domains (
        tenant_id uuid NOT NULL,
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        name text NOT NULL,
        registered_at timestamptz(3),
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT domains_pkey PRIMARY KEY (tenant_id, id),
        CONSTRAINT domains_tenant_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE,
        CONSTRAINT domains_tenant_name_key UNIQUE (tenant_id, name)
      );
      CREATE INDEX domains_tenant_created_idx ON domains (tenant_id, created_at, id);
      SELECT rebound_protect_tenant_table('domains');
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE domains`);
  }
}
