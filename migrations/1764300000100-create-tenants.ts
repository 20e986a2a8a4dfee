import { type MigrationInterface, type QueryRunner } from "typeorm";

// The tenant row is its own tenant: requests see only theirs. The login role that ran the
// migrations (the "system" context: CLI, start-up) may read every tenant, to know whether
// any exists yet.
export class CreateTenants1764300000100 implements MigrationInterface {
  name = "CreateTenants1764300000100";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE tenants (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        name text NOT NULL,
        settings jsonb NOT NULL DEFAULT '{}'::jsonb,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT tenants_pkey PRIMARY KEY (id),
        CONSTRAINT tenants_name_length CHECK (char_length(name) BETWEEN 1 AND 200)
      );
      ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
      ALTER TABLE tenants FORCE ROW LEVEL SECURITY;
      CREATE POLICY tenant_self ON tenants TO rebound_app
        USING (id = rebound_current_tenant()) WITH CHECK (id = rebound_current_tenant());
      DO $$ BEGIN
        EXECUTE format('CREATE POLICY system_read ON tenants FOR SELECT TO %I USING (true)', current_user);
      END $$;
      GRANT SELECT, INSERT, UPDATE ON tenants TO rebound_app;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE tenants`);
  }
}
