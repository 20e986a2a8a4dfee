// auditDomain over an in-memory zone: the report's shape and how its sections combine.

import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { auditDomain } from "../../../src/platform/dns/audit";
import { MemoryDns, type Zone } from "../../support/memory-dns";

const NOW = new Date("2024-02-01T00:00:00Z");
const KEY = generateKeyPairSync("rsa", { modulusLength: 2048 })
  .publicKey.export({ format: "der", type: "spki" })
  .toString("base64");
const txt = (data: string) => ({ type: "TXT" as const, data });
const zones = { ip: ["bl.test"], domain: ["dbl.test"] };

const base: Zone = {
  "acme.test": [
    txt("v=spf1 ip4:192.0.2.10 -all"),
    { type: "MX", priority: 10, exchange: "acme-test.mail.protection.outlook.com" },
  ],
  "_dmarc.acme.test": [txt("v=DMARC1; p=reject; rua=mailto:d@acme.test")],
  "selector1._domainkey.acme.test": [{ type: "CNAME", data: "selector1-acme-test._domainkey.acme.onmicrosoft.com" }],
  "selector1-acme-test._domainkey.acme.onmicrosoft.com": [txt(`v=DKIM1; k=rsa; p=${KEY}`)],
  "10.2.0.192.in-addr.arpa": [{ type: "PTR", data: "out.acme.test" }],
  "out.acme.test": [{ type: "A", data: "192.0.2.10" }],
};

describe("auditDomain", () => {
  it("finds a Microsoft 365 DKIM key behind a CNAME by probing selector1", async () => {
    const r = await auditDomain(
      "acme.test",
      { sendingIps: ["192.0.2.10"], dnsblZones: zones },
      new MemoryDns(base),
      NOW,
    );
    expect(r.status).toBe("PASS");
    expect(r.dkim.selectors.filter((s) => s.found).map((s) => [s.selector, s.configured, s.key?.bits])).toEqual([
      ["selector1", false, 2048],
    ]);
    expect(r.mx.provider).toBe("MICROSOFT");
    expect(r.checkedAt).toBe("2024-02-01T00:00:00.000Z");
  });

  it("fails a configured selector that has no record, even when a probed one works", async () => {
    const r = await auditDomain("acme.test", { selectors: ["s2024"], dnsblZones: zones }, new MemoryDns(base), NOW);
    expect(r.dkim.checks.find((c) => c.id === "dkim.s2024.record")?.status).toBe("FAIL");
    expect(r.dkim.status).toBe("FAIL");
  });

  it("falls back to the organizational domain's DMARC record for a subdomain", async () => {
    const zone: Zone = { ...base, "news.acme.test": [txt("v=spf1 -all")] };
    const r = await auditDomain(
      "news.acme.test",
      { dnsblZones: zones, probeCommonSelectors: false },
      new MemoryDns(zone),
      NOW,
    );
    expect(r.dmarc).toMatchObject({ foundAt: "_dmarc.acme.test", record: { p: "reject" } });
  });

  it("reports an IP on a blocklist and the providers' requirements it breaks", async () => {
    const zone: Zone = { ...base, "10.2.0.192.bl.test": [{ type: "A", data: "127.0.0.4" }] };
    const r = await auditDomain(
      "acme.test",
      { sendingIps: ["192.0.2.10"], dnsblZones: zones, dailyVolume: 10_000, returnPathDomain: "bounce.esp.test" },
      new MemoryDns(zone),
      NOW,
    );
    expect(r.blocklists.find((b) => b.zone === "bl.test")).toMatchObject({ listed: true, codes: ["127.0.0.4"] });
    expect(r.status).toBe("FAIL");
    const google = r.senderRequirements.find((p) => p.provider === "GOOGLE");
    expect(google?.bulkSender).toBe(true);
    expect(google?.requirements.find((q) => q.id === "DMARC_ALIGNMENT")).toMatchObject({ status: "NOT_MET" });
  });

  it("keeps the report whole when DNS fails, marking each failed lookup", async () => {
    const zone: Zone = { "acme.test": [{ type: "SERVFAIL" }], "_dmarc.acme.test": [{ type: "SERVFAIL" }] };
    const r = await auditDomain(
      "acme.test",
      { dnsblZones: zones, probeCommonSelectors: false },
      new MemoryDns(zone),
      NOW,
    );
    expect(r.spf.dnsError).toMatch(/SERVFAIL/);
    expect(r.dmarc.dnsError).toMatch(/SERVFAIL/);
    expect(r.mx.dnsError).toMatch(/SERVFAIL/);
  });
});
