// The health module's tables and mutations behind the tenant wall and the key scopes: another
// tenant's domain, inbox or campaign is NOT_FOUND, row-level security hides the rows even to
// a query without a tenant filter, and a read-only key can read health but not change it.

import { Client } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDnsServer, type TestDnsServer, testDnsEnv } from "../support/dns-server";
import { graphqlClient, ok, type Gql } from "../support/graphql-client";
import { startTestApp, type TestApp } from "../support/test-app";

let dns: TestDnsServer;
let app: TestApp;
let a: Gql;
let b: Gql;
let readOnly: Gql;
let ids: { domain: string; inbox: string; campaign: string };

beforeAll(async () => {
  dns = await startDnsServer({ "iso.test": [{ type: "TXT", data: "v=spf1 -all" }] });
  app = await startTestApp("healthiso", testDnsEnv(dns));
  ({ gql: a } = await app.newTenant("a"));
  ({ gql: b } = await app.newTenant("b"));
  const domain = ok(
    await a(`mutation { createDomain(input: { name: "iso.test" }) { domain { id } userErrors { code } } }`),
    "createDomain",
  ).domain.id;
  const inbox = ok(
    await a(
      `mutation($d: ID!) { createInbox(input: { domainId: $d, address: "x@iso.test" }) { inbox { id } userErrors { code } } }`,
      { d: domain },
    ),
    "createInbox",
  ).inbox.id;
  const campaign = ok(
    await a(
      `mutation($d: ID!) { createCampaign(input: { name: "c", domainId: $d }) { campaign { id } userErrors { code } } }`,
      { d: domain },
    ),
    "createCampaign",
  ).campaign.id;
  ids = { domain, inbox, campaign };
  ok(
    await a(
      `mutation($d: ID!) { updateDomainAuthSettings(input: { domainId: $d, sendingIps: ["192.0.2.1"], dkimSelectors: ["s1"] }) { domain { id } userErrors { code } } }`,
      { d: domain },
    ),
    "updateDomainAuthSettings",
  );
  ok(
    await a(
      `mutation($i: ID!) { updateInboxAlignment(input: { inboxId: $i, returnPathDomain: "bounce.iso.test" }) { inbox { id } userErrors { code } } }`,
      { i: inbox },
    ),
    "updateInboxAlignment",
  );
  ok(
    await a(
      `mutation($d: ID!) { refreshDomainAuth(input: { domainId: $d }) { authentication { status } userErrors { code } } }`,
      { d: domain },
    ),
    "refreshDomainAuth",
  );
  ok(
    await a(
      `mutation($c: ID!) { verifyCampaignRecipients(input: { campaignId: $c, addresses: ["p@gmail.com"] }) { recipientCheck { checked } userErrors { code } } }`,
      { c: campaign },
    ),
    "verifyCampaignRecipients",
  );
  const key = ok(
    await a(`mutation { createApiKey(input: { name: "dashboard", scopes: [READ] }) { secret userErrors { code } } }`),
    "createApiKey",
  ).secret;
  readOnly = graphqlClient(app.url, key);
});
afterAll(async () => {
  await app?.close();
  await dns?.close();
});

describe("another tenant", () => {
  it("gets NOT_FOUND from every health mutation on the first tenant's objects", async () => {
    const calls: Array<[string, string, Record<string, unknown>]> = [
      [
        "refreshDomainAuth",
        `mutation($v: ID!) { refreshDomainAuth(input: { domainId: $v }) { domain { id } userErrors { code field } } }`,
        { v: ids.domain },
      ],
      [
        "updateDomainAuthSettings",
        `mutation($v: ID!) { updateDomainAuthSettings(input: { domainId: $v, sendingIps: [] }) { domain { id } userErrors { code field } } }`,
        { v: ids.domain },
      ],
      [
        "updateInboxAlignment",
        `mutation($v: ID!) { updateInboxAlignment(input: { inboxId: $v, dkimDomain: "evil.test" }) { inbox { id } userErrors { code field } } }`,
        { v: ids.inbox },
      ],
      [
        "verifyCampaignRecipients",
        `mutation($v: ID!) { verifyCampaignRecipients(input: { campaignId: $v, addresses: ["x@y.test"] }) { campaign { id } userErrors { code field } } }`,
        { v: ids.campaign },
      ],
    ];
    for (const [field, query, variables] of calls) {
      const r = await b(query, variables);
      expect(r.errors, field).toBeUndefined();
      expect(r.data[field].userErrors, field).toEqual([expect.objectContaining({ code: "NOT_FOUND" })]);
    }
    const seen = ok(
      await a(
        `query($d: ID!, $i: ID!) { domain(id: $d) { authSettings { sendingIps } } inbox(id: $i) { alignment { returnPathDomain dkimDomain } } }`,
        { d: ids.domain, i: ids.inbox },
      ),
    );
    expect(seen).toEqual({
      domain: { authSettings: { sendingIps: ["192.0.2.1"] } },
      inbox: { alignment: { returnPathDomain: "bounce.iso.test", dkimDomain: null } },
    });
  });

  it("cannot see the rows even without a tenant filter: row-level security on every health table", async () => {
    const tenantB = (await app.running.app.db.dataSource.query("SELECT id FROM tenants WHERE name = 'b'"))[0].id;
    const db = new Client({ connectionString: app.database.url });
    await db.connect();
    try {
      for (const table of ["domain_audits", "domain_auth_settings", "inbox_alignment", "campaign_recipient_checks"]) {
        expect(Number((await db.query(`SELECT count(*) FROM ${table}`)).rows[0].count), table).toBe(1);
        await db.query("BEGIN");
        await db.query("SELECT set_config('role', 'rebound_app', true), set_config('app.tenant_id', $1, true)", [
          tenantB,
        ]);
        expect(Number((await db.query(`SELECT count(*) FROM ${table}`)).rows[0].count), table).toBe(0);
        await db.query("ROLLBACK");
      }
    } finally {
      await db.end();
    }
  });
});

describe("a read-only key", () => {
  it("reads health but may not refresh, configure or verify", async () => {
    const d = ok(
      await readOnly(
        `query($d: ID!) { domain(id: $d) { lastAuditedAt authentication { status } senderRequirements { provider } } }`,
        { d: ids.domain },
      ),
    ).domain;
    expect(d.authentication.status).toBe("FAIL");
    for (const query of [
      `mutation($v: ID!) { refreshDomainAuth(input: { domainId: $v }) { userErrors { code } } }`,
      `mutation($v: ID!) { updateDomainAuthSettings(input: { domainId: $v }) { userErrors { code } } }`,
    ]) {
      const r = await readOnly(query, { v: ids.domain });
      expect(r.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    }
  });
});
