import { describe, expect, it } from "vitest";
import {
  authRegression,
  bounceZoneChanges,
  burstChanges,
  complaintChanges,
  countsTowardBurst,
  rampExceeded,
  type ZoneInput,
} from "../../src/core/alert-rules";
import { resolveThresholds } from "../../src/core/benchmarks";

const thresholds = resolveThresholds();
const base: ZoneInput = {
  scope: "campaign",
  name: "Launch",
  subject: "campaign:c1",
  campaignId: "c1",
  inboxId: null,
  domainId: "d1",
  counts: {},
  thresholds,
  minSends: 100,
  previous: {},
};

describe("bounce-rate zone changes", () => {
  it("raise nothing while a provider stays ACCEPTABLE", () => {
    expect(bounceZoneChanges({ ...base, counts: { GMAIL: { events: 29, sent: 1000 } } })).toEqual([]);
  });

  it("raise one WARNING alert on entering WARNING, exactly at the lower bound", () => {
    const changes = bounceZoneChanges({ ...base, counts: { GMAIL: { events: 30, sent: 1000 } } });
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({
      rule: "bounce-zone:GMAIL",
      from: null,
      to: "WARNING",
      alert: { kind: "BOUNCE_RATE_WARNING", severity: "WARNING", recommendPause: false },
    });
  });

  it("raise nothing for further bounces inside the same zone", () => {
    expect(
      bounceZoneChanges({ ...base, counts: { GMAIL: { events: 50, sent: 1000 } }, previous: { GMAIL: "WARNING" } }),
    ).toEqual([]);
  });

  it("raise a CRITICAL alert with a pause recommendation on entering BLOCKING, just above the upper bound", () => {
    const [change] = bounceZoneChanges({
      ...base,
      counts: { GMAIL: { events: 51, sent: 1000 } },
      previous: { GMAIL: "WARNING" },
    });
    expect(change.alert).toMatchObject({ kind: "BOUNCE_RATE_BLOCKING", severity: "CRITICAL", recommendPause: true });
    expect(change.alert!.evidence).toMatchObject({
      provider: "GMAIL",
      sent: 1000,
      hardBounces: 51,
      previousZone: "WARNING",
    });
  });

  it("recommend no pause for an inbox (only campaigns are paused)", () => {
    const [change] = bounceZoneChanges({ ...base, scope: "inbox", counts: { OTHER: { events: 6, sent: 100 } } });
    expect(change.alert).toMatchObject({ kind: "BOUNCE_RATE_BLOCKING", recommendPause: false });
  });

  it("raise a recovery (INFO) when the rate crosses back down", () => {
    const [change] = bounceZoneChanges({
      ...base,
      counts: { GMAIL: { events: 70, sent: 2000 } },
      previous: { GMAIL: "BLOCKING" },
    });
    expect(change).toMatchObject({
      from: "BLOCKING",
      to: "WARNING",
      alert: { kind: "BOUNCE_RATE_RECOVERED", severity: "INFO" },
    });
  });

  it("keep the last state while there are too few sends to judge", () => {
    expect(
      bounceZoneChanges({ ...base, counts: { GMAIL: { events: 10, sent: 50 } }, previous: { GMAIL: "WARNING" } }),
    ).toEqual([]);
  });

  it("judge each provider on its own thresholds and the whole campaign on the industry's", () => {
    const changes = bounceZoneChanges({
      ...base,
      counts: {
        OVERALL: { events: 40, sent: 2000 },
        MICROSOFT: { events: 40, sent: 1000 },
        GMAIL: { events: 0, sent: 1000 },
      },
    });
    // 2 % overall is WARNING on industry thresholds; 4 % for Microsoft is still ACCEPTABLE (5/8 %).
    expect(changes.map((c) => [c.rule, c.to])).toEqual([["bounce-zone:OVERALL", "WARNING"]]);
  });
});

describe("complaint-rate changes", () => {
  const input = {
    name: "Launch",
    subject: "campaign:c1",
    campaignId: "c1",
    inboxId: null,
    domainId: null,
    minSends: 100,
    previous: null,
  };

  it("warn above 0.1 % and go critical at 0.3 %", () => {
    expect(complaintChanges({ ...input, counts: { events: 1, sent: 1000 } })[0].alert).toMatchObject({
      kind: "COMPLAINT_RATE_WARNING",
    });
    expect(
      complaintChanges({ ...input, counts: { events: 3, sent: 1000 }, previous: "WARNING" })[0].alert,
    ).toMatchObject({ kind: "COMPLAINT_RATE_CRITICAL", severity: "CRITICAL" });
    expect(complaintChanges({ ...input, counts: { events: 0, sent: 1000 } })).toEqual([]);
  });
});

describe("burst rules", () => {
  const input = {
    name: "Launch",
    subject: "campaign:c1",
    campaignId: "c1",
    inboxId: null,
    domainId: null,
    previous: {},
  };

  it("fire once when authentication failures reach the threshold, and stay quiet while firing", () => {
    const counts = { authFailures: 3, blocklistRejections: 0, catchAllBlocks: 0, windowHours: 24 };
    const first = burstChanges({ ...input, counts });
    expect(first.map((c) => c.alert?.kind)).toEqual(["SENDER_AUTHENTICATION_FAILURES"]);
    expect(burstChanges({ ...input, counts: { ...counts, authFailures: 9 }, previous: { auth: "FIRING" } })).toEqual(
      [],
    );
  });

  it("re-arm without an alert when the burst is over", () => {
    const [change] = burstChanges({
      ...input,
      counts: { authFailures: 0, blocklistRejections: 0, catchAllBlocks: 0, windowHours: 24 },
      previous: { auth: "FIRING" },
    });
    expect(change).toMatchObject({ rule: "burst:auth", to: "QUIET", alert: null });
  });

  it("fire for blocklist rejections and catch-all blocks separately", () => {
    const changes = burstChanges({
      ...input,
      counts: { authFailures: 0, blocklistRejections: 3, catchAllBlocks: 5, windowHours: 24 },
    });
    expect(changes.map((c) => c.alert?.kind)).toEqual(["BLOCKLIST_REJECTIONS", "CATCH_ALL_BLOCKS"]);
  });
});

describe("events that count toward a burst", () => {
  const event = (e: Partial<Parameters<typeof countsTowardBurst>[0]>) => ({
    fault: null,
    reason: "userunknown",
    status: "5.1.1",
    variant: null,
    ...e,
  });
  it.each([
    [
      "an authentication failure",
      true,
      event({ fault: "SENDER_AUTHENTICATION", reason: "securityerror", status: "5.7.26" }),
    ],
    ["a reputation block", true, event({ fault: "SENDER_REPUTATION", reason: "blocked" })],
    ["a blocked reply whatever its fault", true, event({ reason: "blocked" })],
    ["a bad-reputation reply", true, event({ reason: "badreputation" })],
    ["5.4.1", true, event({ status: "5.4.1" })],
    ["a catch-all block", true, event({ variant: "CATCH_ALL_BLOCK" })],
    ["an unknown user", false, event({ fault: "RECIPIENT_ADDRESS" })],
    ["a full mailbox", false, event({ fault: "RECIPIENT_MAILBOX", reason: "mailboxfull", status: "4.2.2" })],
  ])("%s counts toward a burst: %s", (_name, expected, e) => {
    expect(countsTowardBurst(e)).toBe(expected);
  });
});

describe("DNS authentication regression", () => {
  const domain = { domainId: "d1", name: "acme.example" };

  it("alerts when a check gets worse, critical when it now fails", () => {
    const alert = authRegression(
      domain,
      [
        { id: "SPF", status: "PASS" },
        { id: "DMARC", status: "PASS" },
      ],
      [
        { id: "SPF", status: "FAIL" },
        { id: "DMARC", status: "PASS" },
      ],
    );
    expect(alert).toMatchObject({ kind: "DNS_AUTHENTICATION_REGRESSED", severity: "CRITICAL", domainId: "d1" });
    expect(alert!.message).toContain("SPF PASS → FAIL");
  });

  it("stays silent on the first audit and when checks improve", () => {
    expect(authRegression(domain, null, [{ id: "SPF", status: "FAIL" }])).toBeNull();
    expect(authRegression(domain, [{ id: "SPF", status: "WARN" }], [{ id: "SPF", status: "PASS" }])).toBeNull();
  });
});

describe("warm-up ramp", () => {
  it("alerts only above the ramp's limit", () => {
    const inbox = { inboxId: "i1", domainId: "d1", address: "a@acme.example" };
    expect(rampExceeded(inbox, 20, 20, "WEEK_1")).toBeNull();
    expect(rampExceeded(inbox, 21, 20, "WEEK_1")).toMatchObject({ kind: "WARMUP_RAMP_EXCEEDED", inboxId: "i1" });
  });
});
