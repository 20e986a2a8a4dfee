// The dashboard query (a page of campaigns with stats, benchmarks and readiness) costs the
// same number of SQL statements for 5 campaigns as for 50, and as the page without its
// health: the page and the campaigns' health (totals, settings, readiness facts) come in one
// statement. That statement pages exactly as the ordinary campaigns list does.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDnsServer, type TestDnsServer, testDnsEnv } from "../support/dns-server";
import { graphqlClient, ok, type Gql } from "../support/graphql-client";
import { statementsOf } from "../support/statements";
import { startTestApp, type TestApp } from "../support/test-app";

export const DASHBOARD = `query Dashboard($first: Int!) { campaigns(first: $first) { edges { node {
  id name status zone
  stats { sent delivered hardBounces softBounces complaints hardBounceRate complaintRate complaintLevel pauseRecommended }
  benchmarks { provider sent hardBounces rate zone thresholds { warningFromPercent blockingAbovePercent } }
  readiness { ready items { id passed evidence action } }
} } } }`;

let dns: TestDnsServer;
let app: TestApp;
let gql: Gql;

beforeAll(async () => {
  const zone: Record<string, any[]> = {};
  for (let d = 0; d < 3; d++) {
    zone[`d${d}.example`] = [{ type: "TXT", data: "v=spf1 ip4:192.0.2.10 -all" }];
    zone[`_dmarc.d${d}.example`] = [{ type: "TXT", data: "v=DMARC1; p=none" }];
  }
  dns = await startDnsServer(zone);
  app = await startTestApp("healthdash", testDnsEnv(dns, { ipZones: "bl.example" }));
  ({ gql } = await app.newTenant("dash"));
  const domains: string[] = [];
  for (let d = 0; d < 3; d++) {
    const id = ok(
      await gql(
        `mutation($n: String!) { createDomain(input: { name: $n, registeredAt: "2024-01-01T00:00:00Z" }) { domain { id } userErrors { code } } }`,
        { n: `d${d}.example` },
      ),
      "createDomain",
    ).domain.id;
    ok(
      await gql(
        `mutation($id: ID!) { updateDomainAuthSettings(input: { domainId: $id, sendingIps: ["192.0.2.10"] }) { domain { id } userErrors { code } } }`,
        { id },
      ),
      "updateDomainAuthSettings",
    );
    // Two of three domains audited: the page mixes audited and never-audited domains.
    if (d < 2)
      ok(
        await gql(
          `mutation($id: ID!) { refreshDomainAuth(input: { domainId: $id }) { authentication { status } userErrors { code } } }`,
          { id },
        ),
        "refreshDomainAuth",
      );
    domains.push(id);
  }
  const inboxes: string[][] = [[], [], []];
  for (let d = 0; d < 3; d++) {
    for (let i = 0; i < 2; i++) {
      inboxes[d].push(
        ok(
          await gql(
            `mutation($d: ID!, $a: String!) { createInbox(input: { domainId: $d, address: $a, warmupStartedAt: "2024-01-01T00:00:00Z" }) { inbox { id } userErrors { code } } }`,
            { d: domains[d], a: `s${i}@d${d}.example` },
          ),
          "createInbox",
        ).inbox.id,
      );
    }
  }
  for (let c = 0; c < 50; c++) {
    const id = ok(
      await gql(
        `mutation($d: ID!, $i: [ID!]) { createCampaign(input: { name: "c", domainId: $d, inboxIds: $i }) { campaign { id } userErrors { code } } }`,
        { d: domains[c % 3], i: inboxes[c % 3] },
      ),
      "createCampaign",
    ).campaign.id;
    const recipients = [
      ...Array.from({ length: 60 }, (_, i) => `p${i}@gmail.com`),
      ...Array.from({ length: 60 }, (_, i) => `p${i}@corp${c}.example`),
    ];
    ok(
      await gql(
        `mutation($c: ID!, $i: ID!, $r: [String!]!) { recordSends(input: { campaignId: $c, inboxId: $i, recipients: $r }) { recorded userErrors { code } } }`,
        { c: id, i: inboxes[c % 3][0], r: recipients },
      ),
      "recordSends",
    );
    if (c % 5 === 0) {
      ok(
        await gql(
          `mutation($e: [BounceEventInput!]!) { ingestBounces(input: { events: $e }) { inserted userErrors { code message } } }`,
          {
            e: Array.from({ length: c % 10 === 0 ? 8 : 2 }, (_, i) => ({
              recipient: `p${i}@gmail.com`,
              campaignId: id,
              smtpResponse: "550 5.1.1 User unknown",
            })),
          },
        ),
        "ingestBounces",
      );
    }
  }
}, 120_000);
afterAll(async () => {
  await app?.close();
  await dns?.close();
});

async function statementsFor(first: number): Promise<{ count: number; page: any[] }> {
  const { count, result } = await statementsOf(() => gql(DASHBOARD, { first }));
  const res = ok(result);
  return { count, page: res.campaigns.edges.map((e: any) => e.node) };
}

describe("the dashboard query", () => {
  it("costs the same statements for 50 campaigns as for 5, and no DNS", async () => {
    const queries = dns.queries.length;
    const five = await statementsFor(5);
    const fifty = await statementsFor(50);
    expect(five.page).toHaveLength(5);
    expect(fifty.page).toHaveLength(50);
    expect(fifty.count).toBe(five.count);
    // API key, START with the tenant binding sent with the page with its health (the
    // campaigns, lifetime totals of the page and of the previous campaigns, settings,
    // recipient checks, audits, domains and inboxes in one), commit: four statements in
    // three round trips.
    expect(fifty.count).toBeLessThanOrEqual(4);
    expect(dns.queries.length).toBe(queries);
  });

  it("shows real numbers: readiness from the stored audits, zones from the counters", async () => {
    const { page } = await statementsFor(50);
    const oldest = page[page.length - 1];
    expect(oldest.stats).toMatchObject({ sent: 120, hardBounces: 8 });
    expect(oldest.benchmarks.find((b: any) => b.provider === "GMAIL")).toMatchObject({
      sent: 60,
      hardBounces: 8,
      zone: "INSUFFICIENT_DATA",
    });
    expect(oldest.zone).toBe("BLOCKING");
    const items = (c: any) => Object.fromEntries(c.readiness.items.map((i: any) => [i.id, i]));
    expect(items(oldest).PREVIOUS_BOUNCE_RATE.evidence).toBe("no previous campaign");
    expect(items(oldest).SPF.passed).toBe(true);
    expect(items(oldest).DKIM.passed).toBe(false);
    // Campaign 3 is on d0 after campaign 0 (8 of 120 bounced).
    expect(items(page[page.length - 4]).PREVIOUS_BOUNCE_RATE).toMatchObject({
      passed: false,
      evidence: 'previous campaign "c": 8 hard bounces of 120 sent (6.67 %)',
    });
    // Campaign 2 is on d2, never audited.
    expect(items(page[page.length - 3]).SPF.evidence).toBe("SPF of d2.example has not been checked");
  });

  it("reads the health with the page however the query spells it, and not at all when it shows none", async () => {
    const viaFragments = `query($first: Int!) { campaigns(first: $first) { ...Page } }
      fragment Page on CampaignConnection { edges { node { id ... on Campaign { z: zone ...Health } } } }
      fragment Health on Campaign { stats { sent hardBounces } readiness { ready items { id evidence } } }`;
    const { count: fragmentsCount, result } = await statementsOf(() => gql(viaFragments, { first: 50 }));
    const res = ok(result);
    const plain = await statementsFor(50);
    expect(fragmentsCount).toBe(plain.count);
    const nodes = res.campaigns.edges.map((e: any) => e.node);
    expect(nodes.map((n: any) => [n.z, n.stats, n.readiness])).toEqual(
      plain.page.map((n: any) => [
        n.zone,
        { sent: n.stats.sent, hardBounces: n.stats.hardBounces },
        { ready: n.readiness.ready, items: n.readiness.items.map((i: any) => ({ id: i.id, evidence: i.evidence })) },
      ]),
    );

    const pageOnly = `query($first: Int!) { campaigns(first: $first) { edges { node { id name status } } } }`;
    const pageOnlyCount = (await statementsOf(async () => ok(await gql(pageOnly, { first: 50 })))).count;
    // API key, START with the tenant binding, campaigns, commit: the health costs no statement of its own.
    expect(pageOnlyCount).toBe(plain.count);
  });

  it("pages with its health exactly as the plain list pages: same campaigns, cursors and end", async () => {
    const withHealth = `query($first: Int!, $after: String) { campaigns(first: $first, after: $after) { edges { cursor node { id createdAt updatedAt name status zone } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`;
    const plainList = `query($first: Int!, $after: String) { campaigns(first: $first, after: $after) { edges { cursor node { id createdAt updatedAt name status } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`;
    let after: string | null = null;
    let pages = 0;
    do {
      const a: any = ok(await gql(withHealth, { first: 7, after }));
      const b: any = ok(await gql(plainList, { first: 7, after }));
      expect(a.campaigns.edges.map((e: any) => ({ ...e, node: { ...e.node, zone: undefined } }))).toEqual(
        b.campaigns.edges.map((e: any) => ({ ...e, node: { ...e.node, zone: undefined } })),
      );
      expect(a.campaigns.pageInfo).toEqual(b.campaigns.pageInfo);
      after = a.campaigns.pageInfo.endCursor;
      pages++;
      if (!a.campaigns.pageInfo.hasNextPage) break;
    } while (pages < 20);
    expect(pages).toBe(8); // 50 campaigns, 7 a page
    // The last page's cursor leads to an empty page, on both paths.
    expect(ok(await gql(withHealth, { first: 7, after })).campaigns).toEqual({
      edges: [],
      pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
    });
  });

  it("answers an empty page for a tenant without campaigns, and never another tenant's", async () => {
    const { gql: other } = await app.newTenant("no campaigns");
    expect(ok(await other(DASHBOARD, { first: 50 })).campaigns.edges).toEqual([]);
  });

  it("refuses what the plain list refuses: a bad page size or cursor, a key without the read scope", async () => {
    const q = `query($first: Int!, $after: String) { campaigns(first: $first, after: $after) { edges { node { zone } } } }`;
    expect((await gql(q, { first: 0 })).errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
    expect((await gql(q, { first: 5, after: "not-a-cursor" })).errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
    const key = ok(
      await gql(
        `mutation { createApiKey(input: { name: "ingest only", scopes: [INGEST] }) { secret userErrors { code } } }`,
      ),
      "createApiKey",
    ).secret;
    const ingestOnly = graphqlClient(app.url, key);
    expect((await ingestOnly(q, { first: 5 })).errors?.[0].extensions).toMatchObject({
      code: "FORBIDDEN",
      requiredScope: "read",
    });
    expect((await graphqlClient(app.url)(q, { first: 5 })).errors?.[0].extensions?.code).toBe("UNAUTHENTICATED");
  });
});

describe("campaigns outside a page (campaign, node)", () => {
  const HEALTH = "zone stats { sent hardBounces } benchmarks { provider sent zone }";
  const READINESS = "readiness { ready items { id passed evidence } }";
  const byId = (first: string, second: string) => `query($a: ID!, $b: ID!) {
    a: campaign(id: $a) { id ${first} ${second} }
    b: node(id: $b) { id ... on Campaign { ${second} ${first} } } }`;

  it("cost the same statements and answers whichever of health and readiness comes first", async () => {
    const { page } = await statementsFor(50);
    const [a, b] = [page[page.length - 1], page[page.length - 4]];
    const vars = { a: a.id, b: b.id };
    const healthFirst = await statementsOf(() => gql(byId(HEALTH, READINESS), vars));
    const readinessFirst = await statementsOf(() => gql(byId(READINESS, HEALTH), vars));
    const healthOnly = await statementsOf(() => gql(byId(HEALTH, ""), vars));
    const readinessOnly = await statementsOf(() => gql(byId("", READINESS), vars));
    expect(readinessFirst.count).toBe(healthFirst.count);
    // Health (totals with the settings) and readiness are a statement each, for both campaigns.
    expect(healthOnly.count).toBe(healthFirst.count - 1);
    expect(readinessOnly.count).toBe(healthFirst.count - 1);
    const answers = (r: unknown) => {
      const d = ok(r as never);
      return [d.a, d.b].map((c: any) => ({
        zone: c.zone,
        stats: c.stats,
        benchmarks: c.benchmarks,
        readiness: c.readiness,
      }));
    };
    // What the page shows for the same campaigns.
    const expected = [a, b].map((c: any) => ({
      zone: c.zone,
      stats: { sent: c.stats.sent, hardBounces: c.stats.hardBounces },
      benchmarks: c.benchmarks.map((x: any) => ({ provider: x.provider, sent: x.sent, zone: x.zone })),
      readiness: {
        ready: c.readiness.ready,
        items: c.readiness.items.map((i: any) => ({ id: i.id, passed: i.passed, evidence: i.evidence })),
      },
    }));
    expect(answers(healthFirst.result)).toEqual(expected);
    expect(answers(readinessFirst.result)).toEqual(expected);
  });
});
