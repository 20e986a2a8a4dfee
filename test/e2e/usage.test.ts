import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ok, type Gql } from "../support/graphql-client";
import { startTestApp, type TestApp } from "../support/test-app";
import { wsClient } from "../support/ws-client";
import { createSetup, sql, uuidFromGlobal } from "./ingest-support";

// viewer.usage: this month's requests, ingested events and sends, the limits in force and the
// budgets left, counted per tenant, exactly, across the meter's flushes to tenant_usage.

const ENV = {
  REBOUND_KEY_BUCKET: "900000",
  REBOUND_KEY_RESTORE_RATE: "1000",
  REBOUND_TENANT_BUCKET: "4000000",
  REBOUND_TENANT_RESTORE_RATE: "2000",
  REBOUND_INGEST_EVENTS_PER_MINUTE: "50000",
  REBOUND_MAX_CONNECTIONS_PER_TENANT: "7",
  REBOUND_MAX_SUBSCRIPTIONS_PER_TENANT: "11",
};

const USAGE = `query { viewer { usage {
  periodStart periodEnd requests ingestedEvents sends
  limits { keyBucket keyRestoreRate tenantBucket tenantRestoreRate ingestEventsPerMinute connectionsPerTenant subscriptionsPerTenant }
  budgets { keyCost { limit remaining resetsInSeconds windowSeconds } tenantCost { limit remaining windowSeconds } ingestEvents { limit remaining windowSeconds } }
} } }`;

let app: TestApp;
let t: { tenantId: string; apiKey: string; gql: Gql };

beforeAll(async () => {
  app = await startTestApp("usage", ENV);
  t = await app.newTenant("usage");
});
afterAll(() => app?.close());

const usageOf = async (gql: Gql) => ok(await gql(USAGE)).viewer.usage;

describe("viewer.usage", () => {
  it("counts this month's requests, newly stored events and sends; gives the limits and what is left", async () => {
    const now = new Date();
    const s = await createSetup(t.gql, "usage"); // 4 requests
    const recipients = Array.from({ length: 1_000 }, (_, i) => `r${i}@gmail.com`);
    ok(
      await t.gql(
        `mutation($input: RecordSendsInput!) { recordSends(input: $input) { recorded userErrors { code message } } }`,
        { input: { campaignId: s.campaignId, inboxId: s.inboxId, recipients } },
      ),
      "recordSends",
    );
    // Sends of last month are last month's usage.
    const lastMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 15));
    ok(
      await t.gql(
        `mutation($input: RecordSendsInput!) { recordSends(input: $input) { recorded userErrors { code message } } }`,
        { input: { campaignId: s.campaignId, inboxId: s.inboxId, recipients: ["old@gmail.com"], sentAt: lastMonth } },
      ),
      "recordSends",
    );
    const events = ["r1@gmail.com", "r2@gmail.com", "r3@gmail.com"].map((recipient, i) => ({
      recipient,
      campaignId: s.campaignId,
      smtpResponse: "550 5.1.1 user unknown",
      eventKey: `usage-${i}`,
    }));
    const INGEST = `mutation($input: IngestBouncesInput!) { ingestBounces(input: $input) { inserted duplicates userErrors { code message } } }`;
    expect(ok(await t.gql(INGEST, { input: { events } }), "ingestBounces").inserted).toBe(3);
    // The same events again: stored nothing new, so no ingested events (still a request, and charged).
    expect(ok(await t.gql(INGEST, { input: { events } }), "ingestBounces").duplicates).toBe(3);

    const usage = await usageOf(t.gql);
    const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
    expect(usage).toMatchObject({
      periodStart: start.toISOString(),
      periodEnd: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)).toISOString(),
      // createSetup 4 + recordSends 2 + ingestBounces 2 + this query.
      requests: 9,
      ingestedEvents: 3,
      sends: 1_000,
      limits: {
        keyBucket: 900_000,
        keyRestoreRate: 1_000,
        tenantBucket: 4_000_000,
        tenantRestoreRate: 2_000,
        ingestEventsPerMinute: 50_000,
        connectionsPerTenant: 7,
        subscriptionsPerTenant: 11,
      },
    });
    // Charged to this minute's ingestion volume: 1,000 + 1 sends and 3 + 3 events (duplicates too).
    expect(usage.budgets.ingestEvents).toEqual({ limit: 50_000, remaining: 50_000 - 1_007, windowSeconds: 60 });
    expect(usage.budgets.keyCost.limit).toBe(900_000);
    expect(usage.budgets.keyCost.windowSeconds).toBe(900);
    expect(usage.budgets.keyCost.remaining).toBeLessThan(900_000);
    expect(usage.budgets.keyCost.resetsInSeconds).toBeGreaterThan(0);
    expect(usage.budgets.tenantCost).toMatchObject({ limit: 4_000_000, windowSeconds: 2_000 });
    expect(usage.budgets.tenantCost.remaining).toBeLessThan(4_000_000);
  });

  it("stays exact across the meter's flushes: stored counts plus the process's unwritten ones, never twice", async () => {
    const before = await usageOf(t.gql);
    await app.running.app.usage!.flush();
    const [row] = await sql<{ requests: string; ingested_events: string }>(
      app.database.url,
      "SELECT requests, ingested_events FROM tenant_usage WHERE tenant_id = $1 AND month = date_trunc('month', now() AT TIME ZONE 'UTC')::date",
      [uuidFromGlobal(t.tenantId)],
    );
    expect(Number(row.requests)).toBe(before.requests);
    expect(Number(row.ingested_events)).toBe(before.ingestedEvents);
    const after = await usageOf(t.gql);
    expect(after.requests).toBe(before.requests + 1);
    expect(after.ingestedEvents).toBe(before.ingestedEvents);
    // Flushing with nothing new changes nothing.
    await app.running.app.usage!.flush();
    await app.running.app.usage!.flush();
    expect((await usageOf(t.gql)).requests).toBe(before.requests + 2);
  });

  it("counts operations over WebSocket and CSV exports too; a request with a wrong key counts for nobody", async () => {
    const before = (await usageOf(t.gql)).requests;
    const ws = wsClient(app.wsUrl, t.apiKey);
    try {
      expect((await ws.request(`query { viewer { name } }`)).data).toEqual({ viewer: { name: "usage" } });
    } finally {
      await ws.dispose();
    }
    const base = app.url.replace(/\/graphql$/, "");
    const csv = await fetch(`${base}/export/suppressions.csv`, { headers: { authorization: `Bearer ${t.apiKey}` } });
    expect(csv.status).toBe(200);
    await csv.text();
    const wrong = await fetch(app.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: "Bearer rbk_000000000000000000000000000000000000000",
      },
      body: JSON.stringify({ query: "{ viewer { name } }" }),
    });
    expect(wrong.status).toBe(401);
    // + the WebSocket query, the export, and this query.
    expect((await usageOf(t.gql)).requests).toBe(before + 3);
  });

  it("is the tenant's own: another tenant's usage is its own, and last month's row is not this month's", async () => {
    const other = await app.newTenant("usage other");
    await sql(
      app.database.url,
      `INSERT INTO tenant_usage (tenant_id, month, requests, ingested_events)
       VALUES ($1, (date_trunc('month', now() AT TIME ZONE 'UTC') - interval '1 month')::date, 12345, 678)`,
      [uuidFromGlobal(other.tenantId)],
    );
    const usage = await usageOf(other.gql);
    expect(usage).toMatchObject({ requests: 1, ingestedEvents: 0, sends: 0 });
    expect(usage.budgets.ingestEvents.remaining).toBe(50_000);
  });

  it("shows a tenant's overridden limits once an admin changed them", async () => {
    ok(
      await t.gql(
        `mutation { updateTenantSettings(input: { settings: { keyBucket: 1234, ingestEventsPerMinute: 999 } }) { tenant { id } userErrors { code message } } }`,
      ),
      "updateTenantSettings",
    );
    const usage = await usageOf(t.gql);
    expect(usage.limits).toMatchObject({ keyBucket: 1234, ingestEventsPerMinute: 999, tenantBucket: 4_000_000 });
    expect(usage.budgets.keyCost.limit).toBe(1234);
    expect(usage.budgets.ingestEvents.limit).toBe(999);
  });
});
