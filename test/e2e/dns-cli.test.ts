// `rebound spf-check` and `rebound dns-audit` run as child processes (node bin/rebound.js)
// against a real DNS server on loopback, configured only through REBOUND_DNS_SERVERS and
// the blocklist zone variables: what an operator would do.

import { execFile } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Zone, ZoneRecord } from "../support/memory-dns";
import { startDnsServer, type TestDnsServer } from "../support/dns-server";

const ROOT = path.resolve(__dirname, "../..");

const txt = (...data: string[]): ZoneRecord => ({ type: "TXT", data: data.length === 1 ? data[0] : data });
const a = (data: string): ZoneRecord => ({ type: "A", data });

function dkimKey(bits: number): string {
  const { publicKey } = generateKeyPairSync("rsa", { modulusLength: bits });
  return publicKey.export({ format: "der", type: "spki" }).toString("base64");
}

const KEY_2048 = dkimKey(2048);
const KEY_512 = dkimKey(512);
const KEY_1024 = dkimKey(1024);
// A record longer than 255 bytes arrives as several strings, as real 2048-bit keys do.
const chunks = (s: string) => s.match(/.{1,255}/g) ?? [];

/** nested.test -> n1 -> ... -> n5, each level spending an "a" lookup besides the include, the last an "mx" too: 11 lookups. */
function nestedIncludes(): Zone {
  const zone: Zone = { "nested.test": [txt("v=spf1 include:n1.nested.test -all")] };
  for (let i = 1; i <= 5; i++) {
    zone[`n${i}.nested.test`] = [
      txt(i < 5 ? `v=spf1 a include:n${i + 1}.nested.test ~all` : "v=spf1 a mx ip4:192.0.2.200 ~all"),
      a("192.0.2.250"),
    ];
  }
  return zone;
}

const zone: Zone = {
  // A correctly set-up domain.
  "good.test": [
    txt("v=spf1 ip4:192.0.2.10 include:_spf.provider.test -all exp=explain.good.test"),
    { type: "MX", priority: 1, exchange: "aspmx.l.google.com" },
    { type: "MX", priority: 5, exchange: "alt1.aspmx.l.google.com" },
  ],
  "explain.good.test": [txt("%{i} may not send for %{d}; see https://good.test/spf?s=%{S}")],
  "_spf.provider.test": [txt("v=spf1 ip4:198.51.100.0/24 ip6:2001:db8:100::/48 ~all")],
  "_dmarc.good.test": [txt("v=DMARC1; p=quarantine; rua=mailto:dmarc@good.test")],
  "google._domainkey.good.test": [txt(...chunks(`v=DKIM1; k=rsa; p=${KEY_2048}`))],
  "10.2.0.192.in-addr.arpa": [{ type: "PTR", data: "mail.good.test" }],
  "mail.good.test": [a("192.0.2.10")],
  // A domain with everything wrong.
  "bad.test": [txt("v=spf1 ip4:192.0.2.66 ?all")],
  "small._domainkey.bad.test": [txt(`v=DKIM1; k=rsa; p=${KEY_512}`)],
  "pasted._domainkey.bad.test": [
    txt(`v=DKIM1; k=rsa; p=${KEY_1024.slice(0, 100)} ${KEY_1024.slice(100, 180)}\n${KEY_1024.slice(180)}`),
  ],
  "66.2.0.192.in-addr.arpa": [{ type: "PTR", data: "host66.isp.test" }],
  "host66.isp.test": [a("203.0.113.5")],
  "66.2.0.192.bl.test": [a("127.0.0.2"), txt("Listed for testing")],
  // SPF error cases.
  ...nestedIncludes(),
  "two.test": [txt("v=spf1 ip4:192.0.2.1 -all"), txt("v=spf1 -all")],
  "nospf.test": [txt("google-site-verification=abc")],
  "broken.test": [{ type: "SERVFAIL" }],
  "relay.test": [txt("v=spf1 a:mx.relay.test -all")],
  "mx.relay.test": [{ type: "CNAME", data: "host.cdn.test" }],
  "host.cdn.test": [{ type: "CNAME", data: "edge.cdn.test" }],
  "edge.cdn.test": [a("203.0.113.77")],
  "helo.good.test": [txt("v=spf1 a -all"), a("192.0.2.20")],
  "dmarc-none.test": [txt("v=spf1 -all")],
  "_dmarc.dmarc-none.test": [txt("v=DMARC1; p=none")],
  "dmarc-bad.test": [txt("v=spf1 -all")],
  "_dmarc.dmarc-bad.test": [txt("v=DMARC1; p=block; rua=dmarc@dmarc-bad.test")],
};

let server: TestDnsServer;

beforeAll(async () => {
  server = await startDnsServer(zone);
});
afterAll(async () => {
  await server.close();
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function rebound(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(ROOT, "bin/rebound.js"), ...args],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          REBOUND_DNS_SERVERS: server.address,
          REBOUND_DNS_TIMEOUT_MS: "500",
          REBOUND_DNS_TRIES: "1",
          REBOUND_DNSBL_IP_ZONES: "bl.test",
          REBOUND_DNSBL_DOMAIN_ZONES: "dbl.test",
        },
        timeout: 30_000,
      },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

async function spfCheck(ip: string, sender: string, helo = "mail.example.test"): Promise<Record<string, unknown>> {
  const run = await rebound(["spf-check", "--ip", ip, "--sender", sender, "--helo", helo, "--json"]);
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as Record<string, unknown>;
}

describe("rebound spf-check", () => {
  it("passes an IP listed in the domain's own record and names the mechanism", async () => {
    expect(await spfCheck("192.0.2.10", "alice@good.test")).toMatchObject({
      result: "pass",
      mechanism: "ip4:192.0.2.10",
      lookups: 0,
    });
  });

  it("passes an IP authorised through an include, counting the lookup", async () => {
    expect(await spfCheck("198.51.100.7", "alice@good.test")).toMatchObject({
      result: "pass",
      mechanism: "include:_spf.provider.test",
      lookups: 1,
    });
  });

  it("passes an IPv6 client through ip6 in an include", async () => {
    expect(await spfCheck("2001:db8:100::25", "alice@good.test")).toMatchObject({ result: "pass" });
  });

  it("fails an unlisted IP with the domain's exp= explanation, macros expanded", async () => {
    expect(await spfCheck("203.0.113.9", "alice@good.test")).toMatchObject({
      result: "fail",
      mechanism: "-all",
      explanation: "203.0.113.9 may not send for good.test; see https://good.test/spf?s=alice%40good.test",
    });
  });

  it("gives permerror when nested includes need 11 DNS lookups", async () => {
    const out = await spfCheck("203.0.113.9", "bob@nested.test");
    expect(out.result).toBe("permerror");
    expect(String(out.problem)).toMatch(/more than 10/);
  });

  it("gives permerror for a domain with two SPF records", async () => {
    expect(await spfCheck("192.0.2.1", "bob@two.test")).toMatchObject({ result: "permerror" });
  });

  it("gives none for a domain without an SPF record", async () => {
    expect(await spfCheck("192.0.2.1", "bob@nospf.test")).toMatchObject({ result: "none" });
  });

  it("gives temperror, not none, when the domain's DNS fails", async () => {
    expect(await spfCheck("192.0.2.1", "bob@broken.test")).toMatchObject({ result: "temperror" });
  });

  it("follows a CNAME chain behind an a: mechanism", async () => {
    expect(await spfCheck("203.0.113.77", "bob@relay.test")).toMatchObject({
      result: "pass",
      mechanism: "a:mx.relay.test",
    });
  });

  it("checks the HELO identity when the sender is empty (a bounce)", async () => {
    expect(await spfCheck("192.0.2.20", "", "helo.good.test")).toMatchObject({
      result: "pass",
      identity: "helo",
      domain: "helo.good.test",
    });
  });

  it("rejects a missing --ip with usage and exit status 2", async () => {
    const run = await rebound(["spf-check", "--sender", "a@good.test", "--json"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--ip is required/);
  });
});

describe("rebound dns-audit", () => {
  it("reports a correctly set-up domain as passing, section by section", async () => {
    const run = await rebound([
      "dns-audit",
      "good.test",
      "--selector",
      "google",
      "--ip",
      "192.0.2.10",
      "--return-path",
      "bounces.good.test",
      "--dkim-domain",
      "good.test",
      "--json",
    ]);
    const report = JSON.parse(run.stdout);
    const failing = report.checks.filter((c: { status: string }) => c.status === "FAIL");
    expect(failing, JSON.stringify(failing, null, 2)).toEqual([]);
    expect(run.code).toBe(0);
    expect(report.spf).toMatchObject({
      status: "PASS",
      lookupCount: 1,
      authorizedIps: [{ ip: "192.0.2.10", result: "pass" }],
    });
    expect(report.dkim.selectors.find((s: { selector: string }) => s.selector === "google")).toMatchObject({
      found: true,
      status: "PASS",
      key: { keyType: "rsa", bits: 2048 },
    });
    expect(report.dmarc).toMatchObject({ status: "PASS", record: { p: "quarantine" }, foundAt: "_dmarc.good.test" });
    expect(report.ptr).toMatchObject([{ ip: "192.0.2.10", forwardConfirmed: true, names: ["mail.good.test"] }]);
    expect(report.mx).toMatchObject({ status: "PASS", provider: "GMAIL" });
    expect(report.blocklists).toMatchObject([
      { kind: "IP", target: "192.0.2.10", zone: "bl.test", listed: false },
      { kind: "DOMAIN", target: "good.test", zone: "dbl.test", listed: false },
    ]);
    expect(report.alignment.map((c: { id: string; status: string }) => [c.id, c.status])).toEqual([
      ["alignment.spf", "PASS"],
      ["alignment.dkim", "PASS"],
    ]);
    expect(report.senderRequirements.map((p: { provider: string }) => p.provider)).toEqual([
      "GOOGLE",
      "YAHOO",
      "MICROSOFT",
    ]);
  });

  it("reports a weak key, a pasted key, a missing DMARC record and a listed IP, and exits 1", async () => {
    const run = await rebound([
      "dns-audit",
      "bad.test",
      "--selector",
      "small",
      "--selector",
      "pasted",
      "--ip",
      "192.0.2.66",
      "--json",
    ]);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout);
    const status = (id: string) => report.checks.find((c: { id: string }) => c.id === id)?.status;
    expect(status("dkim.small.key-size")).toBe("FAIL");
    expect(status("dkim.pasted.key-whitespace")).toBe("WARN");
    expect(status("dkim.pasted.key-size")).toBe("WARN"); // 1024 bits: allowed, but below 2048
    expect(status("dmarc.record")).toBe("FAIL");
    expect(status("spf.all")).toBe("WARN");
    expect(status("ptr.192.0.2.66")).toBe("FAIL");
    expect(report.blocklists.find((b: { zone: string }) => b.zone === "bl.test")).toMatchObject({
      listed: true,
      codes: ["127.0.0.2"],
      reason: "Listed for testing",
    });
  });

  it("judges DMARC p=none against bulk volume", async () => {
    const small = JSON.parse((await rebound(["dns-audit", "dmarc-none.test", "--volume", "200", "--json"])).stdout);
    const bulk = JSON.parse((await rebound(["dns-audit", "dmarc-none.test", "--volume", "20000", "--json"])).stdout);
    const policy = (r: { dmarc: { checks: Array<{ id: string; status: string }> } }) =>
      r.dmarc.checks.find((c) => c.id === "dmarc.policy")?.status;
    expect(policy(small)).toBe("PASS");
    expect(policy(bulk)).toBe("FAIL");
  });

  it("reports a malformed DMARC record as a syntax failure", async () => {
    const report = JSON.parse((await rebound(["dns-audit", "dmarc-bad.test", "--json"])).stdout);
    expect(report.dmarc.checks).toMatchObject([{ id: "dmarc.syntax", status: "FAIL" }]);
  });

  it("reports SPF with 11 lookups through nested includes as failing", async () => {
    const report = JSON.parse((await rebound(["dns-audit", "nested.test", "--json"])).stdout);
    expect(report.spf.lookupCount).toBe(11);
    expect(report.spf.checks.find((c: { id: string }) => c.id === "spf.lookups")).toMatchObject({ status: "FAIL" });
  });

  it("reports a failed SPF lookup as a lookup failure, not a missing record", async () => {
    const report = JSON.parse((await rebound(["dns-audit", "broken.test", "--json"])).stdout);
    expect(report.spf.dnsError).toMatch(/SERVFAIL/);
    expect(report.spf.checks[0].problem).toMatch(/lookup .* failed/);
  });

  it("prints a readable summary without --json", async () => {
    const run = await rebound(["dns-audit", "good.test", "--selector", "google"]);
    expect(run.stdout).toMatch(/^DNS audit of good\.test/);
    expect(run.stdout).toMatch(/PASS spf\.record/);
  });
});
