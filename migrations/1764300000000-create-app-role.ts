import { type MigrationInterface, type QueryRunner } from "typeorm";

// Requests run as rebound_app: not a superuser, no BYPASSRLS, so row-level security holds
// even when DATABASE_URL logs in as a superuser. The role is cluster-wide and shared by every
// Rebound database in the cluster, so down() leaves it in place.
export class CreateAppRole1764300000000 implements MigrationInterface {
  name = "CreateAppRole1764300000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rebound_app') THEN
          CREATE ROLE rebound_app NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
        END IF;
      END $$;
      GRANT rebound_app TO CURRENT_USER;
      GRANT USAGE ON SCHEMA public TO rebound_app;

      -- The tenant of the current transaction, set by the server with set_config(..., true).
      CREATE FUNCTION rebound_current_tenant() RETURNS uuid
        LANGUAGE sql STABLE
        AS $fn$ SELECT nullif(current_setting('app.tenant_id', true), '')::uuid $fn$;

      -- One definition of the tenant wall, applied to every tenant-owned table.
      CREATE FUNCTION rebound_protect_tenant_table(tbl regclass) RETURNS void
        LANGUAGE plpgsql
        AS $fn$
        BEGIN
          EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', tbl);
          EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', tbl);
          EXECUTE format(
            'CREATE POLICY tenant_isolation ON %s TO rebound_app '
            'USING (tenant_id = rebound_current_tenant()) '
            'WITH CHECK (tenant_id = rebound_current_tenant())', tbl);
          EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO rebound_app', tbl);
        END
        $fn$;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP FUNCTION rebound_protect_tenant_table(regclass);
      DROP FUNCTION rebound_current_tenant();
      REVOKE USAGE ON SCHEMA public FROM rebound_app;
    `);
  }
}
