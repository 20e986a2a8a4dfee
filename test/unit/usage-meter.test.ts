import { describe, expect, it } from "vitest";
import { UsageMeter, usageMonth, type UsageDelta } from "../../src/platform/usage/usage-meter";

// The meter's bookkeeping against a store kept in a Map (what tenant_usage holds): counts are
// never lost or doubled, whatever the order of counting, flushing and reading.

function store() {
  const rows = new Map<string, UsageDelta>();
  let failing = false;
  let gate: Promise<void> | null = null;
  return {
    rows,
    fail: (on: boolean) => (failing = on),
    hold(p: Promise<void> | null): void {
      gate = p;
    },
    async write(tenantId: string, month: string, d: UsageDelta) {
      if (gate) await gate;
      if (failing) throw new Error("database unavailable");
      const key = `${tenantId}|${month}`;
      const row = rows.get(key) ?? { requests: 0, ingestedEvents: 0 };
      rows.set(key, { requests: row.requests + d.requests, ingestedEvents: row.ingestedEvents + d.ingestedEvents });
    },
    read: (tenantId: string, month: string) => async () =>
      rows.get(`${tenantId}|${month}`) ?? { requests: 0, ingestedEvents: 0 },
  };
}

const MONTH = "2026-12-01";
const at = () => new Date("2026-12-07T10:00:00Z");

describe("UsageMeter", () => {
  it("keys counts by the UTC month", () => {
    expect(usageMonth(new Date("2026-12-31T23:59:59.999Z"))).toBe("2026-12-01");
    expect(usageMonth(new Date("2027-01-01T00:00:00Z"))).toBe("2027-01-01");
  });

  it("reads stored plus unwritten counts, per tenant", async () => {
    const s = store();
    const m = new UsageMeter(s.write, 0, undefined, at);
    m.countRequest("a");
    m.countRequest("a");
    m.countIngested("a", 5);
    m.countRequest("b");
    expect(await m.read("a", MONTH, s.read("a", MONTH))).toEqual({ requests: 2, ingestedEvents: 5 });
    await m.flush();
    m.countRequest("a");
    expect(s.rows.get(`a|${MONTH}`)).toEqual({ requests: 2, ingestedEvents: 5 });
    expect(await m.read("a", MONTH, s.read("a", MONTH))).toEqual({ requests: 3, ingestedEvents: 5 });
    expect(await m.read("b", MONTH, s.read("b", MONTH))).toEqual({ requests: 1, ingestedEvents: 0 });
  });

  it("a read while a flush is writing waits for it instead of missing or doubling its counts", async () => {
    const s = store();
    const m = new UsageMeter(s.write, 0, undefined, at);
    m.countIngested("a", 7);
    let release!: () => void;
    s.hold(new Promise<void>((r) => (release = r)));
    const flushing = m.flush();
    m.countRequest("a");
    const reading = m.read("a", MONTH, s.read("a", MONTH));
    release();
    s.hold(null);
    await flushing;
    expect(await reading).toEqual({ requests: 1, ingestedEvents: 7 });
  });

  it("keeps counts a failed write could not store, and stores them with the next flush", async () => {
    const s = store();
    const errors: unknown[] = [];
    const m = new UsageMeter(s.write, 0, (e) => errors.push(e), at);
    m.countRequest("a");
    s.fail(true);
    await m.flush();
    expect(errors).toHaveLength(1);
    m.countRequest("a");
    s.fail(false);
    await m.close();
    expect(s.rows.get(`a|${MONTH}`)).toEqual({ requests: 2, ingestedEvents: 0 });
  });
});
