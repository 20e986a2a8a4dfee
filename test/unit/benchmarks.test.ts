import { describe, expect, it } from "vitest";
import {
  benchmarkRows,
  complaintLevel,
  DEFAULT_BENCHMARK_THRESHOLDS,
  healthVerdict,
  overallBenchmark,
  resolveThresholds,
  shouldPause,
  zoneFor,
  type BenchmarkKey,
  type BenchmarkZone,
} from "../../src/core/benchmarks";
import { MAILBOX_PROVIDERS, type MailboxProvider } from "../../src/core/providers";

// For every provider, hard bounces out of 1,000 and 100 sends at and around both bounds.
const BOUNDS: Record<BenchmarkKey, [number, number]> = {
  GMAIL: [3, 5],
  YAHOO: [3, 5],
  MICROSOFT: [5, 8],
  APPLE: [2, 5],
  OTHER: [2, 5],
  OVERALL: [2, 5],
};

describe("bounce-rate zones at and around every boundary, per provider", () => {
  for (const [provider, [lo, hi]] of Object.entries(BOUNDS) as Array<[BenchmarkKey, [number, number]]>) {
    const t = DEFAULT_BENCHMARK_THRESHOLDS[provider];
    const table: Array<[number, number, BenchmarkZone]> = [
      [0, 1000, "ACCEPTABLE"],
      [lo * 10 - 1, 1000, "ACCEPTABLE"],
      [lo * 10, 1000, "WARNING"],
      [lo * 10 + 1, 1000, "WARNING"],
      [hi * 10 - 1, 1000, "WARNING"],
      [hi * 10, 1000, "WARNING"],
      [hi * 10 + 1, 1000, "BLOCKING"],
      [lo - 1, 100, "ACCEPTABLE"],
      [lo, 100, "WARNING"],
      [hi, 100, "WARNING"],
      [hi + 1, 100, "BLOCKING"],
      [1000, 1000, "BLOCKING"],
    ];
    it.each(table)(`${provider}: %i hard bounces of %i sent is %s`, (hard, sent, zone) => {
      expect(zoneFor({ events: hard, sent }, t)).toBe(zone);
    });
    it(`${provider} uses ${lo} % / ${hi} %`, () => {
      expect(t).toEqual({ warningFromPercent: lo, blockingAbovePercent: hi });
    });
  }
});

describe("exact arithmetic", () => {
  it.each([
    // Boundaries that floating point gets wrong: 3/100*100 is 3.0000000000000004.
    [3, 100, "GMAIL", "WARNING"],
    [7, 140, "GMAIL", "WARNING"], // exactly 5 %
    [29, 1000, "GMAIL", "ACCEPTABLE"],
    [57, 1000, "OTHER", "BLOCKING"],
    [80, 1000, "MICROSOFT", "WARNING"], // exactly 8 %
    [800001, 10_000_000, "MICROSOFT", "BLOCKING"], // 8.00001 %
    [1, 3, "OTHER", "INSUFFICIENT_DATA"],
    [333, 10_000, "GMAIL", "WARNING"],
  ] as const)("%i of %i on %s is %s", (hard, sent, provider, zone) => {
    expect(zoneFor({ events: hard, sent }, DEFAULT_BENCHMARK_THRESHOLDS[provider])).toBe(zone);
  });

  it.each([
    [0.03, "WARNING"],
    [0.0299999, "ACCEPTABLE"],
    [0.05, "WARNING"],
    [0.0500001, "BLOCKING"],
    [0.1 + 0.2 - 0.25, "BLOCKING"],
    [1e-7, "ACCEPTABLE"],
  ] as const)("a bare rate %d on Gmail is %s (read as the decimal it prints as)", (rate, zone) => {
    expect(zoneFor(rate, DEFAULT_BENCHMARK_THRESHOLDS.GMAIL)).toBe(zone);
  });
});

describe("minimum number of sends", () => {
  it("is INSUFFICIENT_DATA below 100 sends by default, and judged from 100", () => {
    expect(zoneFor({ events: 50, sent: 99 }, DEFAULT_BENCHMARK_THRESHOLDS.GMAIL)).toBe("INSUFFICIENT_DATA");
    expect(zoneFor({ events: 50, sent: 100 }, DEFAULT_BENCHMARK_THRESHOLDS.GMAIL)).toBe("BLOCKING");
  });

  it("takes the tenant's minimum", () => {
    expect(zoneFor({ events: 0, sent: 400 }, DEFAULT_BENCHMARK_THRESHOLDS.GMAIL, 500)).toBe("INSUFFICIENT_DATA");
    expect(zoneFor({ events: 0, sent: 10 }, DEFAULT_BENCHMARK_THRESHOLDS.GMAIL, 10)).toBe("ACCEPTABLE");
  });

  it("is INSUFFICIENT_DATA with nothing sent, even with a minimum of 0", () => {
    expect(zoneFor({ events: 0, sent: 0 }, DEFAULT_BENCHMARK_THRESHOLDS.GMAIL, 0)).toBe("INSUFFICIENT_DATA");
  });

  it("rejects negative or fractional counts", () => {
    expect(() => zoneFor({ events: -1, sent: 100 }, DEFAULT_BENCHMARK_THRESHOLDS.GMAIL)).toThrow(RangeError);
    expect(() => zoneFor({ events: 1.5, sent: 100 }, DEFAULT_BENCHMARK_THRESHOLDS.GMAIL)).toThrow(RangeError);
  });
});

describe("tenant overrides", () => {
  it("overrides one bound of one provider and keeps the rest", () => {
    const t = resolveThresholds({ GMAIL: { warningFromPercent: 2.5 } });
    expect(t.GMAIL).toEqual({ warningFromPercent: 2.5, blockingAbovePercent: 5 });
    expect(t.MICROSOFT).toEqual(DEFAULT_BENCHMARK_THRESHOLDS.MICROSOFT);
    expect(zoneFor({ events: 24, sent: 1000 }, t.GMAIL)).toBe("ACCEPTABLE");
    expect(zoneFor({ events: 25, sent: 1000 }, t.GMAIL)).toBe("WARNING");
  });

  it("rejects a warning bound above the blocking bound", () => {
    expect(() => resolveThresholds({ OTHER: { warningFromPercent: 6 } })).toThrow(/OTHER/);
  });
});

describe("rows, overall zone and pausing", () => {
  it("gives one row per provider with its thresholds and the overall row on industry thresholds", () => {
    const rows = benchmarkRows([
      { provider: "GMAIL", sent: 1000, hardBounces: 30 },
      { provider: "MICROSOFT", sent: 1000, hardBounces: 30 },
    ]);
    expect(rows.map((r) => [r.provider, r.zone, r.rate])).toEqual([
      ["GMAIL", "WARNING", 0.03],
      ["MICROSOFT", "ACCEPTABLE", 0.03],
    ]);
    expect(overallBenchmark(2000, 60)).toMatchObject({
      provider: "OVERALL",
      zone: "WARNING",
      thresholds: { warningFromPercent: 2, blockingAbovePercent: 5 },
    });
  });

  it("recommends a pause strictly above 5 %", () => {
    expect(shouldPause({ events: 50, sent: 1000 })).toBe(false);
    expect(shouldPause({ events: 51, sent: 1000 })).toBe(true);
    expect(shouldPause({ events: 9, sent: 50 })).toBe(false); // too few sends to judge
  });
});

describe("complaint levels", () => {
  it.each([
    [0, 10_000, "ACCEPTABLE"],
    [9, 10_000, "ACCEPTABLE"],
    [10, 10_000, "WARNING"], // 0.1 %
    [29, 10_000, "WARNING"],
    [30, 10_000, "BLOCKING"], // 0.3 %: "never reach 0.3 %"
    [1, 50, "INSUFFICIENT_DATA"],
  ] as const)("%i complaints of %i sent is %s", (complaints, sent, level) => {
    expect(complaintLevel({ events: complaints, sent })).toBe(level);
  });
});

describe("healthVerdict: the zones and the pause recommendation, decided together", () => {
  // Hard bounces of 1,000 sends to `provider` that put it in each zone, with 100,000 clean
  // sends elsewhere keeping the whole ACCEPTABLE (or, for OTHER, the whole's own recipients).
  const PROVIDERS = MAILBOX_PROVIDERS;
  for (const provider of PROVIDERS) {
    const [lo, hi] = BOUNDS[provider];
    const cases: Array<[BenchmarkZone, number, number]> = [
      ["INSUFFICIENT_DATA", 99, 99],
      ["ACCEPTABLE", 1000, lo * 10 - 1],
      ["WARNING", 1000, lo * 10],
      ["WARNING", 1000, hi * 10],
      ["BLOCKING", 1000, hi * 10 + 1],
    ];
    it.each(cases)(`${provider} %s (%i sent, %i hard): pause exactly when BLOCKING`, (zone, sent, hard) => {
      const elsewhere: MailboxProvider = provider === "GMAIL" ? "MICROSOFT" : "GMAIL";
      const counts = {
        total: { sent: sent + 100_000, hardBounces: hard },
        byProvider: { [provider]: { sent, hardBounces: hard }, [elsewhere]: { sent: 100_000, hardBounces: 0 } },
      };
      const v = healthVerdict(counts, PROVIDERS);
      expect(v.zone).toBe("ACCEPTABLE");
      expect(v.benchmarks.map((b) => b.provider)).toEqual(PROVIDERS);
      expect(v.benchmarks.find((b) => b.provider === provider)?.zone).toBe(zone);
      expect(v.pauseRecommended).toBe(zone === "BLOCKING");
    });
  }

  it.each([
    ["INSUFFICIENT_DATA", 99, 50, false],
    ["ACCEPTABLE", 1000, 19, false],
    ["WARNING", 1000, 50, false],
    ["BLOCKING", 1000, 51, true],
  ] as const)("the whole %s (%i sent, %i hard) spread over every provider", (zone, sent, hard, pause) => {
    // Spread so that no provider is BLOCKING on its own unless the whole is.
    const share = (n: number, i: number) => Math.floor(n / 5) + (i < n % 5 ? 1 : 0);
    const byProvider = Object.fromEntries(
      PROVIDERS.map((p, i) => [p, { sent: share(sent, i), hardBounces: share(hard, i) }]),
    );
    const v = healthVerdict({ total: { sent, hardBounces: hard }, byProvider }, PROVIDERS);
    expect(v.zone).toBe(zone);
    expect(v.pauseRecommended).toBe(pause);
    expect(v.pauseRecommended).toBe([v.zone, ...v.benchmarks.map((b) => b.zone)].includes("BLOCKING"));
  });

  it("follows the tenant's thresholds: a Gmail 6 % under a raised Gmail bound recommends no pause", () => {
    const counts = {
      total: { sent: 11_000, hardBounces: 60 },
      byProvider: { GMAIL: { sent: 1000, hardBounces: 60 }, OTHER: { sent: 10_000, hardBounces: 0 } },
    };
    expect(healthVerdict(counts, MAILBOX_PROVIDERS).pauseRecommended).toBe(true);
    const raised = resolveThresholds({ GMAIL: { warningFromPercent: 5, blockingAbovePercent: 10 } });
    const v = healthVerdict(counts, MAILBOX_PROVIDERS, raised);
    expect(v.benchmarks.find((b) => b.provider === "GMAIL")?.zone).toBe("WARNING");
    expect(v.pauseRecommended).toBe(false);
  });
});
