// One request's loaders can ask several questions in the same tick (an inbox's stats over
// three windows, its ramp, its domain's totals). The request's connection is in pg's pipeline
// mode (src/platform/db/data-source.ts): they are written at once and answered in order, never
// through pg's queue of queries behind a running one, which pg deprecates (it warns once per
// process; pg 9 refuses such a query).

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ok, type Gql } from "../support/graphql-client";
import { startTestApp, type TestApp } from "../support/test-app";

let app: TestApp;
let gql: Gql;
let inboxId: string;
let domainId: string;
const warnings: string[] = [];
const onWarning = (w: Error) => warnings.push(w.message);

beforeAll(async () => {
  app = await startTestApp("queryturns");
  ({ gql } = await app.newTenant("turns"));
  domainId = ok(
    await gql(
      `mutation { createDomain(input: { name: "turns.example", registeredAt: "2024-01-01T00:00:00Z" }) { domain { id } userErrors { code } } }`,
    ),
    "createDomain",
  ).domain.id;
  inboxId = ok(
    await gql(
      `mutation($d: ID!) { createInbox(input: { domainId: $d, address: "s@turns.example" }) { inbox { id } userErrors { code } } }`,
      { d: domainId },
    ),
    "createInbox",
  ).inbox.id;
  const campaignId = ok(
    await gql(
      `mutation($d: ID!, $i: [ID!]) { createCampaign(input: { name: "c", domainId: $d, inboxIds: $i }) { campaign { id } userErrors { code } } }`,
      { d: domainId, i: [inboxId] },
    ),
    "createCampaign",
  ).campaign.id;
  ok(
    await gql(
      `mutation($c: ID!, $i: ID!, $r: [String!]!) { recordSends(input: { campaignId: $c, inboxId: $i, recipients: $r }) { recorded userErrors { code } } }`,
      { c: campaignId, i: inboxId, r: Array.from({ length: 30 }, (_, i) => `p${i}@gmail.com`) },
    ),
    "recordSends",
  );
  process.on("warning", onWarning);
}, 60_000);
afterAll(async () => {
  process.off("warning", onWarning);
  await app?.close();
});

describe("statements asked in the same tick by one request", () => {
  it("are answered in full without pg queueing a query behind a running one", async () => {
    const r = ok(
      await gql(
        `query($i: ID!, $d: ID!) {
      inbox(id: $i) { sentToday a: stats(window: DAYS_1) { sent } b: stats(window: DAYS_7) { sent } c: stats(window: DAYS_30) { sent } ramp { sentToday } }
      domain(id: $d) { stats(window: DAYS_30) { sent } benchmarks(window: DAYS_7) { provider sent } }
    }`,
        { i: inboxId, d: domainId },
      ),
    );
    expect(r.inbox).toEqual({
      sentToday: 30,
      a: { sent: 30 },
      b: { sent: 30 },
      c: { sent: 30 },
      ramp: { sentToday: 30 },
    });
    expect(r.domain.stats.sent).toBe(30);
    expect(r.domain.benchmarks.find((b: any) => b.provider === "GMAIL").sent).toBe(30);
    await new Promise((resolve) => setImmediate(resolve));
    expect(warnings.filter((m) => m.includes("already executing a query"))).toEqual([]);
  });
});
