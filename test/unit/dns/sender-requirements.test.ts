import { describe, expect, it } from "vitest";
import { senderRequirements, type SenderRequirementsInput } from "../../../src/core/dns/sender-requirements";

const good: SenderRequirementsInput = {
  spf: { status: "PASS", sendingIpsAuthorized: true },
  dkim: "PASS",
  dmarc: { status: "PASS", policy: "quarantine" },
  alignment: { spf: false, dkim: true },
  ptrConfirmed: true,
  dailyVolume: 20_000,
  complaints: { events: 5, sent: 20_000 },
  bounces: { events: 100, sent: 20_000 },
  oneClickUnsubscribe: true,
};

const byProvider = (input: SenderRequirementsInput) =>
  Object.fromEntries(senderRequirements(input).map((p) => [p.provider, p]));

describe("sender requirements of Google, Yahoo and Microsoft", () => {
  it("are all met by a well-configured bulk sender", () => {
    expect(senderRequirements(good).map((p) => [p.provider, p.bulkSender, p.met])).toEqual([
      ["GOOGLE", true, true],
      ["YAHOO", true, true],
      ["MICROSOFT", true, true],
    ]);
  });

  it("need DMARC enforcement from Google and Yahoo at bulk volume", () => {
    const r = byProvider({ ...good, dmarc: { status: "FAIL", policy: "none" } });
    expect(r.GOOGLE.requirements.find((q) => q.id === "DMARC_ENFORCED")).toMatchObject({
      status: "NOT_MET",
      why: "p=none does not enforce anything",
    });
    expect(r.GOOGLE.met).toBe(false);
  });

  it("accept SPF or DKIM and any DMARC below bulk volume", () => {
    const r = byProvider({ ...good, dailyVolume: 300, dkim: "FAIL", dmarc: { status: "PASS", policy: "none" } });
    expect(r.GOOGLE.bulkSender).toBe(false);
    expect(r.GOOGLE.requirements.map((q) => q.id)).toEqual(["SPF_OR_DKIM", "PTR", "COMPLAINT_RATE", "BOUNCE_RATE"]);
    expect(r.GOOGLE.met).toBe(true);
  });

  it("need both SPF and DKIM at bulk volume", () => {
    expect(byProvider({ ...good, dkim: "FAIL" }).YAHOO.requirements.find((q) => q.id === "SPF_AND_DKIM")?.status).toBe(
      "NOT_MET",
    );
  });

  it("fail a complaint rate at 0.3 % and a bounce rate at 5 %", () => {
    const r = byProvider({
      ...good,
      complaints: { events: 60, sent: 20_000 },
      bounces: { events: 1000, sent: 20_000 },
    });
    expect(r.MICROSOFT.requirements.filter((q) => q.status === "NOT_MET").map((q) => q.id)).toEqual([
      "COMPLAINT_RATE",
      "BOUNCE_RATE",
    ]);
  });

  it("say UNKNOWN, and not met, when the data to judge is missing", () => {
    const r = byProvider({ ...good, ptrConfirmed: null, complaints: null, oneClickUnsubscribe: null });
    expect(r.GOOGLE.requirements.filter((q) => q.status === "UNKNOWN").map((q) => q.id)).toEqual([
      "PTR",
      "COMPLAINT_RATE",
      "ONE_CLICK_UNSUBSCRIBE",
    ]);
    expect(r.GOOGLE.met).toBe(false);
  });
});
