import { describe, expect, it } from "vitest";
import { checkBlocklists } from "../../../src/core/dns/dnsbl";
import { checkReverseDns } from "../../../src/core/dns/reverse-dns";
import { MemoryDns, type Zone } from "../../support/memory-dns";

const zone: Zone = {
  "10.2.0.192.in-addr.arpa": [{ type: "PTR", data: "mail.example.com." }],
  "mail.example.com": [{ type: "A", data: "192.0.2.10" }],
  "11.2.0.192.in-addr.arpa": [{ type: "PTR", data: "static.isp.net" }],
  "static.isp.net": [{ type: "A", data: "203.0.113.1" }],
  "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa": [{ type: "PTR", data: "v6.example.com" }],
  "v6.example.com": [{ type: "AAAA", data: "2001:db8::1" }],
  "13.2.0.192.in-addr.arpa": [{ type: "SERVFAIL" }],
  "10.2.0.192.zen.test": [
    { type: "A", data: "127.0.0.2" },
    { type: "A", data: "127.0.0.11" },
    { type: "TXT", data: "https://check.test/query/ip/192.0.2.10" },
  ],
  "11.2.0.192.zen.test": [{ type: "A", data: "127.255.255.254" }],
  "12.2.0.192.zen.test": [{ type: "TIMEOUT" }],
  "spammy.example.dbl.test": [{ type: "A", data: "127.0.1.2" }],
};
const dns = new MemoryDns(zone);

describe("reverse DNS (forward-confirmed)", () => {
  it("passes an IP whose PTR name resolves back to it", async () => {
    expect(await checkReverseDns(dns, "192.0.2.10")).toMatchObject({
      forwardConfirmed: true,
      names: ["mail.example.com"],
      check: { status: "PASS" },
    });
  });

  it("works for IPv6", async () => {
    expect(await checkReverseDns(dns, "2001:db8::1")).toMatchObject({ forwardConfirmed: true });
  });

  it("fails a PTR name that points elsewhere", async () => {
    expect(await checkReverseDns(dns, "192.0.2.11")).toMatchObject({
      forwardConfirmed: false,
      check: { status: "FAIL", problem: expect.stringMatching(/doesn't resolve back/) },
    });
  });

  it("fails an IP with no PTR", async () => {
    expect((await checkReverseDns(dns, "192.0.2.12")).check.problem).toMatch(/no PTR record/);
  });

  it("says the lookup failed rather than that there is no PTR", async () => {
    expect(await checkReverseDns(dns, "192.0.2.13")).toMatchObject({
      dnsError: expect.stringMatching(/SERVFAIL/),
      check: { problem: expect.stringMatching(/failed/) },
    });
  });
});

describe("DNS blocklists", () => {
  const run = () =>
    checkBlocklists(
      dns,
      { ips: ["192.0.2.10", "192.0.2.11", "192.0.2.12", "192.0.2.99"], domains: ["spammy.example", "clean.example"] },
      { ip: ["zen.test"], domain: ["dbl.test"] },
    );

  it("reports a listed IP with its return codes and the list's reason", async () => {
    expect((await run())[0]).toMatchObject({
      kind: "IP",
      target: "192.0.2.10",
      query: "10.2.0.192.zen.test",
      listed: true,
      codes: ["127.0.0.2", "127.0.0.11"],
      reason: "https://check.test/query/ip/192.0.2.10",
    });
  });

  it("treats a refusal code (127.255.255.x) as not checked, not listed", async () => {
    expect((await run())[1]).toMatchObject({ listed: null, error: expect.stringMatching(/refused/) });
  });

  it("treats a failed lookup as not checked", async () => {
    expect((await run())[2]).toMatchObject({ listed: null, error: expect.stringMatching(/TIMEOUT/) });
  });

  it("reports NXDOMAIN as not listed", async () => {
    expect((await run())[3]).toMatchObject({ listed: false });
  });

  it("looks domains up in domain lists", async () => {
    const results = await run();
    expect(results.slice(4).map((r) => [r.target, r.listed])).toEqual([
      ["spammy.example", true],
      ["clean.example", false],
    ]);
  });
});
