import { type MigrationInterface, type QueryRunner } from "typeorm";

// Keys are stored only as a hash. Authentication looks a key up by its hash before the
// tenant is known, in the system context (the migrating login role may read by hash).
export class CreateApiKeys1764300000200 implements MigrationInterface {
  name = "CreateApiKeys1764300000200";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE api_keys (
        tenant_id uuid NOT NULL,
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        name text NOT NULL,
        key_prefix text NOT NULL,
        key_hash text NOT NULL,
        scopes text[] NOT NULL,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        last_used_at timestamptz(3),
        revoked_at timestamptz(3),
        CONSTRAINT api_keys_pkey PRIMARY KEY (tenant_id, id),
        CONSTRAINT api_keys_tenant_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE,
        CONSTRAINT api_keys_tenant_hash_key UNIQUE (tenant_id, key_hash),
        CONSTRAINT api_keys_scopes_valid CHECK (scopes <@ ARRAY['read','write','ingest','admin']::text[] AND cardinality(scopes) > 0),
        CONSTRAINT api_keys_name_length CHECK (char_length(name) BETWEEN 1 AND 200)
      );
      CREATE INDEX api_keys_key_hash_idx ON api_keys (key_hash);
      CREATE INDEX api_keys_tenant_created_idx ON api_keys (tenant_id, created_at, id);
      SELECT rebound_protect_tenant_table('api_keys');
      DO $$ BEGIN
        EXECUTE format('CREATE POLICY system_read ON api_keys FOR SELECT TO %I USING (true)', current_user);
      END $$;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE api_keys`);
  }
}
