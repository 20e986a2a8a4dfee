import { type MigrationInterface, type QueryRunner } from "typeorm";

// Suppressions: addresses (or whole domains, for hostunknown) the tenant must not mail.
// At most one active suppression per value (partial unique index), so concurrent ingests
// that decide the same suppression insert it exactly once (ON CONFLICT DO NOTHING).
// Removal is a soft delete with who and when, for the audit trail.
//
// soft_bounce_tallies holds, per recipient, the times of its recent soft (non-suppressing,
// recipient-side) bounces and its last delivery. Ingest upserts it per batch; the row lock
// serialises concurrent ingests of the same recipient, so the soft-bounce policy counts
// exactly under READ COMMITTED (a count over bounce_events would miss concurrent rows).
export class CreateSuppressions1764300001200 implements MigrationInterface {
  name = "CreateSuppressions1764300001200";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE suppressions (
        tenant_id uuid NOT NULL,
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        scope text NOT NULL,
        value text NOT NULL,
        reason text NOT NULL,
        bounce_reason text,
        event_id uuid,
        note text,
        expires_at timestamptz(3),
        created_by_key_id uuid,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        removed_at timestamptz(3),
        removed_by_key_id uuid,
        removal_note text,
        CONSTRAINT suppressions_pkey PRIMARY KEY (tenant_id, id),
        CONSTRAINT suppressions_tenant_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE,
        CONSTRAINT suppressions_event_fkey FOREIGN KEY (tenant_id, event_id)
          REFERENCES bounce_events (tenant_id, id) ON DELETE SET NULL (event_id),
        CONSTRAINT suppressions_created_by_fkey FOREIGN KEY (tenant_id, created_by_key_id)
          REFERENCES api_keys (tenant_id, id) ON DELETE SET NULL (created_by_key_id),
        CONSTRAINT suppressions_removed_by_fkey FOREIGN KEY (tenant_id, removed_by_key_id)
          REFERENCES api_keys (tenant_id, id) ON DELETE SET NULL (removed_by_key_id),
        CONSTRAINT suppressions_scope_valid CHECK (scope IN ('ADDRESS', 'DOMAIN')),
        CONSTRAINT suppressions_reason_valid CHECK (reason IN ('HARD_BOUNCE', 'UNKNOWN_DOMAIN', 'SOFT_BOUNCE_LIMIT', 'RETRIES_EXPIRED', 'COMPLAINT', 'MANUAL')),
        CONSTRAINT suppressions_note_length CHECK (char_length(note) <= 500 AND char_length(removal_note) <= 500)
      );
      CREATE UNIQUE INDEX suppressions_tenant_active_value_key ON suppressions (tenant_id, scope, value) WHERE removed_at IS NULL;
      CREATE INDEX suppressions_tenant_created_idx ON suppressions (tenant_id, created_at, id);
      CREATE INDEX suppressions_tenant_value_idx ON suppressions (tenant_id, value);
      SELECT rebound_protect_tenant_table('suppressions');

      CREATE TABLE soft_bounce_tallies (
        tenant_id uuid NOT NULL,
        recipient text NOT NULL,
        bounce_times timestamptz(3)[] NOT NULL DEFAULT '{}',
        last_delivered_at timestamptz(3),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT soft_bounce_tallies_pkey PRIMARY KEY (tenant_id, recipient),
        CONSTRAINT soft_bounce_tallies_tenant_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE
      );
      SELECT rebound_protect_tenant_table('soft_bounce_tallies');
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE soft_bounce_tallies; DROP TABLE suppressions;`);
  }
}
