import "reflect-metadata";
// The health module's pure shaping: windows, stats/benchmarks/zones from counters, per-inbox
// alignment folded into a stored audit, sender requirements with live counts, regressions,
// the checklist's input, threshold overrides and the audit schedule's configuration.

import { describe, expect, it } from "vitest";
import { DEFAULT_BENCHMARK_THRESHOLDS, resolveThresholds } from "../../src/core/benchmarks";
import { MemoryDns, type Zone } from "../support/memory-dns";
import { auditDomain } from "../../src/platform/dns/audit";
import {
  auditSummary,
  benchmarksView,
  checklistInput,
  counterWindow,
  peakDailyVolume,
  regressions,
  requirementsView,
  statsView,
  withInboxAlignment,
  zoneView,
} from "../../src/modules/health/health-view";
import { emptyTotals, type DeliveryTotals } from "../../src/modules/delivery/delivery-counter.service";
import { mergeBenchmarkOverrides } from "../../src/modules/tenant/tenant-settings";

const NOW = new Date("2025-03-10T15:30:00Z");

function totals(
  per: Partial<Record<"GMAIL" | "MICROSOFT" | "YAHOO" | "APPLE" | "OTHER", [number, number]>>,
  complaints = 0,
): DeliveryTotals {
  const t = emptyTotals();
  for (const [p, [sent, hard]] of Object.entries(per) as Array<
    [keyof DeliveryTotals["byProvider"], [number, number]]
  >) {
    t.byProvider[p].sent = sent;
    t.byProvider[p].hardBounces = hard;
    t.total.sent += sent;
    t.total.hardBounces += hard;
  }
  t.total.complaints = complaints;
  return t;
}

describe("counterWindow", () => {
  it.each([
    ["DAYS_1", "2025-03-10T00:00:00.000Z"],
    ["DAYS_7", "2025-03-04T00:00:00.000Z"],
    ["DAYS_30", "2025-02-09T00:00:00.000Z"],
  ] as const)("%s starts at UTC midnight %s and ends now", (window, since) => {
    expect(counterWindow(window, NOW)).toEqual({ since: new Date(since), until: NOW });
  });
});

describe("stats, benchmarks and zones from counters", () => {
  const thresholds = resolveThresholds();
  it.each([
    // provider, sent, hard, zone
    ["GMAIL", 1000, 29, "ACCEPTABLE"],
    ["GMAIL", 1000, 30, "WARNING"],
    ["GMAIL", 1000, 50, "WARNING"],
    ["GMAIL", 1000, 51, "BLOCKING"],
    ["MICROSOFT", 1000, 49, "ACCEPTABLE"],
    ["MICROSOFT", 1000, 50, "WARNING"],
    ["MICROSOFT", 1000, 80, "WARNING"],
    ["MICROSOFT", 1000, 81, "BLOCKING"],
    ["YAHOO", 1000, 30, "WARNING"],
    ["YAHOO", 1000, 51, "BLOCKING"],
    ["OTHER", 1000, 19, "ACCEPTABLE"],
    ["OTHER", 1000, 20, "WARNING"],
    ["OTHER", 1000, 50, "WARNING"],
    ["OTHER", 1000, 51, "BLOCKING"],
    ["APPLE", 99, 50, "INSUFFICIENT_DATA"],
    ["APPLE", 100, 2, "WARNING"],
  ] as const)("%s: %i sent, %i hard -> %s", (provider, sent, hard, zone) => {
    const rows = benchmarksView(totals({ [provider]: [sent, hard] }), thresholds, 100);
    expect(rows.map((r) => r.provider)).toEqual(["GMAIL", "MICROSOFT", "YAHOO", "APPLE", "OTHER"]);
    expect(rows.find((r) => r.provider === provider)).toMatchObject({
      sent,
      hardBounces: hard,
      zone,
      thresholds: DEFAULT_BENCHMARK_THRESHOLDS[provider],
    });
    expect(rows.filter((r) => r.provider !== provider).every((r) => r.zone === "INSUFFICIENT_DATA")).toBe(true);
  });

  it("judges the whole on the industry thresholds and recommends a pause when it or a provider is BLOCKING", () => {
    const t = totals({ GMAIL: [1000, 25], MICROSOFT: [1000, 25] });
    expect(zoneView(t, thresholds, 100)).toBe("WARNING");
    expect(statsView(t, thresholds, 100)).toMatchObject({
      sent: 2000,
      hardBounces: 50,
      hardBounceRate: 0.025,
      pauseRecommended: false,
      complaintLevel: "ACCEPTABLE",
    });
    const over = totals({ OTHER: [1000, 51] }, 3);
    expect(zoneView(over, thresholds, 100)).toBe("BLOCKING");
    expect(statsView(over, thresholds, 100)).toMatchObject({
      pauseRecommended: true,
      complaintLevel: "BLOCKING",
      complaintRate: 0.003,
    });
    // Gmail BLOCKING (6 %) while the whole is only WARNING (3 %): the pause follows Gmail.
    const gmailBlocking = totals({ GMAIL: [1000, 60], OTHER: [1000, 0] });
    expect(zoneView(gmailBlocking, thresholds, 100)).toBe("WARNING");
    expect(benchmarksView(gmailBlocking, thresholds, 100).find((b) => b.provider === "GMAIL")?.zone).toBe("BLOCKING");
    expect(statsView(gmailBlocking, thresholds, 100).pauseRecommended).toBe(true);
    expect(statsView(emptyTotals(), thresholds, 100)).toMatchObject({
      hardBounceRate: null,
      complaintRate: null,
      complaintLevel: "INSUFFICIENT_DATA",
      pauseRecommended: false,
    });
  });
});

describe("mergeBenchmarkOverrides", () => {
  it("merges bounds per provider, keeps only what differs from the defaults, and resets with both null", () => {
    let o = mergeBenchmarkOverrides({}, [{ provider: "GMAIL", warningFromPercent: 2 }]);
    expect(o).toEqual({ GMAIL: { warningFromPercent: 2 } });
    o = mergeBenchmarkOverrides(o, [
      { provider: "GMAIL", blockingAbovePercent: 4 },
      { provider: null, warningFromPercent: 2, blockingAbovePercent: 5 },
    ]);
    expect(o).toEqual({ GMAIL: { warningFromPercent: 2, blockingAbovePercent: 4 } });
    expect(
      mergeBenchmarkOverrides(o, [{ provider: "GMAIL", warningFromPercent: null, blockingAbovePercent: null }]),
    ).toEqual({});
  });

  it.each([
    [{ provider: "GMAIL" as const, warningFromPercent: 6 }, /GMAIL/],
    [{ provider: "MICROSOFT" as const, blockingAbovePercent: 101 }, /MICROSOFT/],
    [{ provider: "OTHER" as const, warningFromPercent: -1 }, /OTHER/],
  ])("refuses %o", (change, message) => {
    expect(() => mergeBenchmarkOverrides({}, [change])).toThrow(message);
  });
});

describe("audits: per-inbox alignment, requirements, regressions", () => {
  const zone: Zone = {
    "acme.test": [
      { type: "TXT", data: "v=spf1 ip4:192.0.2.10 -all" },
      { type: "MX", priority: 10, exchange: "mx.acme.test" },
    ],
    "_dmarc.acme.test": [{ type: "TXT", data: "v=DMARC1; p=quarantine; adkim=s; rua=mailto:d@acme.test" }],
  };
  const options = { sendingIps: ["192.0.2.10"], selectors: [] };
  const audit = () =>
    auditDomain(
      "acme.test",
      { sendingIps: options.sendingIps, probeCommonSelectors: false, dnsblZones: { ip: [], domain: [] } },
      new MemoryDns(zone),
      NOW,
    );

  it("adds one alignment check per configured inbox domain, in the flat list after DMARC, with strict DKIM from the record", async () => {
    const stored = withInboxAlignment(
      await audit(),
      [
        { address: "b@acme.test", returnPathDomain: "bounce.acme.test", dkimDomain: "mail.acme.test" },
        { address: "a@acme.test", returnPathDomain: null, dkimDomain: "acme.test" },
        { address: "c@acme.test", returnPathDomain: null, dkimDomain: null },
      ],
      6000,
      options,
    );
    const r = stored.report;
    expect(r.alignment.map((c) => [c.id, c.status])).toEqual([
      ["alignment.dkim.a@acme.test", "PASS"],
      ["alignment.spf.b@acme.test", "PASS"],
      ["alignment.dkim.b@acme.test", "FAIL"],
    ]);
    const ids = r.checks.map((c) => c.id);
    expect(ids.indexOf("alignment.dkim.a@acme.test")).toBe(
      r.spf.checks.length + r.dkim.checks.length + r.dmarc.checks.length,
    );
    expect(r.status).toBe("FAIL");
    expect(stored.requirementsInput.alignment).toEqual({ spf: true, dkim: false });
    expect(stored.requirementsInput.dailyVolume).toBe(6000);
    // Bulk sender: Google wants alignment, which SPF gives.
    const google = r.senderRequirements.find((p) => p.provider === "GOOGLE")!;
    expect(google.bulkSender).toBe(true);
    expect(google.requirements.find((q) => q.id === "DMARC_ALIGNMENT")!.status).toBe("MET");
  });

  it("judges bounce and complaint requirements on live counts", async () => {
    const stored = withInboxAlignment(await audit(), [], null, options);
    const before = requirementsView(stored, null).find((p) => p.provider === "GOOGLE")!;
    expect(before.requirements.find((q) => q.id === "BOUNCE_RATE")!.status).toBe("UNKNOWN");
    const after = requirementsView(stored, {
      sent: 1000,
      delivered: 0,
      hardBounces: 60,
      softBounces: 0,
      complaints: 4,
    }).find((p) => p.provider === "GOOGLE")!;
    expect(after.requirements.find((q) => q.id === "BOUNCE_RATE")!.status).toBe("NOT_MET");
    expect(after.requirements.find((q) => q.id === "COMPLAINT_RATE")!.status).toBe("NOT_MET");
  });

  it("lists the checks that got worse, and new failing ones, between two audits", async () => {
    const a = withInboxAlignment(await audit(), [], null, options).report;
    const b = {
      ...a,
      checks: a.checks
        .map((c) => (c.id === "spf.all" ? { ...c, status: "WARN" as const } : c))
        .concat([{ id: "ptr.192.0.2.99", status: "FAIL", record: null, problem: "x", fix: "y" }]),
    };
    expect(regressions(null, b)).toEqual([]);
    expect(regressions(a, b).map((c) => c.id)).toEqual(["spf.all", "ptr.192.0.2.99"]);
    expect(regressions(b, a)).toEqual([]);
  });

  it("takes the busiest day's sends to the big providers as the daily volume", () => {
    expect(peakDailyVolume([])).toBeNull();
    expect(
      peakDailyVolume([
        totals({ GMAIL: [3000, 0], OTHER: [9000, 0] }),
        totals({ GMAIL: [2000, 0], YAHOO: [2000, 0], MICROSOFT: [1500, 0] }),
      ]),
    ).toBe(5500);
  });

  it("feeds the checklist: stored statuses, listed targets only, planned volume as the inbox's daily limit", async () => {
    const stored = withInboxAlignment(await audit(), [], null, options);
    stored.report.blocklists = [
      {
        kind: "IP",
        target: "192.0.2.10",
        zone: "bl.test",
        query: "q",
        listed: true,
        codes: ["127.0.0.2"],
        reason: null,
        error: null,
      },
      {
        kind: "IP",
        target: "192.0.2.10",
        zone: "bl2.test",
        query: "q",
        listed: null,
        codes: [],
        reason: null,
        error: "lookup failed",
      },
    ];
    const input = checklistInput({
      now: NOW,
      domain: { name: "acme.test", registeredAt: null },
      audit: auditSummary(stored),
      inboxes: [{ address: "a@acme.test", warmupStartedAt: null, dailyLimit: 50 }],
      recipientCheck: { checked: 10, ok: 7, risky: 1, invalid: 1, suppressed: 1, checkedAt: NOW },
      previousCampaign: null,
    });
    expect(input.authentication).toEqual({ spf: "PASS", dkim: "FAIL", dmarc: stored.report.dmarc.status });
    expect(input.blocklistHits).toEqual([{ target: "192.0.2.10", zone: "bl.test" }]);
    expect(input.inboxes[0].plannedDailyVolume).toBe(50);
    expect(input.recipientList).toEqual({ checked: 10, invalidRemaining: 2, unchecked: 0 });
    const never = checklistInput({
      now: NOW,
      domain: { name: "x.test", registeredAt: null },
      audit: null,
      inboxes: [],
      recipientCheck: null,
      previousCampaign: null,
    });
    expect(never).toMatchObject({
      authentication: { spf: null, dkim: null, dmarc: null },
      blocklistHits: null,
      recipientList: null,
    });
  });
});
