// check_host() scenarios beyond the openspf suite: the ones the audit and the CLI rely on.

import { describe, expect, it } from "vitest";
import { checkHost } from "../../../src/core/dns/spf-check-host";
import { MemoryDns, type Zone } from "../../support/memory-dns";

const NOW = new Date("2024-02-01T00:00:00Z");
const txt = (data: string) => ({ type: "TXT" as const, data });

async function check(zone: Zone, ip: string, sender: string) {
  const dns = new MemoryDns(zone);
  const domain = sender.slice(sender.indexOf("@") + 1);
  return { outcome: await checkHost(dns, { ip, domain, sender, helo: "mail.example.org", now: NOW }), dns };
}

describe("check_host scenarios", () => {
  it("gives permerror when 11 lookups are spread over nested includes, and stops asking DNS", async () => {
    const zone: Zone = { "example.com": [txt("v=spf1 include:l1.example.com -all")] };
    for (let i = 1; i <= 10; i++)
      zone[`l${i}.example.com`] = [txt(i < 10 ? `v=spf1 include:l${i + 1}.example.com` : "v=spf1 a -all")];
    const { outcome } = await check(zone, "192.0.2.1", "x@example.com");
    expect(outcome.result).toBe("permerror");
    expect(outcome.lookups).toBe(11);
    expect(outcome.problem).toMatch(/more than 10 DNS-querying terms/);
  });

  it("passes at exactly 10 lookups over nested includes", async () => {
    const zone: Zone = { "example.com": [txt("v=spf1 include:l1.example.com -all")] };
    for (let i = 1; i <= 9; i++)
      zone[`l${i}.example.com`] = [txt(i < 9 ? `v=spf1 include:l${i + 1}.example.com` : "v=spf1 ip4:192.0.2.1 -all")];
    expect((await check(zone, "192.0.2.1", "x@example.com")).outcome).toMatchObject({ result: "pass", lookups: 9 });
  });

  it("follows CNAMEs for the SPF record itself and for a: targets", async () => {
    const zone: Zone = {
      "example.com": [{ type: "CNAME", data: "spf.hoster.net" }],
      "spf.hoster.net": [txt("v=spf1 a:out.example.com -all")],
      "out.example.com": [{ type: "CNAME", data: "lb.hoster.net" }],
      "lb.hoster.net": [{ type: "CNAME", data: "node1.hoster.net" }],
      "node1.hoster.net": [{ type: "A", data: "203.0.113.5" }],
    };
    expect((await check(zone, "203.0.113.5", "x@example.com")).outcome).toMatchObject({
      result: "pass",
      matched: { mechanism: "a:out.example.com" },
    });
  });

  it("gives temperror, not none, when the TXT lookup fails", async () => {
    expect((await check({ "example.com": [{ type: "SERVFAIL" }] }, "192.0.2.1", "x@example.com")).outcome.result).toBe(
      "temperror",
    );
  });

  it("matches IPv6 clients with ip6 ranges and AAAA records", async () => {
    const zone: Zone = {
      "example.com": [txt("v=spf1 ip6:2001:db8:1::/48 a:v6.example.com//64 -all")],
      "v6.example.com": [{ type: "AAAA", data: "2001:db8:2::1" }],
    };
    expect((await check(zone, "2001:db8:1:ffff::1", "x@example.com")).outcome.result).toBe("pass");
    expect((await check(zone, "2001:db8:2::abcd", "x@example.com")).outcome.result).toBe("pass");
    expect((await check(zone, "2001:db8:3::1", "x@example.com")).outcome.result).toBe("fail");
  });

  it("counts void lookups across includes", async () => {
    const zone: Zone = {
      "example.com": [txt("v=spf1 a:gone1.example.com include:inc.example.com -all")],
      "inc.example.com": [txt("v=spf1 a:gone2.example.com mx:gone3.example.com ~all")],
    };
    const { outcome } = await check(zone, "192.0.2.1", "x@example.com");
    expect(outcome).toMatchObject({ result: "permerror", voidLookups: 3 });
  });

  it("expands exp= with macros and looks it up only after the result, once", async () => {
    const zone: Zone = {
      "example.com": [txt("v=spf1 mx -all exp=explain._spf.%{d}")],
      "explain._spf.example.com": [{ type: "TXT", data: ["See http://%{d}", "/why.html?s=%{S}&i=%{I}"] }],
    };
    const { outcome, dns } = await check(zone, "192.0.2.3", "strong-bad@example.com");
    expect(outcome).toMatchObject({
      result: "fail",
      explanation: "See http://example.com/why.html?s=strong-bad%40example.com&i=192.0.2.3",
    });
    expect(dns.queries.filter((q) => q.name === "explain._spf.example.com")).toHaveLength(1);
  });

  it("evaluates the RFC 7208 Appendix A style policy with mx, a and ptr", async () => {
    const zone: Zone = {
      "example.com": [
        txt("v=spf1 mx a:mail-c.example.org ip4:192.0.2.64/27 ptr -all"),
        { type: "MX", priority: 10, exchange: "mail-a.example.com" },
        { type: "MX", priority: 20, exchange: "mail-b.example.com" },
      ],
      "mail-a.example.com": [{ type: "A", data: "192.0.2.129" }],
      "mail-b.example.com": [{ type: "A", data: "192.0.2.130" }],
      "mail-c.example.org": [{ type: "A", data: "192.0.2.140" }],
      "amy.example.com": [{ type: "A", data: "192.0.2.65" }],
      "10.2.0.192.in-addr.arpa": [{ type: "PTR", data: "www.example.com" }],
      "www.example.com": [{ type: "A", data: "192.0.2.10" }],
    };
    const result = async (ip: string) => (await check(zone, ip, "x@example.com")).outcome.result;
    expect(await result("192.0.2.129")).toBe("pass"); // mx
    expect(await result("192.0.2.140")).toBe("pass"); // a:mail-c.example.org
    expect(await result("192.0.2.65")).toBe("pass"); // ip4 /27
    expect(await result("192.0.2.10")).toBe("pass"); // ptr
    expect(await result("192.0.2.200")).toBe("fail");
  });
});
