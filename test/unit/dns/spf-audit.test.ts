import { describe, expect, it } from "vitest";
import { auditSpf } from "../../../src/core/dns/spf-audit";
import { MemoryDns, type Zone } from "../../support/memory-dns";

const NOW = new Date("2024-02-01T00:00:00Z");
const txt = (data: string) => ({ type: "TXT" as const, data });
const audit = (zone: Zone, ips: string[] = []) =>
  auditSpf(new MemoryDns(zone), "example.com", { sendingIps: ips, now: NOW });
const status = async (zone: Zone, id: string, ips: string[] = []) =>
  (await audit(zone, ips)).checks.find((c) => c.id === id)?.status;

describe("SPF audit", () => {
  it("passes a record with -all that authorises the sending IP", async () => {
    const a = await audit(
      {
        "example.com": [txt("v=spf1 ip4:192.0.2.0/24 include:_spf.esp.net -all")],
        "_spf.esp.net": [txt("v=spf1 ip4:198.51.100.0/24 ~all")],
      },
      ["192.0.2.7"],
    );
    expect(a).toMatchObject({
      status: "PASS",
      lookupCount: 1,
      voidLookupCount: 0,
      includes: ["_spf.esp.net"],
      authorizedIps: [{ ip: "192.0.2.7", result: "pass" }],
    });
  });

  it("fails a domain with no SPF record", async () => {
    expect(await status({ "example.com": [txt("hello")] }, "spf.record")).toBe("FAIL");
  });

  it("fails two SPF records", async () => {
    expect(await status({ "example.com": [txt("v=spf1 -all"), txt("v=spf1 ~all")] }, "spf.record")).toBe("FAIL");
  });

  it("fails a syntax error", async () => {
    expect(await status({ "example.com": [txt("v=spf1 ip4:192.0.2.300 -all")] }, "spf.syntax")).toBe("FAIL");
  });

  it("counts lookups over the whole include tree, including terms after a match", async () => {
    const zone: Zone = {
      "example.com": [txt("v=spf1 include:a.esp.net include:b.esp.net mx a -all")],
      "example.com.": [],
    };
    zone["a.esp.net"] = [txt("v=spf1 include:c.esp.net a mx ~all")];
    zone["b.esp.net"] = [txt("v=spf1 a a a ~all")];
    zone["c.esp.net"] = [txt("v=spf1 exists:%{i}.c.esp.net ptr ~all")];
    const a = await audit(zone);
    expect(a.lookupCount).toBe(12);
    expect(a.checks.find((c) => c.id === "spf.lookups")).toMatchObject({
      status: "FAIL",
      problem: expect.stringMatching(/12 DNS lookups/),
    });
    expect(a.checks.find((c) => c.id === "spf.ptr")?.status).toBe("WARN");
  });

  it("warns at 9 or 10 lookups, before it breaks", async () => {
    const zone: Zone = { "example.com": [txt("v=spf1 a a a a a a a a a -all")] };
    expect(await status(zone, "spf.lookups")).toBe("WARN");
  });

  it("fails more than two void lookups and names them", async () => {
    const zone: Zone = {
      "example.com": [txt("v=spf1 a:old1.example.com a:old2.example.com mx:old3.example.com -all")],
    };
    const a = await audit(zone);
    expect(a.voidLookupCount).toBe(3);
    expect(a.checks.find((c) => c.id === "spf.void-lookups")?.status).toBe("FAIL");
  });

  it("fails an include of a domain without SPF", async () => {
    expect(await status({ "example.com": [txt("v=spf1 include:gone.esp.net -all")] }, "spf.include")).toBe("FAIL");
  });

  it("detects an include loop", async () => {
    expect(
      await status(
        {
          "example.com": [txt("v=spf1 include:loop.esp.net -all")],
          "loop.esp.net": [txt("v=spf1 include:example.com ~all")],
        },
        "spf.loop",
      ),
    ).toBe("FAIL");
  });

  it.each([
    ["v=spf1 +all", "FAIL"],
    ["v=spf1 ?all", "WARN"],
    ["v=spf1 ~all", "PASS"],
    ["v=spf1 -all", "PASS"],
    ["v=spf1 ip4:192.0.2.1", "WARN"],
  ])("judges %s's all as %s", async (record, expected) => {
    expect(await status({ "example.com": [txt(record)] }, "spf.all")).toBe(expected);
  });

  it("advises moving from ~all to -all", async () => {
    const a = await audit({ "example.com": [txt("v=spf1 ~all")] });
    expect(a.checks.find((c) => c.id === "spf.all")?.fix).toMatch(/-all/);
  });

  it("fails a sending IP the record doesn't authorise, with the SPF result", async () => {
    const a = await audit({ "example.com": [txt("v=spf1 ip4:192.0.2.1 -all")] }, ["203.0.113.9"]);
    expect(a.checks.find((c) => c.id === "spf.ip.203.0.113.9")).toMatchObject({
      status: "FAIL",
      problem: expect.stringMatching(/SPF gives fail/),
      fix: expect.stringMatching(/ip4:203.0.113.9/),
    });
  });

  it("reports a failed lookup as such, not as a missing record", async () => {
    const a = await audit({ "example.com": [{ type: "TIMEOUT" }] });
    expect(a.dnsError).toMatch(/TIMEOUT/);
    expect(a.checks[0].problem).toMatch(/failed .* not the same as having none/);
  });
});
