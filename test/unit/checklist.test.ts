import { describe, expect, it } from "vitest";
import { preSendChecklist, type ChecklistInput } from "../../src/core/checklist";

const NOW = new Date("2024-06-01T12:00:00Z");
const daysAgo = (n: number) => new Date(NOW.getTime() - n * 86_400_000);

const ready: ChecklistInput = {
  now: NOW,
  domain: { name: "acme.test", registeredAt: daysAgo(60) },
  authentication: { spf: "PASS", dkim: "WARN", dmarc: "PASS" },
  inboxes: [
    { address: "a@acme.test", warmupStartedAt: daysAgo(30), dailyLimit: 40, plannedDailyVolume: 40 },
    { address: "b@acme.test", warmupStartedAt: daysAgo(16), dailyLimit: 40, plannedDailyVolume: 40 },
  ],
  blocklistHits: [],
  recipientList: { checked: 500, invalidRemaining: 0, unchecked: 0 },
  previousCampaign: { name: "April", sent: 1000, hardBounces: 29 },
};

const item = (input: ChecklistInput, id: string) => preSendChecklist(input).items.find((i) => i.id === id);

describe("pre-send checklist", () => {
  it("is ready when every item passes, WARN authentication included", () => {
    const c = preSendChecklist(ready);
    expect(c.items.filter((i) => !i.passed)).toEqual([]);
    expect(c.ready).toBe(true);
    expect(c.items.map((i) => i.id)).toEqual([
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
    expect(c.items.every((i) => i.action === null)).toBe(true);
  });

  it.each<[string, Partial<ChecklistInput>, string, RegExp]>([
    [
      "a 13-day-old domain",
      { domain: { name: "acme.test", registeredAt: daysAgo(13) } },
      "DOMAIN_AGE",
      /registered 13 days ago/,
    ],
    ["an unknown registration date", { domain: { name: "acme.test", registeredAt: null } }, "DOMAIN_AGE", /unknown/],
    ["failing SPF", { authentication: { spf: "FAIL", dkim: "PASS", dmarc: "PASS" } }, "SPF", /fails/],
    ["DKIM never audited", { authentication: { spf: "PASS", dkim: null, dmarc: "PASS" } }, "DKIM", /not been checked/],
    [
      "an inbox warmed 10 days",
      { inboxes: [{ address: "c@acme.test", warmupStartedAt: daysAgo(10), dailyLimit: 40, plannedDailyVolume: 30 }] },
      "INBOX_WARMUP",
      /c@acme.test: warming for 10 days/,
    ],
    ["no inbox at all", { inboxes: [] }, "INBOX_WARMUP", /no sending inbox/],
    [
      "volume above the ramp",
      { inboxes: [{ address: "d@acme.test", warmupStartedAt: daysAgo(15), dailyLimit: 400, plannedDailyVolume: 150 }] },
      "VOLUME_WITHIN_RAMP",
      /plans 150\/day, ramp allows 100/,
    ],
    [
      "a blocklisted IP",
      { blocklistHits: [{ target: "192.0.2.1", zone: "zen.spamhaus.org" }] },
      "NOT_BLOCKLISTED",
      /192.0.2.1 is listed on zen.spamhaus.org/,
    ],
    ["blocklists never checked", { blocklistHits: null }, "NOT_BLOCKLISTED", /not been checked/],
    [
      "invalid addresses left on the list",
      { recipientList: { checked: 500, invalidRemaining: 3, unchecked: 0 } },
      "RECIPIENT_LIST_VERIFIED",
      /3 invalid/,
    ],
    ["a list never checked", { recipientList: null }, "RECIPIENT_LIST_VERIFIED", /not been checked/],
    [
      "a previous campaign at exactly 3 %",
      { previousCampaign: { name: "April", sent: 1000, hardBounces: 30 } },
      "PREVIOUS_BOUNCE_RATE",
      /30 hard bounces of 1000/,
    ],
  ])("is not ready with %s", (_name, change, id, evidence) => {
    const input = { ...ready, ...change };
    const c = preSendChecklist(input);
    expect(c.ready).toBe(false);
    const failed = c.items.filter((i) => !i.passed);
    expect(failed.map((i) => i.id)).toEqual([id]);
    expect(failed[0].evidence).toMatch(evidence);
    expect(failed[0].action).toEqual(expect.any(String));
  });

  it("passes the previous-campaign item for a first campaign", () => {
    expect(item({ ...ready, previousCampaign: null }, "PREVIOUS_BOUNCE_RATE")).toMatchObject({
      passed: true,
      evidence: "no previous campaign",
    });
  });

  it("notes an inbox planning over 50 a day even when the ramp allows it", () => {
    const input = {
      ...ready,
      inboxes: [{ address: "e@acme.test", warmupStartedAt: daysAgo(40), dailyLimit: 200, plannedDailyVolume: 120 }],
    };
    expect(item(input, "VOLUME_WITHIN_RAMP")).toMatchObject({
      passed: true,
      evidence: expect.stringMatching(/over 50\/day from one inbox is a risk: e@acme.test/),
    });
  });
});
