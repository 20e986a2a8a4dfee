import { type MigrationInterface, type QueryRunner } from "typeorm";

// The last state each alert rule saw for each subject (e.g. campaign X / Gmail zone =
// WARNING), so an alert is raised once per change of state, not once per event. Updated in
// the ingest transaction; the row lock serialises concurrent ingests of the same subject.
export class CreateAlertStates1764300002100 implements MigrationInterface {
  name = "CreateAlertStates1764300002100";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE alert_states (
        tenant_id uuid NOT NULL,
        subject text NOT NULL,
        rule text NOT NULL,
        state text NOT NULL,
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT alert_states_pkey PRIMARY KEY (tenant_id, subject, rule),
        CONSTRAINT alert_states_tenant_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE
      );
      SELECT rebound_protect_tenant_table('alert_states');
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE alert_states`);
  }
}
