// The tenant transaction (src/platform/db/tenant-transaction.ts): every request's database
// work runs in one, bound to its tenant, on one pooled connection that TypeORM and pg's own
// API share. What it promises, statement by statement.

import { randomUUID } from "node:crypto";
import { Client, type PoolClient } from "pg";
import type { DataSource } from "typeorm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { APP_ROLE, TenantTransaction, WITHIN_TENANT_TRANSACTION } from "../../src/platform/db/tenant-transaction";
import { statementName } from "../../src/platform/db/prepared";
import { Tenant } from "../../src/modules/tenant/tenant.entity";
import { tenantService } from "../../src/modules/tenant/tenant.service";
import { statementsOf } from "../support/statements";
import { startTestApp, type TestApp } from "../support/test-app";

let app: TestApp;
let dataSource: DataSource;
let tenantId: string;
let listener: Client;
const heard: Array<{ channel: string; payload: string | undefined }> = [];

beforeAll(async () => {
  app = await startTestApp("tenanttx");
  dataSource = app.running.app.db.dataSource;
  const { tenant } = await tenantService.create(app.running.app, "tx");
  tenantId = tenant.uuid;
  listener = new Client({ connectionString: app.database.url });
  await listener.connect();
  listener.on("notification", (n) => heard.push({ channel: n.channel, payload: n.payload }));
  await listener.query("LISTEN tenant_tx_test");
}, 60_000);
afterAll(async () => {
  await listener?.end();
  await app?.close();
});

/** Waits for `count` notifications (or 2 s), then returns those heard since `from`. */
async function notificationsSince(from: number, count: number): Promise<typeof heard> {
  const deadline = Date.now() + 2_000;
  while (heard.length - from < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  // A little longer, so a notification that should not come has had its chance to.
  await new Promise((r) => setTimeout(r, 50));
  return heard.slice(from);
}

async function tenantNames(): Promise<string[]> {
  const rows: Array<{ name: string }> = await dataSource.query("SELECT name FROM tenants WHERE id = $1", [tenantId]);
  return rows.map((r) => r.name);
}

describe("a tenant transaction", () => {
  it("runs TypeORM's statements as the app role, bound to its tenant, inside one transaction", async () => {
    const tx = new TenantTransaction(dataSource, tenantId);
    const em = await tx.manager();
    const [who] = await em.query(
      "SELECT current_user AS role, current_setting('app.tenant_id') AS tenant, now() = statement_timestamp() AS first",
    );
    // pg's pipeline mode: what lets the binding travel with the first statement (data-source.ts).
    const client = (await em.queryRunner!.connect()) as PoolClient;
    await tx.commit();
    expect(client.pipeline).toBe(true);
    expect(who.role).toBe(APP_ROLE);
    expect(who.tenant).toBe(tenantId);
    // now() is the transaction's start: not this statement's, so a transaction was open before it.
    expect(who.first).toBe(false);
    expect(em.queryRunner?.isReleased).toBe(true);
  });

  it("costs START with the tenant binding, the statements and COMMIT: one statement each, none hidden", async () => {
    const { count } = await statementsOf(async () => {
      const tx = new TenantTransaction(dataSource, tenantId);
      await (await tx.manager()).query("SELECT 1");
      await tx.commit();
    });
    expect(count).toBe(3);
  });

  it("binds whatever tenant it is given verbatim: the binding's literals cannot carry SQL", async () => {
    const hostile = `x', true), set_config('role', 'postgres', true) --\\ ' "`;
    const tx = new TenantTransaction(dataSource, hostile);
    const [who] = await (
      await tx.manager()
    ).query("SELECT current_user AS role, current_setting('app.tenant_id') AS tenant");
    await tx.commit();
    expect(who).toEqual({ role: APP_ROLE, tenant: hostile });
  });

  it("answers statements asked at the same time, each with its own rows, in the order asked", async () => {
    const tx = new TenantTransaction(dataSource, tenantId);
    const em = await tx.manager();
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => em.query("SELECT $1::int AS n, pg_sleep(0.001)", [i])),
    );
    await tx.commit();
    expect(answers.map((rows: Array<{ n: number }>) => rows[0].n)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it("lets TypeORM's save() write inside it when told the transaction is open", async () => {
    const tx = new TenantTransaction(dataSource, tenantId);
    const repo = (await tx.manager()).getRepository(Tenant);
    const tenant = await repo.findOneByOrFail({ uuid: tenantId });
    tenant.name = "renamed";
    await repo.save(tenant, WITHIN_TENANT_TRANSACTION);
    const [seen] = await (await tx.manager()).query("SELECT name FROM tenants WHERE id = $1", [tenantId]);
    await tx.rollback();
    expect(seen.name).toBe("renamed");
    expect(await tenantNames()).toEqual(["tx"]);
  });

  it("refuses a save() that would open TypeORM's own transaction inside it, and commits none of it", async () => {
    const tx = new TenantTransaction(dataSource, tenantId);
    const repo = (await tx.manager()).getRepository(Tenant);
    const tenant = await repo.findOneByOrFail({ uuid: tenantId });
    tenant.name = "renamed";
    await expect(repo.save(tenant)).rejects.toThrow(/transaction: false/);
    await expect((await tx.manager()).transaction(async () => undefined)).rejects.toThrow(/transaction: false/);
    await (await tx.manager()).query("UPDATE tenants SET name = 'renamed' WHERE id = $1", [tenantId]);
    await tx.rollback();
    expect(await tenantNames()).toEqual(["tx"]);
  });

  it("leaves TypeORM's transactions on other connections alone", async () => {
    await dataSource.transaction(async (em) => {
      const [row] = await em.query("SELECT now() = statement_timestamp() AS first");
      expect(row.first).toBe(false);
    });
  });

  it("runs prepared statements by name on its own connection, parsed once and then reused", async () => {
    const text = "SELECT $1::text AS tenant, count(*)::int AS tenants FROM tenants";
    const tx = new TenantTransaction(dataSource, tenantId);
    const first = await tx.prepared<{ tenant: string; tenants: number }>(text, [tenantId]);
    const second = await tx.prepared<{ tenant: string; tenants: number }>(text, ["again"]);
    const prepared: Array<{ name: string; statement: string }> = await (
      await tx.manager()
    ).query("SELECT name, statement FROM pg_prepared_statements WHERE name = $1", [statementName(text)]);
    await tx.commit();
    // Row-level security: the tenant sees its own row only.
    expect(first).toEqual([{ tenant: tenantId, tenants: 1 }]);
    expect(second).toEqual([{ tenant: "again", tenants: 1 }]);
    expect(prepared).toEqual([{ name: statementName(text), statement: text }]);
  });

  it("sends its NOTIFYs only when it commits, payloads verbatim", async () => {
    const from = heard.length;
    const payloads = [`{"ids":["a"]}`, `it's a "quote" \\ and a backslash`];
    const tx = new TenantTransaction(dataSource, tenantId);
    await (await tx.manager()).query("SELECT 1");
    for (const p of payloads) tx.notifyOnCommit("tenant_tx_test", p);
    const { count } = await statementsOf(() => tx.commit());
    expect(count).toBe(3); // two NOTIFYs and the COMMIT
    expect((await notificationsSince(from, 2)).map((n) => n.payload)).toEqual(payloads);
  });

  it("sends no NOTIFY when it rolls back", async () => {
    const from = heard.length;
    const tx = new TenantTransaction(dataSource, tenantId);
    await (await tx.manager()).query("SELECT 1");
    tx.notifyOnCommit("tenant_tx_test", "rolled back");
    await tx.rollback();
    expect(await notificationsSince(from, 1)).toEqual([]);
  });

  it("fails its commit, and commits nothing, when a NOTIFY fails", async () => {
    const from = heard.length;
    const tx = new TenantTransaction(dataSource, tenantId);
    let afterCommitRan = false;
    tx.afterCommit(() => {
      afterCommitRan = true;
    });
    await (await tx.manager()).query("UPDATE tenants SET name = 'lost' WHERE id = $1", [tenantId]);
    tx.notifyOnCommit("tenant_tx_test", "fine");
    tx.notifyOnCommit("tenant_tx_test", "x".repeat(9_000)); // over PostgreSQL's 8,000-byte limit
    await expect(tx.commit()).rejects.toThrow(/payload string too long/);
    expect(afterCommitRan).toBe(false);
    expect(await tenantNames()).toEqual(["tx"]);
    expect(await notificationsSince(from, 1)).toEqual([]);
  });

  it("hands its connection back clean: the next transaction on it sees no tenant, role or statement of it", async () => {
    const other = randomUUID();
    const tx = new TenantTransaction(dataSource, tenantId);
    await (await tx.manager()).query("SELECT 1");
    await tx.commit();
    const next = new TenantTransaction(dataSource, other);
    const [row] = await (await next.manager()).query("SELECT current_setting('app.tenant_id') AS tenant");
    const [count] = await (await next.manager()).query("SELECT count(*)::int AS n FROM tenants");
    await next.commit();
    expect(row.tenant).toBe(other);
    expect(count.n).toBe(0);
    const [session] = await dataSource.query(
      "SELECT current_user AS role, current_setting('app.tenant_id', true) AS tenant",
    );
    expect(session.role).not.toBe(APP_ROLE);
    expect(session.tenant ?? "").toBe("");
  });

  it("cannot be used once finished", async () => {
    const tx = new TenantTransaction(dataSource, tenantId);
    await tx.commit();
    await expect(tx.manager()).rejects.toThrow(/already finished/);
  });
});
