// The benchmark zones end to end: a campaign sends 1,000 messages each to Gmail, Microsoft,
// Yahoo and other recipients (recordSends), then 5.1.1 bounces are ingested (ingestBounces)
// step by step until each provider crosses into WARNING and then BLOCKING exactly at its
// thresholds, read back through GraphQL after every step.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ok, type Gql } from "../support/graphql-client";
import { startTestApp, type TestApp } from "../support/test-app";

const PROVIDERS = {
  GMAIL: "gmail.com",
  MICROSOFT: "outlook.com",
  YAHOO: "yahoo.com",
  OTHER: "example-corp.org",
} as const;
type P = keyof typeof PROVIDERS;
const SENT = 1000;

let app: TestApp;
let gql: Gql;
let domainId: string;
let inboxId: string;
let campaignId: string;
const bounced: Record<P, number> = { GMAIL: 0, MICROSOFT: 0, YAHOO: 0, OTHER: 0 };

const address = (p: P, i: number) => `user${i}@${PROVIDERS[p]}`;

async function bounceUpTo(target: Record<P, number>): Promise<void> {
  const events: Array<Record<string, unknown>> = [];
  for (const p of Object.keys(PROVIDERS) as P[]) {
    for (let i = bounced[p]; i < target[p]; i++) {
      const to = address(p, i);
      events.push({
        recipient: to,
        campaignId,
        inboxId,
        status: "5.1.1",
        smtpResponse: `550 5.1.1 <${to}>: Recipient address rejected: User unknown in virtual mailbox table`,
      });
    }
    bounced[p] = target[p];
  }
  const r = ok(
    await gql(
      `mutation($e: [BounceEventInput!]!) { ingestBounces(input: { events: $e }) { inserted duplicates userErrors { code message field } } }`,
      { e: events },
    ),
    "ingestBounces",
  );
  expect(r.inserted).toBe(events.length);
}

const CAMPAIGN = `query($id: ID!) { campaign(id: $id) {
  zone
  stats { sent delivered hardBounces softBounces complaints hardBounceRate pauseRecommended }
  benchmarks { provider sent hardBounces rate zone thresholds { warningFromPercent blockingAbovePercent } }
} }`;

async function campaign() {
  return ok(await gql(CAMPAIGN, { id: campaignId })).campaign;
}

/** The zone the table gives, computed with integers only. */
function expectedOverall(hard: number, sent: number): string {
  if (hard * 100 < 2 * sent) return "ACCEPTABLE";
  if (hard * 100 <= 5 * sent) return "WARNING";
  return "BLOCKING";
}

beforeAll(async () => {
  app = await startTestApp("healthbench", { REBOUND_AUDIT_INTERVAL_MINUTES: "0" });
  ({ gql } = await app.newTenant("bench"));
  domainId = ok(
    await gql(
      `mutation { createDomain(input: { name: "sender-co.com", registeredAt: "2020-01-01T00:00:00Z" }) { domain { id } userErrors { code } } }`,
    ),
    "createDomain",
  ).domain.id;
  inboxId = ok(
    await gql(
      `mutation($d: ID!) { createInbox(input: { domainId: $d, address: "alex@sender-co.com", warmupStartedAt: "2020-02-01T00:00:00Z", dailyLimit: 5000 }) { inbox { id } userErrors { code } } }`,
      { d: domainId },
    ),
    "createInbox",
  ).inbox.id;
  campaignId = ok(
    await gql(
      `mutation($d: ID!, $i: [ID!]) { createCampaign(input: { name: "spring", domainId: $d, inboxIds: $i, status: ACTIVE }) { campaign { id } userErrors { code } } }`,
      { d: domainId, i: [inboxId] },
    ),
    "createCampaign",
  ).campaign.id;
});
afterAll(() => app?.close());

describe("a campaign before and after its sends", () => {
  it("has INSUFFICIENT_DATA everywhere before anything was sent", async () => {
    const c = await campaign();
    expect(c.zone).toBe("INSUFFICIENT_DATA");
    expect(c.stats).toMatchObject({ sent: 0, hardBounces: 0, hardBounceRate: null, pauseRecommended: false });
    expect(c.benchmarks.map((b: any) => [b.provider, b.zone])).toEqual([
      ["GMAIL", "INSUFFICIENT_DATA"],
      ["MICROSOFT", "INSUFFICIENT_DATA"],
      ["YAHOO", "INSUFFICIENT_DATA"],
      ["APPLE", "INSUFFICIENT_DATA"],
      ["OTHER", "INSUFFICIENT_DATA"],
    ]);
  });

  it("counts 1,000 sends per provider, all ACCEPTABLE with no bounce", async () => {
    for (const p of Object.keys(PROVIDERS) as P[]) {
      const recipients = Array.from({ length: SENT }, (_, i) => address(p, i));
      const r = ok(
        await gql(
          `mutation($c: ID!, $i: ID!, $r: [String!]!) { recordSends(input: { campaignId: $c, inboxId: $i, recipients: $r }) { recorded byProvider { provider count } userErrors { code message } } }`,
          { c: campaignId, i: inboxId, r: recipients },
        ),
        "recordSends",
      );
      expect(r.byProvider).toEqual([{ provider: p, count: SENT }]);
    }
    const c = await campaign();
    expect(c.stats.sent).toBe(4 * SENT);
    expect(c.zone).toBe("ACCEPTABLE");
    for (const p of Object.keys(PROVIDERS))
      expect(c.benchmarks.find((b: any) => b.provider === p)).toMatchObject({
        sent: SENT,
        hardBounces: 0,
        rate: 0,
        zone: "ACCEPTABLE",
      });
    expect(c.benchmarks.find((b: any) => b.provider === "APPLE")).toMatchObject({ sent: 0, zone: "INSUFFICIENT_DATA" });
  });
});

// Each step sets the hard bounces per provider (of 1,000 sent) and the zone each must be in.
const STEPS: Array<{ label: string; bounces: Record<P, number>; zones: Record<P, string> }> = [
  {
    label: "just below every warning bound",
    bounces: { GMAIL: 29, MICROSOFT: 49, YAHOO: 29, OTHER: 19 },
    zones: { GMAIL: "ACCEPTABLE", MICROSOFT: "ACCEPTABLE", YAHOO: "ACCEPTABLE", OTHER: "ACCEPTABLE" },
  },
  {
    label: "exactly at every warning bound (3 %, 5 %, 3 %, 2 %)",
    bounces: { GMAIL: 30, MICROSOFT: 50, YAHOO: 30, OTHER: 20 },
    zones: { GMAIL: "WARNING", MICROSOFT: "WARNING", YAHOO: "WARNING", OTHER: "WARNING" },
  },
  {
    label: "exactly at every blocking bound (5 %, 8 %, 5 %, 5 %): still WARNING",
    bounces: { GMAIL: 50, MICROSOFT: 80, YAHOO: 50, OTHER: 50 },
    zones: { GMAIL: "WARNING", MICROSOFT: "WARNING", YAHOO: "WARNING", OTHER: "WARNING" },
  },
  {
    label: "one bounce above every blocking bound",
    bounces: { GMAIL: 51, MICROSOFT: 81, YAHOO: 51, OTHER: 51 },
    zones: { GMAIL: "BLOCKING", MICROSOFT: "BLOCKING", YAHOO: "BLOCKING", OTHER: "BLOCKING" },
  },
];

describe("bounces ingested until each provider crosses its thresholds", () => {
  for (const step of STEPS) {
    it(step.label, async () => {
      await bounceUpTo(step.bounces);
      const c = await campaign();
      for (const p of Object.keys(PROVIDERS) as P[]) {
        const row = c.benchmarks.find((b: any) => b.provider === p);
        expect(row, p).toMatchObject({ sent: SENT, hardBounces: step.bounces[p], zone: step.zones[p] });
        expect(row.rate).toBeCloseTo(step.bounces[p] / SENT, 12);
      }
      const hard = Object.values(step.bounces).reduce((a, b) => a + b, 0);
      expect(c.stats).toMatchObject({ sent: 4 * SENT, hardBounces: hard });
      expect(c.zone).toBe(expectedOverall(hard, 4 * SENT));
      // A pause exactly when the whole or any provider is BLOCKING (what raises the BLOCKING alert).
      const blocking = c.zone === "BLOCKING" || Object.values(step.zones).includes("BLOCKING");
      expect(c.stats.pauseRecommended).toBe(blocking);
    });
  }

  it("applies the seed's thresholds per provider and says which", async () => {
    const c = await campaign();
    const t = Object.fromEntries(c.benchmarks.map((b: any) => [b.provider, b.thresholds]));
    expect(t).toEqual({
      GMAIL: { warningFromPercent: 3, blockingAbovePercent: 5 },
      MICROSOFT: { warningFromPercent: 5, blockingAbovePercent: 8 },
      YAHOO: { warningFromPercent: 3, blockingAbovePercent: 5 },
      APPLE: { warningFromPercent: 2, blockingAbovePercent: 5 },
      OTHER: { warningFromPercent: 2, blockingAbovePercent: 5 },
    });
  });
});

describe("the same counts seen from the inbox and the domain", () => {
  it("gives the same rows over a rolling window, and today's sends against the ramp", async () => {
    const q = `query($i: ID!, $d: ID!) {
      inbox(id: $i) { sentToday recommendedDailyLimit zone(window: DAYS_1) stats(window: DAYS_7) { sent hardBounces }
        benchmarks(window: DAYS_30) { provider zone } warmup { stage warmedEnough recommendedDailyLimit dailyLimitIsRisky }
        ramp { sentToday limit exceeded excess warning } }
      domain(id: $d) { zone stats(window: DAYS_1) { sent hardBounces } benchmarks { provider zone } age { ageDays readyForOutreach } }
    }`;
    const r = ok(await gql(q, { i: inboxId, d: domainId }));
    expect(r.inbox.stats).toEqual({ sent: 4000, hardBounces: 234 });
    expect(r.inbox.sentToday).toBe(4000);
    expect(r.inbox.zone).toBe("BLOCKING");
    expect(r.inbox.benchmarks.filter((b: any) => b.zone === "BLOCKING").map((b: any) => b.provider)).toEqual([
      "GMAIL",
      "MICROSOFT",
      "YAHOO",
      "OTHER",
    ]);
    expect(r.inbox.warmup).toEqual({
      stage: "WARMED",
      warmedEnough: true,
      recommendedDailyLimit: 5000,
      dailyLimitIsRisky: true,
    });
    expect(r.inbox.ramp).toEqual({ sentToday: 4000, limit: 5000, exceeded: false, excess: 0, warning: null });
    expect(r.domain.stats).toEqual({ sent: 4000, hardBounces: 234 });
    expect(r.domain.zone).toBe("BLOCKING");
    expect(r.domain.age.readyForOutreach).toBe(true);
  });

  it("warns when an inbox in warm-up sent more today than its ramp allows", async () => {
    const young = ok(
      await gql(
        `mutation($d: ID!, $w: DateTimeISO) { createInbox(input: { domainId: $d, address: "new@sender-co.com", warmupStartedAt: $w }) { inbox { id } userErrors { code } } }`,
        { d: domainId, w: new Date(Date.now() - 3 * 86_400_000).toISOString() },
      ),
      "createInbox",
    ).inbox.id;
    ok(
      await gql(
        `mutation($c: ID!, $i: ID!, $r: [String!]!) { recordSends(input: { campaignId: $c, inboxId: $i, recipients: $r }) { recorded userErrors { code message } } }`,
        { c: campaignId, i: young, r: Array.from({ length: 25 }, (_, i) => `ramp${i}@example-corp.org`) },
      ),
      "recordSends",
    );
    const r = ok(
      await gql(
        `query($i: ID!) { inbox(id: $i) { recommendedDailyLimit warmup { stage warmupDays minPerDay maxPerDay } ramp { sentToday limit exceeded excess stage warning } } }`,
        { i: young },
      ),
    ).inbox;
    expect(r.warmup).toEqual({ stage: "WEEK_1", warmupDays: 3, minPerDay: 10, maxPerDay: 20 });
    expect(r.recommendedDailyLimit).toBe(20);
    expect(r.ramp).toMatchObject({ sentToday: 25, limit: 20, exceeded: true, excess: 5, stage: "WEEK_1" });
    expect(r.ramp.warning).toContain("new@sender-co.com sent 25");
  });
});

describe("tenant threshold overrides", () => {
  it("moves the zones and shows the thresholds in effect", async () => {
    const set = ok(
      await gql(`mutation { updateTenantSettings(input: { settings: { benchmarkThresholds: [{ provider: MICROSOFT, warningFromPercent: 9, blockingAbovePercent: 10 }], minSendsForZone: 100 } }) {
      tenant { settings { benchmarkThresholds { provider warningFromPercent blockingAbovePercent overridden } } } userErrors { code message field } } }`),
      "updateTenantSettings",
    );
    expect(set.tenant.settings.benchmarkThresholds.find((t: any) => t.provider === "MICROSOFT")).toEqual({
      provider: "MICROSOFT",
      warningFromPercent: 9,
      blockingAbovePercent: 10,
      overridden: true,
    });
    expect(set.tenant.settings.benchmarkThresholds.find((t: any) => t.provider === "GMAIL")).toMatchObject({
      warningFromPercent: 3,
      overridden: false,
    });
    const c = await campaign();
    expect(c.benchmarks.find((b: any) => b.provider === "MICROSOFT")).toMatchObject({
      zone: "ACCEPTABLE",
      thresholds: { warningFromPercent: 9, blockingAbovePercent: 10 },
    });
    expect(c.benchmarks.find((b: any) => b.provider === "GMAIL").zone).toBe("BLOCKING");
  });

  it("refuses nonsense bounds with a userError and changes nothing", async () => {
    const r = await gql(
      `mutation { updateTenantSettings(input: { settings: { benchmarkThresholds: [{ provider: GMAIL, warningFromPercent: 6 }] } }) { tenant { id } userErrors { code field message } } }`,
    );
    expect(r.data.updateTenantSettings.userErrors).toEqual([
      expect.objectContaining({ code: "INVALID_SETTING", field: ["input", "settings", "benchmarkThresholds"] }),
    ]);
    const c = await campaign();
    expect(c.benchmarks.find((b: any) => b.provider === "GMAIL").thresholds).toEqual({
      warningFromPercent: 3,
      blockingAbovePercent: 5,
    });
  });

  it("gives INSUFFICIENT_DATA below the tenant's minimum number of sends, and restores defaults", async () => {
    ok(
      await gql(
        `mutation { updateTenantSettings(input: { settings: { minSendsForZone: 1001, benchmarkThresholds: [{ provider: MICROSOFT }] } }) { tenant { id } userErrors { code } } }`,
      ),
      "updateTenantSettings",
    );
    const c = await campaign();
    expect(c.benchmarks.find((b: any) => b.provider === "GMAIL").zone).toBe("INSUFFICIENT_DATA");
    expect(c.zone).toBe("BLOCKING");
    expect(c.benchmarks.find((b: any) => b.provider === "MICROSOFT").thresholds).toEqual({
      warningFromPercent: 5,
      blockingAbovePercent: 8,
    });
    ok(
      await gql(
        `mutation { updateTenantSettings(input: { settings: { minSendsForZone: 100 } }) { tenant { id } userErrors { code } } }`,
      ),
      "updateTenantSettings",
    );
  });
});

describe("readiness of the next campaign from the same domain", () => {
  it("fails PREVIOUS_BOUNCE_RATE with the previous campaign's numbers, and RECIPIENT_LIST_VERIFIED until the list is clean", async () => {
    const next = ok(
      await gql(
        `mutation($d: ID!, $i: [ID!]) { createCampaign(input: { name: "summer", domainId: $d, inboxIds: $i }) { campaign { id } userErrors { code } } }`,
        { d: domainId, i: [inboxId] },
      ),
      "createCampaign",
    ).campaign.id;
    const q = `query($id: ID!) { campaign(id: $id) { recipientCheck { checked ok suppressed invalid } readiness { ready items { id passed evidence action } } } }`;
    let r = ok(await gql(q, { id: next })).campaign;
    const item = (id: string) => r.readiness.items.find((i: any) => i.id === id);
    expect(r.readiness.items.map((i: any) => i.id)).toEqual([
      "DOMAIN_AGE",
      "SPF",
      "DKIM",
      "DMARC",
      "INBOX_WARMUP",
      "VOLUME_WITHIN_RAMP",
      "NOT_BLOCKLISTED",
      "RECIPIENT_LIST_VERIFIED",
      "PREVIOUS_BOUNCE_RATE",
    ]);
    expect(item("PREVIOUS_BOUNCE_RATE")).toMatchObject({
      passed: false,
      evidence: 'previous campaign "spring": 234 hard bounces of 4025 sent (5.81 %)',
    });
    expect(item("DOMAIN_AGE").passed).toBe(true);
    expect(item("INBOX_WARMUP").passed).toBe(true);
    expect(item("SPF")).toMatchObject({ passed: false, evidence: "SPF of sender-co.com has not been checked" });
    expect(item("RECIPIENT_LIST_VERIFIED")).toMatchObject({
      passed: false,
      evidence: "the recipient list has not been checked",
    });
    expect(r.readiness.ready).toBe(false);

    // user0@gmail.com bounced 5.1.1 and is suppressed now.
    const v = ok(
      await gql(
        `mutation($c: ID!) { verifyCampaignRecipients(input: { campaignId: $c, addresses: ["user0@gmail.com", "fresh@example-corp.org", "not-an-address"] }) { recipientCheck { checked ok suppressed invalid risky } userErrors { code } } }`,
        { c: next },
      ),
      "verifyCampaignRecipients",
    );
    expect(v.recipientCheck).toEqual({ checked: 3, ok: 1, suppressed: 1, invalid: 1, risky: 0 });
    r = ok(await gql(q, { id: next })).campaign;
    expect(item("RECIPIENT_LIST_VERIFIED")).toMatchObject({
      passed: false,
      evidence: "3 recipients checked, 2 invalid still on the list, 0 not checked",
    });
    ok(
      await gql(
        `mutation($c: ID!) { verifyCampaignRecipients(input: { campaignId: $c, addresses: ["fresh@example-corp.org"] }) { recipientCheck { checked } userErrors { code } } }`,
        { c: next },
      ),
      "verifyCampaignRecipients",
    );
    r = ok(await gql(q, { id: next })).campaign;
    expect(r.recipientCheck).toEqual({ checked: 1, ok: 1, suppressed: 0, invalid: 0 });
    expect(item("RECIPIENT_LIST_VERIFIED").passed).toBe(true);
  });
});

describe("lifetime totals (campaign_delivery_totals)", () => {
  it("equal the daily counters summed, after every send and bounce ingested above", async () => {
    const { Client } = await import("pg");
    const db = new Client({ connectionString: app.database.url });
    await db.connect();
    try {
      const q = (table: string, sums: string) =>
        `SELECT tenant_id, campaign_id, recipient_provider, ${sums} FROM ${table} WHERE campaign_id IS NOT NULL
          GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`;
      const sums =
        "sum(sent)::int AS sent, sum(delivered)::int AS delivered, sum(hard_bounces)::int AS hard, sum(soft_bounces)::int AS soft, sum(complaints)::int AS complaints";
      const totals = (await db.query(q("campaign_delivery_totals", sums))).rows;
      const counters = (await db.query(q("delivery_counters", sums))).rows;
      expect(totals.length).toBeGreaterThan(0);
      expect(totals).toEqual(counters);
    } finally {
      await db.end();
    }
  });
});
