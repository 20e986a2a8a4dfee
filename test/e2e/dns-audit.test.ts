// The DNS authentication audit through GraphQL: the server resolves against a real DNS
// server on loopback (REBOUND_DNS_SERVERS) serving test zones, the blocklist zones are
// configured to a zone that server answers, and every result is read back through
// refreshDomainAuth and Domain { authentication blocklists senderRequirements }.

import { generateKeyPairSync } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Zone, ZoneRecord } from "../support/memory-dns";
import { startDnsServer, type TestDnsServer, testDnsEnv } from "../support/dns-server";
import { ok, type Gql } from "../support/graphql-client";
import { startTestApp, type TestApp } from "../support/test-app";
import { SUMMARY_OF_REPORT } from "../../migrations/1764300008000-store-domain-audit-summaries";

const txt = (...data: string[]): ZoneRecord => ({ type: "TXT", data: data.length === 1 ? data[0] : data });
const a = (data: string): ZoneRecord => ({ type: "A", data });
const dkimKey = (bits: number) =>
  generateKeyPairSync("rsa", { modulusLength: bits })
    .publicKey.export({ format: "der", type: "spki" })
    .toString("base64");
const KEY_2048 = dkimKey(2048);
const KEY_1024 = dkimKey(1024);
const KEY_512 = dkimKey(512);
const chunks = (s: string) => s.match(/.{1,255}/g) ?? [];

/** nested.test -> n1 -> ... -> n5, each level an "a" besides the include, the last an "mx" too: 11 lookups. */
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

const dmarcOk = (d: string): Zone => ({ [`_dmarc.${d}`]: [txt(`v=DMARC1; p=reject; rua=mailto:dmarc@${d}`)] });
const dkimOk = (d: string): Zone => ({ [`google._domainkey.${d}`]: [txt(...chunks(`v=DKIM1; k=rsa; p=${KEY_2048}`))] });

const ZONE: Zone = {
  // Everything right: SPF authorising the sending IP, a 2048-bit DKIM key, DMARC reject,
  // forward-confirmed reverse DNS, Google Workspace MX.
  "good.test": [
    txt("v=spf1 ip4:192.0.2.10 include:_spf.provider.test -all"),
    { type: "MX", priority: 1, exchange: "aspmx.l.google.com" },
    { type: "MX", priority: 5, exchange: "alt1.aspmx.l.google.com" },
  ],
  "_spf.provider.test": [txt("v=spf1 ip4:198.51.100.0/24 ~all")],
  ...dmarcOk("good.test"),
  ...dkimOk("good.test"),
  "10.2.0.192.in-addr.arpa": [{ type: "PTR", data: "mail.good.test" }],
  "mail.good.test": [a("192.0.2.10")],

  ...nestedIncludes(),
  ...dmarcOk("nested.test"),
  ...dkimOk("nested.test"),

  "two.test": [txt("v=spf1 ip4:192.0.2.1 -all"), txt("v=spf1 -all")],
  ...dmarcOk("two.test"),
  ...dkimOk("two.test"),

  "nodmarc.test": [txt("v=spf1 -all")],
  ...dkimOk("nodmarc.test"),
  "dmarc-none.test": [txt("v=spf1 -all")],
  "_dmarc.dmarc-none.test": [txt("v=DMARC1; p=none; rua=mailto:d@dmarc-none.test")],
  ...dkimOk("dmarc-none.test"),
  "dmarc-bad.test": [txt("v=spf1 -all")],
  "_dmarc.dmarc-bad.test": [txt("v=DMARC1; p=block; rua=dmarc@dmarc-bad.test")],
  ...dkimOk("dmarc-bad.test"),

  "weakkey.test": [txt("v=spf1 -all")],
  ...dmarcOk("weakkey.test"),
  "small._domainkey.weakkey.test": [txt(`v=DKIM1; k=rsa; p=${KEY_512}`)],
  "pasted._domainkey.weakkey.test": [
    txt(`v=DKIM1; k=rsa; p=${KEY_1024.slice(0, 100)} ${KEY_1024.slice(100, 180)}\n${KEY_1024.slice(180)}`),
  ],

  // A sending IP on the test blocklist (and its reverse DNS is not forward-confirmed).
  "listed.test": [txt("v=spf1 ip4:192.0.2.66 -all")],
  ...dmarcOk("listed.test"),
  ...dkimOk("listed.test"),
  "66.2.0.192.bl.test": [a("127.0.0.2"), txt("Listed for testing")],
  "66.2.0.192.in-addr.arpa": [{ type: "PTR", data: "host66.isp.test" }],
  "host66.isp.test": [a("203.0.113.5")],
  // A domain listed on the test domain blocklist.
  "listed.test.dbl.test": [a("127.0.1.2")],

  // A custom recipient domain hosted by Google Workspace.
  "customer.test": [{ type: "MX", priority: 10, exchange: "ASPMX.L.GOOGLE.COM" }],
  "o365.test": [{ type: "MX", priority: 0, exchange: "o365-test.mail.protection.outlook.com" }],
};

const AUTH = `
  lastAuditedAt
  authentication {
    domain checkedAt status
    spf { status record lookupCount voidLookupCount includes authorizedIps { ip result problem } checks { id status record problem fix } }
    dkim { status selectors { selector configured found status key { keyType bits } checks { id status problem fix } } checks { id status problem } }
    dmarc { status text foundAt record { p pct aspf adkim } checks { id status record problem fix } }
    alignment { id status record problem fix }
    ptr { ip names forwardConfirmed check { status problem } }
    mx { status provider hosts { priority exchange } }
    checks { id status record problem fix }
  }
  blocklists { kind target zone listed codes reason error }
  senderRequirements { provider bulkSender met requirements { id status why } }
`;

let dns: TestDnsServer;
let app: TestApp;
let gql: Gql;

beforeAll(async () => {
  dns = await startDnsServer(ZONE);
  app = await startTestApp("dnsaudit", testDnsEnv(dns, { ipZones: "bl.test", domainZones: "dbl.test" }));
  ({ gql } = await app.newTenant("dns"));
});
afterAll(async () => {
  await app?.close();
  await dns?.close();
});

async function domain(
  name: string,
  settings: { sendingIps?: string[]; dkimSelectors?: string[] } = {},
): Promise<string> {
  const id = ok(
    await gql(
      `mutation($n: String!) { createDomain(input: { name: $n }) { domain { id } userErrors { code message } } }`,
      { n: name },
    ),
    "createDomain",
  ).domain.id;
  if (settings.sendingIps || settings.dkimSelectors) {
    ok(
      await gql(
        `mutation($i: UpdateDomainAuthSettingsInput!) { updateDomainAuthSettings(input: $i) { domain { authSettings { sendingIps dkimSelectors } } userErrors { code message } } }`,
        { i: { domainId: id, ...settings } },
      ),
      "updateDomainAuthSettings",
    );
  }
  return id;
}

async function refresh(id: string) {
  const r = ok(
    await gql(
      `mutation($id: ID!) { refreshDomainAuth(input: { domainId: $id }) { authentication { status } userErrors { code message } } }`,
      { id },
    ),
    "refreshDomainAuth",
  );
  expect(r.authentication.status).toMatch(/PASS|WARN|FAIL/);
  return ok(await gql(`query($id: ID!) { domain(id: $id) { name ${AUTH} } }`, { id })).domain;
}

const check = (d: any, id: string) => d.authentication.checks.find((c: any) => c.id === id);
const requirement = (d: any, provider: string, id: string) =>
  d.senderRequirements.find((p: any) => p.provider === provider).requirements.find((r: any) => r.id === id);

describe("Domain.authentication before any audit", () => {
  it("is null, with no DNS done on a read", async () => {
    const id = await domain("never.test");
    const before = dns.queries.length;
    const d = ok(await gql(`query($id: ID!) { domain(id: $id) { ${AUTH} } }`, { id })).domain;
    expect(d).toMatchObject({ lastAuditedAt: null, authentication: null, blocklists: null, senderRequirements: null });
    expect(dns.queries.length).toBe(before);
  });
});

describe("a correctly set-up domain", () => {
  it("passes SPF, DKIM, DMARC, PTR and the blocklists, and its MX says Google", async () => {
    const id = await domain("good.test", { sendingIps: ["192.0.2.10"] });
    const d = await refresh(id);
    const auth = d.authentication;
    expect(auth.status).toBe("PASS");
    expect(auth.spf).toMatchObject({
      status: "PASS",
      record: "v=spf1 ip4:192.0.2.10 include:_spf.provider.test -all",
      includes: ["_spf.provider.test"],
      authorizedIps: [{ ip: "192.0.2.10", result: "PASS", problem: null }],
    });
    expect(auth.dkim.status).toBe("PASS");
    expect(auth.dkim.selectors.filter((s: any) => s.found)).toEqual([
      expect.objectContaining({ selector: "google", configured: false, key: { keyType: "rsa", bits: 2048 } }),
    ]);
    expect(auth.dmarc).toMatchObject({ status: "PASS", foundAt: "_dmarc.good.test", record: { p: "reject" } });
    expect(auth.ptr).toEqual([
      { ip: "192.0.2.10", names: ["mail.good.test"], forwardConfirmed: true, check: { status: "PASS", problem: null } },
    ]);
    expect(auth.mx).toMatchObject({
      status: "PASS",
      provider: "GMAIL",
      hosts: [
        { priority: 1, exchange: "aspmx.l.google.com" },
        { priority: 5, exchange: "alt1.aspmx.l.google.com" },
      ],
    });
    expect(d.blocklists).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: "IP", target: "192.0.2.10", zone: "bl.test", listed: false }),
        expect.objectContaining({ kind: "DOMAIN", target: "good.test", zone: "dbl.test", listed: false }),
      ]),
    );
    expect(new Date(d.lastAuditedAt).getTime()).toBeGreaterThan(Date.now() - 60_000);
    for (const provider of ["GOOGLE", "YAHOO", "MICROSOFT"]) {
      expect(requirement(d, provider, "SPF_OR_DKIM").status).toBe("MET");
      expect(requirement(d, provider, "PTR").status).toBe("MET");
    }
  });

  it("judges alignment per inbox: a Return-Path under the same organizational domain aligns, a foreign DKIM d= does not", async () => {
    const id = ok(await gql(`query { domains(first: 100) { edges { node { id name } } } }`)).domains.edges.find(
      (e: any) => e.node.name === "good.test",
    ).node.id;
    const inbox = ok(
      await gql(
        `mutation($d: ID!) { createInbox(input: { domainId: $d, address: "ann@good.test" }) { inbox { id } userErrors { code } } }`,
        { d: id },
      ),
      "createInbox",
    ).inbox.id;
    const upd = ok(
      await gql(
        `mutation($i: ID!) { updateInboxAlignment(input: { inboxId: $i, returnPathDomain: "bounces.good.test", dkimDomain: "esp-mail.test" }) { inbox { alignment { returnPathDomain dkimDomain } } userErrors { code message } } }`,
        { i: inbox },
      ),
      "updateInboxAlignment",
    );
    expect(upd.inbox.alignment).toEqual({ returnPathDomain: "bounces.good.test", dkimDomain: "esp-mail.test" });
    const d = await refresh(id);
    expect(d.authentication.alignment.map((c: any) => [c.id, c.status])).toEqual([
      ["alignment.spf.ann@good.test", "PASS"],
      ["alignment.dkim.ann@good.test", "FAIL"],
    ]);
    expect(d.authentication.alignment[1].fix).toContain("good.test");
  });
});

describe("SPF", () => {
  it("counts 11 DNS lookups through nested includes and fails the limit of 10", async () => {
    const d = await refresh(await domain("nested.test"));
    expect(d.authentication.spf.lookupCount).toBe(11);
    expect(d.authentication.spf.includes).toEqual([
      "n1.nested.test",
      "n2.nested.test",
      "n3.nested.test",
      "n4.nested.test",
      "n5.nested.test",
    ]);
    const c = check(d, "spf.lookups");
    expect(c.status).toBe("FAIL");
    expect(c.problem).toMatch(/11/);
    expect(c.fix).toBeTruthy();
    expect(d.authentication.status).toBe("FAIL");
  });

  it("fails a domain that publishes two SPF records", async () => {
    const d = await refresh(await domain("two.test"));
    expect(d.authentication.spf).toMatchObject({ status: "FAIL", record: null });
    const c = check(d, "spf.record");
    expect(c.status).toBe("FAIL");
    expect(c.problem).toMatch(/2 SPF records|two|more than one/i);
  });
});

describe("DMARC", () => {
  it("fails when there is no record at all", async () => {
    const d = await refresh(await domain("nodmarc.test"));
    expect(d.authentication.dmarc).toMatchObject({ status: "FAIL", record: null, foundAt: null });
    expect(check(d, "dmarc.record")).toMatchObject({ status: "FAIL", record: null });
    expect(requirement(d, "GOOGLE", "SPF_OR_DKIM").status).toBe("MET");
  });

  it("accepts p=none below bulk volume, advising the safe path towards quarantine", async () => {
    const d = await refresh(await domain("dmarc-none.test"));
    expect(d.authentication.dmarc.record.p).toBe("none");
    const policy = check(d, "dmarc.policy");
    expect(policy.status).toBe("PASS");
    expect(policy.fix).toMatch(/quarantine/);
  });

  it("fails a malformed record (p=block) and says what is wrong", async () => {
    const d = await refresh(await domain("dmarc-bad.test"));
    expect(d.authentication.dmarc.status).toBe("FAIL");
    expect(d.authentication.dmarc.text).toBe("v=DMARC1; p=block; rua=dmarc@dmarc-bad.test");
    const failing = d.authentication.dmarc.checks.filter((c: any) => c.status === "FAIL");
    expect(failing.length).toBeGreaterThan(0);
    expect(failing.map((c: any) => c.problem).join(" ")).toMatch(/block/);
  });
});

describe("DKIM", () => {
  it("fails a 512-bit key and warns about whitespace pasted into a key", async () => {
    const d = await refresh(await domain("weakkey.test", { dkimSelectors: ["small", "pasted"] }));
    const small = d.authentication.dkim.selectors.find((s: any) => s.selector === "small");
    expect(small).toMatchObject({ configured: true, found: true, status: "FAIL", key: { keyType: "rsa", bits: 512 } });
    expect(small.checks.find((c: any) => c.id === "dkim.small.key-size")).toMatchObject({ status: "FAIL" });
    const pasted = d.authentication.dkim.selectors.find((s: any) => s.selector === "pasted");
    expect(pasted.checks.find((c: any) => c.id === "dkim.pasted.key-whitespace")).toMatchObject({ status: "WARN" });
    expect(pasted.key).toEqual({ keyType: "rsa", bits: 1024 });
    expect(d.authentication.dkim.status).toBe("FAIL");
  });
});

describe("blocklists", () => {
  it("reports a sending IP listed on the test IP blocklist and the domain on the domain list, with the list's reason", async () => {
    const d = await refresh(await domain("listed.test", { sendingIps: ["192.0.2.66"] }));
    expect(d.blocklists).toEqual(
      expect.arrayContaining([
        {
          kind: "IP",
          target: "192.0.2.66",
          zone: "bl.test",
          listed: true,
          codes: ["127.0.0.2"],
          reason: "Listed for testing",
          error: null,
        },
        expect.objectContaining({
          kind: "DOMAIN",
          target: "listed.test",
          zone: "dbl.test",
          listed: true,
          codes: ["127.0.1.2"],
        }),
      ]),
    );
    const c = check(d, "blocklist.bl.test.192.0.2.66");
    expect(c).toMatchObject({ status: "FAIL" });
    expect(c.problem).toMatch(/listed on bl\.test/);
    expect(d.authentication.ptr[0]).toMatchObject({
      ip: "192.0.2.66",
      forwardConfirmed: false,
      check: { status: "FAIL" },
    });
    expect(requirement(d, "GOOGLE", "PTR").status).toBe("NOT_MET");
  });

  it("makes the campaign's readiness fail NOT_BLOCKLISTED with the listing as evidence", async () => {
    const id = ok(await gql(`query { domains(first: 100) { edges { node { id name } } } }`)).domains.edges.find(
      (e: any) => e.node.name === "listed.test",
    ).node.id;
    const c = ok(
      await gql(
        `mutation($d: ID!) { createCampaign(input: { name: "q1", domainId: $d }) { campaign { readiness { ready items { id passed evidence action } } } userErrors { code } } }`,
        { d: id },
      ),
      "createCampaign",
    ).campaign;
    const item = c.readiness.items.find((i: any) => i.id === "NOT_BLOCKLISTED");
    expect(item.passed).toBe(false);
    expect(item.evidence).toContain("192.0.2.66 is listed on bl.test");
    expect(c.readiness.ready).toBe(false);
  });
});

describe("the stored audit", () => {
  it("keeps the summary readiness judges on beside the report, as the migration's backfill cuts it", async () => {
    const rows: Array<{ summary: unknown; backfilled: unknown }> = await app.running.app.db.dataSource.query(
      `SELECT a.summary, ${SUMMARY_OF_REPORT} AS backfilled
         FROM domain_audits a JOIN domains d ON d.tenant_id = a.tenant_id AND d.id = a.domain_id
        WHERE d.name = 'listed.test'`,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0].summary).toEqual({
      spf: expect.stringMatching(/^(PASS|WARN|FAIL)$/),
      dkim: expect.stringMatching(/^(PASS|WARN|FAIL)$/),
      dmarc: expect.stringMatching(/^(PASS|WARN|FAIL)$/),
      blocklistHits: expect.arrayContaining([
        { target: "192.0.2.66", zone: "bl.test" },
        { target: "listed.test", zone: "dbl.test" },
      ]),
    });
    expect(rows[0].backfilled).toEqual(rows[0].summary);
  });
});

describe("recipient provider of custom domains", () => {
  it("answers GMAIL for a domain whose MX is Google's, MICROSOFT for Microsoft 365, and public domains without DNS", async () => {
    const q = `query($d: String!) { mailboxProvider(domain: $d) { domain provider source hosts } }`;
    expect(ok(await gql(q, { d: "Customer.TEST" })).mailboxProvider).toEqual({
      domain: "customer.test",
      provider: "GMAIL",
      source: "MX",
      hosts: ["ASPMX.L.GOOGLE.COM"],
    });
    expect(ok(await gql(q, { d: "o365.test" })).mailboxProvider).toMatchObject({ provider: "MICROSOFT", source: "MX" });
    const before = dns.queries.length;
    expect(ok(await gql(q, { d: "gmail.com" })).mailboxProvider).toMatchObject({
      provider: "GMAIL",
      source: "PUBLIC_DOMAIN",
    });
    // Cached: asking again does no DNS, and the cache the classifier reads knows it.
    expect(ok(await gql(q, { d: "customer.test" })).mailboxProvider.provider).toBe("GMAIL");
    expect(dns.queries.length).toBe(before);
    expect(app.running.app.mxProviders!.cached("customer.test")).toBe("GMAIL");
  });
});
