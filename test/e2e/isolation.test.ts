import { randomUUID } from "node:crypto";
import { Client } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toGlobalId } from "../../src/platform/graphql/global-id";
import { ok, type Gql } from "../support/graphql-client";
import { startTestApp, type TestApp } from "../support/test-app";

// Tenant B, holding tenant A's ids, must get exactly what an id that exists nowhere gets,
// through every query, node(id:), list and mutation; and PostgreSQL's row-level security
// must hide rows on its own, even from SQL that forgets the tenant filter.

let app: TestApp;
let a: Gql;
let b: Gql;
const ids: Record<string, string> = {};

beforeAll(async () => {
  app = await startTestApp("isolation");
  ({ gql: a } = await app.newTenant("A"));
  ({ gql: b } = await app.newTenant("B"));
  const domain = ok(
    await a(`mutation { createDomain(input: { name: "a-only.example" }) { domain { id } userErrors { code } } }`),
    "createDomain",
  ).domain;
  const inbox = ok(
    await a(
      `mutation($d: ID!) { createInbox(input: { domainId: $d, address: "x@a-only.example" }) { inbox { id } userErrors { code } } }`,
      { d: domain.id },
    ),
    "createInbox",
  ).inbox;
  const campaign = ok(
    await a(
      `mutation($d: ID!, $i: ID!) { createCampaign(input: { name: "A's", domainId: $d, inboxIds: [$i] }) { campaign { id } userErrors { code } } }`,
      { d: domain.id, i: inbox.id },
    ),
    "createCampaign",
  ).campaign;
  const key = ok(
    await a(`mutation { createApiKey(input: { name: "a2", scopes: [READ] }) { apiKey { id } userErrors { code } } }`),
    "createApiKey",
  ).apiKey;
  const viewer = ok(await a(`{ viewer { id } }`)).viewer;
  Object.assign(ids, { Domain: domain.id, Inbox: inbox.id, Campaign: campaign.id, ApiKey: key.id, Tenant: viewer.id });
});
afterAll(() => app?.close());

const missing = (type: string) => toGlobalId(type, randomUUID());

/** Every way to name one object by id, per type. */
const probes: Array<{ type: string; name: string; query: string; vars: (id: string) => Record<string, unknown> }> = [
  { type: "Domain", name: "domain", query: `query($id: ID!) { domain(id: $id) { id name } }`, vars: (id) => ({ id }) },
  { type: "Inbox", name: "inbox", query: `query($id: ID!) { inbox(id: $id) { id address } }`, vars: (id) => ({ id }) },
  {
    type: "Campaign",
    name: "campaign",
    query: `query($id: ID!) { campaign(id: $id) { id name } }`,
    vars: (id) => ({ id }),
  },
  ...["Domain", "Inbox", "Campaign", "ApiKey", "Tenant"].map((type) => ({
    type,
    name: `node(${type})`,
    query: `query($id: ID!) { node(id: $id) { id __typename } }`,
    vars: (id: string) => ({ id }),
  })),
  {
    type: "Domain",
    name: "updateDomain",
    query: `mutation($id: ID!) { updateDomain(input: { id: $id, name: "stolen.example" }) { domain { id } userErrors { field message code } } }`,
    vars: (id) => ({ id }),
  },
  {
    type: "Domain",
    name: "deleteDomain",
    query: `mutation($id: ID!) { deleteDomain(input: { id: $id }) { deletedDomainId userErrors { field message code } } }`,
    vars: (id) => ({ id }),
  },
  {
    type: "Domain",
    name: "createInbox on it",
    query: `mutation($id: ID!) { createInbox(input: { domainId: $id, address: "y@a-only.example" }) { inbox { id } userErrors { field message code } } }`,
    vars: (id) => ({ id }),
  },
  {
    type: "Domain",
    name: "createCampaign on it",
    query: `mutation($id: ID!) { createCampaign(input: { name: "x", domainId: $id }) { campaign { id } userErrors { field message code } } }`,
    vars: (id) => ({ id }),
  },
  {
    type: "Inbox",
    name: "updateInbox",
    query: `mutation($id: ID!) { updateInbox(input: { id: $id, dailyLimit: 5 }) { inbox { id } userErrors { field message code } } }`,
    vars: (id) => ({ id }),
  },
  {
    type: "Inbox",
    name: "deleteInbox",
    query: `mutation($id: ID!) { deleteInbox(input: { id: $id }) { deletedInboxId userErrors { field message code } } }`,
    vars: (id) => ({ id }),
  },
  {
    type: "Campaign",
    name: "updateCampaign",
    query: `mutation($id: ID!) { updateCampaign(input: { id: $id, status: PAUSED }) { campaign { id } userErrors { field message code } } }`,
    vars: (id) => ({ id }),
  },
  {
    type: "Campaign",
    name: "deleteCampaign",
    query: `mutation($id: ID!) { deleteCampaign(input: { id: $id }) { deletedCampaignId userErrors { field message code } } }`,
    vars: (id) => ({ id }),
  },
  {
    type: "ApiKey",
    name: "revokeApiKey",
    query: `mutation($id: ID!) { revokeApiKey(input: { id: $id }) { apiKey { id } userErrors { field message code } } }`,
    vars: (id) => ({ id }),
  },
  {
    type: "Campaign",
    name: "bounceEvents(filter)",
    query: `query($id: ID!) { bounceEvents(first: 10, filter: { campaignId: $id }) { edges { node { id } } } }`,
    vars: (id) => ({ id }),
  },
];

describe("another tenant's ids", () => {
  for (const probe of probes) {
    it(`read exactly like ids that do not exist: ${probe.name}`, async () => {
      const withForeignId = await b(probe.query, probe.vars(ids[probe.type]));
      const withMissingId = await b(probe.query, probe.vars(missing(probe.type)));
      expect(withForeignId).toEqual(withMissingId);
      expect(withForeignId.errors).toBeUndefined();
    });
  }

  it("left every one of A's objects as it was", async () => {
    const campaign = ok(
      await a(`query($id: ID!) { campaign(id: $id) { name status domain { name } inboxes { address dailyLimit } } }`, {
        id: ids.Campaign,
      }),
    ).campaign;
    expect(campaign).toEqual({
      name: "A's",
      status: "DRAFT",
      domain: { name: "a-only.example" },
      inboxes: [{ address: "x@a-only.example", dailyLimit: 50 }],
    });
    const keys = ok(await a(`{ apiKeys(first: 10) { edges { node { name revokedAt } } } }`)).apiKeys.edges;
    expect(keys.every((e: any) => e.node.revokedAt === null)).toBe(true);
  });
});

describe("lists", () => {
  it("show none of another tenant's rows", async () => {
    const res = ok(
      await b(`{
      domains(first: 100) { edges { node { id } } }
      inboxes(first: 100) { edges { node { id } } }
      campaigns(first: 100) { edges { node { id } } }
      bounceEvents(first: 100) { edges { node { id } } }
      apiKeys(first: 100) { edges { node { name } } }
      viewer { name }
    }`),
    );
    expect(res.domains.edges).toEqual([]);
    expect(res.inboxes.edges).toEqual([]);
    expect(res.campaigns.edges).toEqual([]);
    expect(res.bounceEvents.edges).toEqual([]);
    expect(res.apiKeys.edges.map((e: any) => e.node.name)).toEqual(["first key"]);
    expect(res.viewer.name).toBe("B");
  });

  it("let the same domain name exist in two tenants", async () => {
    const res = ok(
      await b(`mutation { createDomain(input: { name: "a-only.example" }) { domain { id } userErrors { code } } }`),
      "createDomain",
    );
    expect(res.domain.id).not.toBe(ids.Domain);
  });
});

describe("row-level security", () => {
  it("shows the server's role no row when app.tenant_id is unset or names another tenant", async () => {
    const client = new Client({ connectionString: app.database.url });
    await client.connect();
    try {
      const tables = (
        await client.query(
          `SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' AND column_name = 'tenant_id' ORDER BY 1`,
        )
      ).rows.map((r) => r.table_name as string);
      expect(tables).toEqual(
        expect.arrayContaining(["api_keys", "bounce_events", "campaign_inboxes", "campaigns", "domains", "inboxes"]),
      );

      const counts = async (tenant: string | null) => {
        await client.query("BEGIN");
        await client.query("SET LOCAL ROLE rebound_app");
        if (tenant !== null) await client.query("SELECT set_config('app.tenant_id', $1, true)", [tenant]);
        const out: Record<string, number> = {};
        for (const t of [...tables, "tenants"])
          out[t] = Number((await client.query(`SELECT count(*) AS n FROM ${t}`)).rows[0].n);
        await client.query("ROLLBACK");
        return out;
      };
      const everywhereZero = (c: Record<string, number>) => Object.values(c).every((n) => n === 0);
      expect(await counts(null)).toEqual(Object.fromEntries([...tables, "tenants"].map((t) => [t, 0])));
      expect(everywhereZero(await counts(randomUUID()))).toBe(true);
      // The same role sees rows once the tenant is set: the zeros above are the policy, not an empty table.
      const tenantA = (
        await client.query("SELECT tenant_id FROM domains WHERE name = 'a-only.example' ORDER BY created_at LIMIT 1")
      ).rows[0].tenant_id;
      expect((await counts(tenantA)).domains).toBeGreaterThan(0);

      await client.query("BEGIN");
      await client.query("SET LOCAL ROLE rebound_app");
      await client.query("SELECT set_config('app.tenant_id', $1, true)", [randomUUID()]);
      await expect(
        client.query("INSERT INTO domains (tenant_id, name) VALUES ($1, 'sneak.example')", [tenantA]),
      ).rejects.toThrow(/row-level security/);
      await client.query("ROLLBACK");

      const role = (await client.query("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = 'rebound_app'"))
        .rows[0];
      expect(role).toEqual({ rolsuper: false, rolbypassrls: false });
      const forced = (
        await client.query(
          `SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relname = ANY($1::text[])`,
          [[...tables, "tenants"]],
        )
      ).rows;
      expect(forced).toHaveLength(tables.length + 1);
      expect(forced.filter((r) => !(r.relrowsecurity && r.relforcerowsecurity)).map((r) => r.relname)).toEqual([]);
    } finally {
      await client.end();
    }
  });
});
