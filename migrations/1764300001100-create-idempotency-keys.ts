import { type MigrationInterface, type QueryRunner } from "typeorm";

// Client idempotency keys of the ingest mutations (Stripe semantics, one transaction per
// request as Brandur recommends for local-only work): the first request with a key stores
// the hash of its input and its result; a retry with the same input gets that result, a
// reuse with different input is refused (IDEMPOTENCY_KEY_REUSED).
export class CreateIdempotencyKeys1764300001100 implements MigrationInterface {
  name = "CreateIdempotencyKeys1764300001100";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE idempotency_keys (
        tenant_id uuid NOT NULL,
        key text NOT NULL,
        operation text NOT NULL,
        request_hash text NOT NULL,
        response jsonb,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT idempotency_keys_pkey PRIMARY KEY (tenant_id, key),
        CONSTRAINT idempotency_keys_tenant_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE,
        CONSTRAINT idempotency_keys_key_length CHECK (char_length(key) BETWEEN 1 AND 255)
      );
      CREATE INDEX idempotency_keys_tenant_created_idx ON idempotency_keys (tenant_id, created_at);
      SELECT rebound_protect_tenant_table('idempotency_keys');
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE idempotency_keys`);
  }
}
