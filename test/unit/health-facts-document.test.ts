// The dashboard's facts document (src/modules/health/health-facts.document.ts): the facts
// statement's one JSON answer, decoded once into named, typed records, and refused with a
// message naming the place when it does not have the shape the decoder knows.

import { describe, expect, it } from "vitest";
import { decodeFactsDocument, FactsDocumentError } from "../../src/modules/health/health-facts.document";

const CAMPAIGN = "0b6c3f0e-8a41-4c55-9a55-3c1f5a7d0001";
const PREVIOUS = "0b6c3f0e-8a41-4c55-9a55-3c1f5a7d0002";
const DOMAIN = "0b6c3f0e-8a41-4c55-9a55-3c1f5a7d00d0";
const T0 = Date.UTC(2026, 0, 2, 3, 4, 5, 678);

const FULL = {
  page: [[CAMPAIGN, DOMAIN, "Spring", "ACTIVE", T0, T0 + 1, 0.125]],
  totals: [[CAMPAIGN, "GMAIL", 120, 110, 8, 2, 0]],
  previous: [[CAMPAIGN, PREVIOUS, "Winter"]],
  recipientChecks: [[CAMPAIGN, 1000, 990, 5, 3, 2, T0]],
  inboxes: [
    [CAMPAIGN, "a@d.example", 50, T0],
    [CAMPAIGN, "b@d.example", 20, null],
  ],
  domains: [[DOMAIN, "d.example", null]],
  audits: [[DOMAIN, { spf: "PASS", dkim: "FAIL", dmarc: "WARN", blocklistHits: [{ target: "192.0.2.1", zone: "z" }] }]],
  campaignDomains: [[CAMPAIGN, DOMAIN]],
  settings: { stored: { minSendsForZone: 50 } },
};

describe("decodeFactsDocument", () => {
  it("names every position of every part, timestamps as Dates", () => {
    expect(decodeFactsDocument(JSON.stringify(FULL))).toEqual({
      page: [
        {
          id: CAMPAIGN,
          domainId: DOMAIN,
          name: "Spring",
          status: "ACTIVE",
          createdAt: new Date(T0),
          updatedAt: new Date(T0 + 1),
          bounceRate: 0.125,
        },
      ],
      totals: [
        {
          campaignId: CAMPAIGN,
          provider: "GMAIL",
          sent: 120,
          delivered: 110,
          hardBounces: 8,
          softBounces: 2,
          complaints: 0,
        },
      ],
      previous: [{ campaignId: CAMPAIGN, previousId: PREVIOUS, previousName: "Winter" }],
      recipientChecks: [
        {
          campaignId: CAMPAIGN,
          checked: 1000,
          ok: 990,
          risky: 5,
          invalid: 3,
          suppressed: 2,
          checkedAt: new Date(T0),
        },
      ],
      inboxes: [
        { campaignId: CAMPAIGN, address: "a@d.example", dailyLimit: 50, warmupStartedAt: new Date(T0) },
        { campaignId: CAMPAIGN, address: "b@d.example", dailyLimit: 20, warmupStartedAt: null },
      ],
      domains: [{ id: DOMAIN, name: "d.example", registeredAt: null }],
      audits: [
        {
          domainId: DOMAIN,
          summary: { spf: "PASS", dkim: "FAIL", dmarc: "WARN", blocklistHits: [{ target: "192.0.2.1", zone: "z" }] },
        },
      ],
      campaignDomains: [{ campaignId: CAMPAIGN, domainId: DOMAIN }],
      settings: { stored: { minSendsForZone: 50 } },
    });
  });

  it("reads a part with no rows (json_agg's null) as empty, and settings not asked for as null", () => {
    const none = Object.fromEntries(Object.keys(FULL).map((k) => [k, null]));
    expect(decodeFactsDocument(JSON.stringify(none))).toEqual({
      page: [],
      totals: [],
      previous: [],
      recipientChecks: [],
      inboxes: [],
      domains: [],
      audits: [],
      campaignDomains: [],
      settings: null,
    });
  });

  it("tells settings never set (stored null) from settings not asked for", () => {
    expect(decodeFactsDocument(JSON.stringify({ ...FULL, settings: { stored: null } })).settings).toEqual({
      stored: null,
    });
  });

  it.each([
    ["a row of the wrong length", { totals: [[CAMPAIGN, "GMAIL", 1, 2, 3, 4]] }, /totals\[0\] should be 7 values/],
    [
      "a count that is not a number",
      { totals: [[CAMPAIGN, "GMAIL", "1", 1, 0, 0, 0]] },
      /totals\[0\]\[2\] should be a number/,
    ],
    ["an unknown provider", { totals: [[CAMPAIGN, "AOL", 1, 1, 0, 0, 0]] }, /totals\[0\]\[1\] should be GMAIL\|/],
    ["an unknown campaign status", { page: [[CAMPAIGN, DOMAIN, "x", "LIVE", T0, T0, -1]] }, /page\[0\]\[3\]/],
    [
      "a timestamp as text",
      { recipientChecks: [[CAMPAIGN, 1, 1, 0, 0, 0, "2026-01-01"]] },
      /recipientChecks\[0\]\[6\]/,
    ],
    ["a part that is not an array", { inboxes: {} }, /inboxes should be an array or null/],
    [
      "an audit summary without its statuses",
      { audits: [[DOMAIN, { spf: "PASS", blocklistHits: [] }]] },
      /audits\[0\]\[1\]\.dkim should be PASS\|WARN\|FAIL/,
    ],
    ["settings that are not an object", { settings: [null] }, /settings should be an object or null/],
  ])("refuses %s, naming where", (_what, change, message) => {
    const decode = () => decodeFactsDocument(JSON.stringify({ ...FULL, ...change }));
    expect(decode).toThrow(FactsDocumentError);
    expect(decode).toThrow(message);
  });

  it("refuses a document that is not an object", () => {
    expect(() => decodeFactsDocument("[]")).toThrow(/the document should be an object/);
  });
});
