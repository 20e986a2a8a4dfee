import { type MigrationInterface, type QueryRunner } from "typeorm";

// Per inbox: the envelope (Return-Path) domain its provider uses and the DKIM d= domain it
// signs with, so the audit can judge DMARC alignment of the From domain against each.
// domain_id is the inbox's domain (an inbox never changes domain), kept so that a domain's
// audit finds its inboxes' settings through one index.
export class CreateInboxAlignment1764300003200 implements MigrationInterface {
  name = "CreateInboxAlignment1764300003200";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE inbox_alignment (
        tenant_id uuid NOT NULL,
        inbox_id uuid NOT NULL,
        domain_id uuid NOT NULL,
        return_path_domain text,
        dkim_domain text,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT inbox_alignment_pkey PRIMARY KEY (tenant_id, inbox_id),
        CONSTRAINT inbox_alignment_inbox_fkey FOREIGN KEY (tenant_id, inbox_id) REFERENCES inboxes (tenant_id, id) ON DELETE CASCADE
      );
      CREATE INDEX inbox_alignment_tenant_domain_idx ON inbox_alignment (tenant_id, domain_id);
      SELECT rebound_protect_tenant_table('inbox_alignment');
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE inbox_alignment`);
  }
}
