import { Client } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/test-app";

// Read from PostgreSQL's catalog after all migrations, so every table added later is
// covered without touching this test: what Citus needs to distribute by tenant_id.

let app: TestApp;
let client: Client;

beforeAll(async () => {
  app = await startTestApp("catalog");
  client = new Client({ connectionString: app.database.url });
  await client.connect();
});
afterAll(async () => {
  await client?.end();
  await app?.close();
});

async function tenantTables(): Promise<string[]> {
  const { rows } = await client.query(
    `SELECT c.relname FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
      WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p') AND a.attname = 'tenant_id' AND NOT a.attisdropped
      ORDER BY 1`,
  );
  return rows.map((r) => r.relname);
}

describe("every tenant-owned table", () => {
  it("has tenant_id in its primary key, every unique constraint and every foreign key", async () => {
    const tables = await tenantTables();
    expect(tables.length).toBeGreaterThanOrEqual(6);
    const { rows } = await client.query(
      `SELECT c.relname AS table, con.conname AS name, con.contype AS type,
              ARRAY(SELECT att.attname FROM unnest(con.conkey) k JOIN pg_attribute att ON att.attrelid = con.conrelid AND att.attnum = k) AS columns
         FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid
        WHERE c.relname = ANY($1::text[]) AND c.relnamespace = 'public'::regnamespace AND con.contype IN ('p', 'u', 'f')`,
      [tables],
    );
    const withoutTenant = rows.filter((r) => !r.columns.includes("tenant_id")).map((r) => `${r.table}.${r.name}`);
    expect(withoutTenant).toEqual([]);
    for (const table of tables) expect(rows.some((r) => r.table === table && r.type === "p")).toBe(true);

    const { rows: uniqueIndexes } = await client.query(
      `SELECT i.relname AS name, t.relname AS table,
              ARRAY(SELECT att.attname FROM unnest(ix.indkey) k JOIN pg_attribute att ON att.attrelid = ix.indrelid AND att.attnum = k) AS columns
         FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid JOIN pg_class t ON t.oid = ix.indrelid
        WHERE ix.indisunique AND t.relname = ANY($1::text[]) AND t.relnamespace = 'public'::regnamespace`,
      [tables],
    );
    expect(uniqueIndexes.filter((r) => !r.columns.includes("tenant_id")).map((r) => `${r.table}.${r.name}`)).toEqual(
      [],
    );
  });

  it("has row-level security enabled and forced, with a tenant policy", async () => {
    const tables = await tenantTables();
    const { rows } = await client.query(
      `SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,
              EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid AND p.polname = 'tenant_isolation') AS has_policy
         FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relname = ANY($1::text[])`,
      [tables],
    );
    expect(
      rows.filter((r) => !(r.relrowsecurity && r.relforcerowsecurity && r.has_policy)).map((r) => r.relname),
    ).toEqual([]);
  });

  it("has an index led by tenant_id", async () => {
    const tables = await tenantTables();
    const { rows } = await client.query(
      `SELECT t.relname AS table FROM pg_index ix JOIN pg_class t ON t.oid = ix.indrelid JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = ix.indkey[0]
        WHERE t.relname = ANY($1::text[]) AND t.relnamespace = 'public'::regnamespace AND a.attname = 'tenant_id'`,
      [tables],
    );
    const indexed = new Set(rows.map((r) => r.table));
    expect(tables.filter((t) => !indexed.has(t))).toEqual([]);
  });
});
