import { type MigrationInterface, type QueryRunner } from "typeorm";

// What the DNS audit of a domain needs to know beyond its name: the IPs that send for it
// (SPF authorisation, reverse DNS, IP blocklists) and its DKIM selectors (a missing key at a
// configured selector is a failure; common provider selectors are probed anyway).
export class CreateDomainAuthSettings1764300003100 implements MigrationInterface {
  name = "CreateDomainAuthSettings1764300003100";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE domain_auth_settings (
        tenant_id uuid NOT NULL,
        domain_id uuid NOT NULL,
        sending_ips text[] NOT NULL DEFAULT '{}',
        dkim_selectors text[] NOT NULL DEFAULT '{}',
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT domain_auth_settings_pkey PRIMARY KEY (tenant_id, domain_id),
        CONSTRAINT domain_auth_settings_domain_fkey FOREIGN KEY (tenant_id, domain_id) REFERENCES domains (tenant_id, id) ON DELETE CASCADE,
        CONSTRAINT domain_auth_settings_sizes CHECK (cardinality(sending_ips) <= 100 AND cardinality(dkim_selectors) <= 20)
      );
      SELECT rebound_protect_tenant_table('domain_auth_settings');
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE domain_auth_settings`);
  }
}
