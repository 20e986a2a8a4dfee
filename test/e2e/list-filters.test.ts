import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ok, type Gql } from "../support/graphql-client";
import { startTestApp, type TestApp } from "../support/test-app";
import { createSetup, sql, uuidFromGlobal, type Setup } from "./ingest-support";

// The lists as an integrator reads them: totalCount, orderBy and every filter, over HTTP,
// each answer compared with what the stored rows say.

let app: TestApp;
let gql: Gql;
let other: Gql;
let s: Setup;
let tenantUuid: string;

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 1);

beforeAll(async () => {
  app = await startTestApp("listfilters");
  const t = await app.newTenant("lists");
  gql = t.gql;
  tenantUuid = uuidFromGlobal(t.tenantId);
  other = (await app.newTenant("lists other")).gql;
  s = await createSetup(gql, "lists");
  const replies = [
    "550 5.1.1 <{r}>: Recipient address rejected: User unknown",
    "452 4.2.2 The email account that you tried to reach is over quota.",
    "554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org",
  ];
  const domains = ["gmail.com", "outlook.com", "yahoo.com"];
  const events = Array.from({ length: 30 }, (_, i) => {
    const recipient = `lead${i}@${domains[i % 3]}`;
    return {
      recipient,
      kind: i % 3 === 1 ? "DEFERRAL" : "BOUNCE",
      campaignId: i < 20 ? s.campaignId : s.campaign2Id,
      smtpResponse: replies[Math.floor(i / 3) % 3].replace("{r}", recipient),
      occurredAt: new Date(T0 + (29 - i) * DAY).toISOString(), // occurred in the reverse order of storing
      eventKey: `lists-${i}`,
    };
  });
  for (const batch of [events.slice(0, 15), events.slice(15)])
    ok(await gql(INGEST, { input: { events: batch } }), "ingestBounces");
  ok(
    await gql(
      `mutation($input: AddSuppressionsInput!) { addSuppressions(input: $input) { inserted userErrors { code message } } }`,
      {
        input: {
          addresses: ["jane.doe@acme.example", "jane.roe@acme.example", "john@acme.example", "jane@other.example"],
          domains: ["acme.example"],
        },
      },
    ),
    "addSuppressions",
  );
  // The other tenant's rows are never counted nor listed.
  ok(
    await other(
      `mutation($input: AddSuppressionsInput!) { addSuppressions(input: $input) { inserted userErrors { code message } } }`,
      { input: { addresses: ["jane.doe@acme.example"], domains: ["acme.example"] } },
    ),
    "addSuppressions",
  );
});
afterAll(() => app?.close());

const INGEST = `mutation($input: IngestBouncesInput!) { ingestBounces(input: $input) { inserted userErrors { field code message } } }`;

const EVENTS = `query($first: Int!, $after: String, $filter: BounceEventFilter, $orderBy: BounceEventOrder) {
  bounceEvents(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {
    totalCount edges { node { recipient reason fault bounceType recipientProvider occurredAt campaign { id } } } pageInfo { endCursor hasNextPage } } }`;

async function allEvents(filter: Record<string, unknown>, orderBy?: Record<string, unknown>) {
  const out: any[] = [];
  let after: string | null = null;
  let total: number;
  do {
    const page: any = ok(await gql(EVENTS, { first: 7, after, filter, orderBy })).bounceEvents;
    total = page.totalCount;
    out.push(...page.edges.map((e: any) => e.node));
    after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
  } while (after);
  expect(out).toHaveLength(total);
  return out;
}

async function stored(where: string, params: unknown[] = []): Promise<number> {
  const [r] = await sql(
    app.database.url,
    `SELECT count(*)::int AS n FROM bounce_events WHERE tenant_id = $1 AND ${where}`,
    [tenantUuid, ...params],
  );
  return r.n;
}

describe("bounceEvents", () => {
  it("pages every event once in each order, with totalCount equal to the rows", async () => {
    const byCreated = await allEvents({});
    expect(byCreated).toHaveLength(30);
    const byOccurred = await allEvents({}, { field: "OCCURRED_AT", direction: "ASC" });
    const times = byOccurred.map((e) => e.occurredAt);
    expect(times).toEqual([...times].sort());
    expect(new Set(byOccurred.map((e) => e.recipient)).size).toBe(30);
    const desc = await allEvents({}, { field: "OCCURRED_AT", direction: "DESC" });
    expect(desc.map((e) => e.recipient)).toEqual(byOccurred.map((e) => e.recipient).reverse());
  });

  it("filters by date range, reason, fault, provider, campaign and hard/soft, as the rows say", async () => {
    const from = new Date(T0 + 10 * DAY).toISOString();
    const to = new Date(T0 + 20 * DAY).toISOString();
    const ranged = await allEvents({ occurredFrom: from, occurredTo: to });
    expect(ranged.length).toBe(await stored("occurred_at >= $2 AND occurred_at < $3", [from, to]));
    expect(ranged.length).toBe(10);
    expect(ranged.every((e) => e.occurredAt >= from && e.occurredAt < to)).toBe(true);

    const cases: Array<[Record<string, unknown>, string, unknown[], (e: any) => boolean]> = [
      [{ reason: "USERUNKNOWN" }, "reason = $2", ["userunknown"], (e) => e.reason === "USERUNKNOWN"],
      [{ fault: "SENDER_REPUTATION" }, "fault = $2", ["SENDER_REPUTATION"], (e) => e.fault === "SENDER_REPUTATION"],
      [{ provider: "YAHOO" }, "recipient_provider = $2", ["YAHOO"], (e) => e.recipientProvider === "YAHOO"],
      [{ bounceType: "SOFT" }, "bounce_type = $2", ["SOFT"], (e) => e.bounceType === "SOFT"],
      [{ bounceType: "HARD" }, "bounce_type = $2", ["HARD"], (e) => e.bounceType === "HARD"],
      [{ campaignId: "CAMPAIGN2" }, "campaign_id = $2", ["CAMPAIGN2"], (e) => e.campaign?.id === "CAMPAIGN2"],
    ];
    for (const [filter, where, params, holds] of cases) {
      const resolve = (x: unknown) => (x === "CAMPAIGN2" ? s.campaign2Id : x);
      const f = Object.fromEntries(Object.entries(filter).map(([k, v]) => [k, resolve(v)]));
      const got = await allEvents(f);
      const p = params.map((x) => (x === "CAMPAIGN2" ? uuidFromGlobal(s.campaign2Id) : x));
      expect(got.length, JSON.stringify(filter)).toBe(await stored(where, p));
      expect(got.length, JSON.stringify(filter)).toBeGreaterThan(0);
      expect(
        got.every((e) =>
          holds({
            ...e,
            campaign: e.campaign && { id: e.campaign.id === s.campaign2Id ? "CAMPAIGN2" : e.campaign.id },
          }),
        ),
      ).toBe(true);
    }
    // Conditions combine.
    const both = await allEvents({ provider: "GMAIL", bounceType: "HARD", occurredFrom: from });
    expect(both.length).toBe(
      await stored("recipient_provider = 'GMAIL' AND bounce_type = 'HARD' AND occurred_at >= $2", [from]),
    );
  });

  it("refuses a cursor of another order", async () => {
    const page = ok(await gql(EVENTS, { first: 2, orderBy: { field: "OCCURRED_AT", direction: "ASC" } })).bounceEvents;
    const res = await gql(EVENTS, { first: 2, after: page.pageInfo.endCursor });
    expect(res.errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
  });
});

const SUPPRESSIONS = `query($filter: SuppressionFilter, $orderBy: CreatedAtOrder) {
  suppressions(first: 100, filter: $filter, orderBy: $orderBy) { totalCount edges { node { value scope reason } } } }`;

describe("suppressions", () => {
  it("filter by domain, address prefix, reason and date range, with totalCount", async () => {
    const values = async (filter: Record<string, unknown>) => {
      const c = ok(await gql(SUPPRESSIONS, { filter })).suppressions;
      expect(c.totalCount).toBe(c.edges.length);
      return c.edges.map((e: any) => e.node.value).sort();
    };
    expect(await values({ domain: "ACME.example" })).toEqual([
      "acme.example",
      "jane.doe@acme.example",
      "jane.roe@acme.example",
      "john@acme.example",
    ]);
    expect(await values({ addressPrefix: "Jane." })).toEqual(["jane.doe@acme.example", "jane.roe@acme.example"]);
    expect(await values({ addressPrefix: "jane" })).toEqual([
      "jane.doe@acme.example",
      "jane.roe@acme.example",
      "jane@other.example",
    ]);
    expect(await values({ addressPrefix: "jane_" })).toEqual([]); // _ is a character here, not a wildcard
    expect(await values({ reason: "MANUAL", domain: "other.example" })).toEqual(["jane@other.example"]);
    const hard = await values({ reason: "HARD_BOUNCE" });
    expect(hard.length).toBeGreaterThan(0);
    expect(hard.every((v: string) => v.startsWith("lead"))).toBe(true);
    expect(await values({ createdFrom: new Date(Date.now() + DAY).toISOString() })).toEqual([]);
    expect(await values({ createdTo: new Date(Date.now() + DAY).toISOString() })).toEqual(await values({}));
  });

  it("order oldest first on request", async () => {
    const order = async (direction: string) =>
      ok(await gql(SUPPRESSIONS, { orderBy: { direction } })).suppressions.edges.map((e: any) => e.node.value);
    expect(await order("ASC")).toEqual((await order("DESC")).reverse());
  });
});

describe("alerts and the other lists", () => {
  it("alerts filter by kind, severity and acknowledged, with totalCount", async () => {
    const q = `query($filter: AlertFilter) { alerts(first: 100, filter: $filter, orderBy: { direction: ASC }) { totalCount edges { node { kind severity acknowledgedAt } } } }`;
    const all = ok(await gql(q, {})).alerts;
    expect(all.totalCount).toBe(all.edges.length);
    const [{ n }] = await sql(app.database.url, "SELECT count(*)::int AS n FROM alerts WHERE tenant_id = $1", [
      tenantUuid,
    ]);
    expect(all.totalCount).toBe(n);
    for (const filter of [
      { severity: "CRITICAL" },
      { kind: "BOUNCE_RATE_BLOCKING" },
      { acknowledged: false },
      { acknowledged: true },
    ]) {
      const got = ok(await gql(q, { filter })).alerts;
      expect(got.totalCount).toBe(got.edges.length);
      const key = Object.keys(filter)[0];
      const want = all.edges.filter((e: any) =>
        key === "acknowledged"
          ? (e.node.acknowledgedAt !== null) === (filter as any).acknowledged
          : e.node[key] === (filter as any)[key],
      );
      expect(got.edges).toEqual(want);
    }
  });

  it("every connection has totalCount, and another tenant's rows are not in it", async () => {
    const r = ok(
      await gql(`{ domains(first: 1) { totalCount } inboxes(first: 1) { totalCount } campaigns(first: 1) { totalCount }
        apiKeys(first: 1) { totalCount } webhookEndpoints(first: 1) { totalCount } suppressions(first: 1) { totalCount } }`),
    );
    expect(r).toEqual({
      domains: { totalCount: 1 },
      inboxes: { totalCount: 1 },
      campaigns: { totalCount: 2 },
      apiKeys: { totalCount: 1 },
      webhookEndpoints: { totalCount: 0 },
      suppressions: { totalCount: expect.any(Number) },
    });
    expect(ok(await other(`{ suppressions(first: 1) { totalCount } }`)).suppressions.totalCount).toBe(2);
    // The dashboard's page (health prefetched) counts the same.
    const dash = ok(await gql(`{ campaigns(first: 1) { totalCount edges { node { zone } } } }`)).campaigns;
    expect(dash.totalCount).toBe(2);
  });
});
