import { type MigrationInterface, type QueryRunner } from "typeorm";

// The part of a domain's stored audit that readiness judges on (SPF, DKIM and DMARC status,
// the blocklists that list it), stored when the audit is written (DomainAuditService.store,
// with health-view's auditSummary) instead of being cut out of the whole report by every
// dashboard read. A stored report always has its summary (a constraint says so).
//
// The backfill is the same cut in SQL, for the audits stored before this migration. Like
// every tenant table, domain_audits forces row-level security on its owner too: the owner
// lifts FORCE for the backfill and puts it back before committing (the ALTER's exclusive lock
// keeps every other transaction off the table meanwhile).
export const SUMMARY_OF_REPORT = `jsonb_build_object(
  'spf', report #> '{report,spf,status}', 'dkim', report #> '{report,dkim,status}', 'dmarc', report #> '{report,dmarc,status}',
  'blocklistHits', (SELECT coalesce(jsonb_agg(jsonb_build_object('target', b -> 'target', 'zone', b -> 'zone')), '[]'::jsonb)
                      FROM jsonb_array_elements(report #> '{report,blocklists}') b WHERE b -> 'listed' = 'true'::jsonb))`;

export class StoreDomainAuditSummaries1764300008000 implements MigrationInterface {
  name = "StoreDomainAuditSummaries1764300008000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE domain_audits ADD COLUMN summary jsonb`);
    await q.query(`ALTER TABLE domain_audits NO FORCE ROW LEVEL SECURITY`);
    await q.query(`UPDATE domain_audits SET summary = ${SUMMARY_OF_REPORT} WHERE report IS NOT NULL`);
    await q.query(`ALTER TABLE domain_audits FORCE ROW LEVEL SECURITY`);
    await q.query(
      `ALTER TABLE domain_audits ADD CONSTRAINT domain_audits_summary_stored CHECK ((report IS NULL) = (summary IS NULL))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE domain_audits DROP COLUMN summary`);
  }
}
