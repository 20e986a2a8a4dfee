import { type MigrationInterface, type QueryRunner } from "typeorm";

// The last DNS authentication audit of each sending domain. Reads (Domain.authentication,
// readiness, blocklists) come from here and never do DNS; refreshDomainAuth and the periodic
// refresh write it. claimed_until is the lease a process takes before auditing, so several
// processes refreshing at once never audit the same domain twice (see domain-audit.service).
// report is NULL while a first audit is claimed but not yet stored.
export class CreateDomainAudits1764300003000 implements MigrationInterface {
  name = "CreateDomainAudits1764300003000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE domain_audits (
        tenant_id uuid NOT NULL,
        domain_id uuid NOT NULL,
        status text,
        report jsonb,
        checked_at timestamptz(3),
        claimed_until timestamptz(3),
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT domain_audits_pkey PRIMARY KEY (tenant_id, domain_id),
        CONSTRAINT domain_audits_domain_fkey FOREIGN KEY (tenant_id, domain_id) REFERENCES domains (tenant_id, id) ON DELETE CASCADE,
        CONSTRAINT domain_audits_status_valid CHECK (status IS NULL OR status IN ('PASS', 'WARN', 'FAIL')),
        CONSTRAINT domain_audits_report_checked CHECK ((report IS NULL) = (checked_at IS NULL))
      );
      CREATE INDEX domain_audits_tenant_checked_idx ON domain_audits (tenant_id, checked_at);
      SELECT rebound_protect_tenant_table('domain_audits');
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE domain_audits`);
  }
}
