import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ok, type Gql } from "../support/graphql-client";
import { startTestApp, type TestApp } from "../support/test-app";

let app: TestApp;
let gql: Gql;
let apiKey: string;

beforeAll(async () => {
  app = await startTestApp("crud");
  ({ gql, apiKey } = await app.newTenant("crud"));
});
afterAll(() => app?.close());

const CREATE_DOMAIN = `mutation($input: CreateDomainInput!) { createDomain(input: $input) { domain { id name registeredAt } userErrors { field message code } } }`;
const CREATE_INBOX = `mutation($input: CreateInboxInput!) { createInbox(input: $input) { inbox { id address provider dailyLimit warmupStartedAt domain { id name } } userErrors { field message code } } }`;
const CREATE_CAMPAIGN = `mutation($input: CreateCampaignInput!) { createCampaign(input: $input) { campaign { id name status domain { id } inboxes { id address } } userErrors { field message code } } }`;

describe("domains", () => {
  it("are created, read, listed, updated and deleted", async () => {
    const created = ok(
      await gql(CREATE_DOMAIN, { input: { name: "Bücher-Mail.example", registeredAt: "2026-01-02T00:00:00.000Z" } }),
      "createDomain",
    );
    expect(created.domain.name).toBe("xn--bcher-mail-9db.example");
    const id = created.domain.id;

    const one = ok(await gql(`query($id: ID!) { domain(id: $id) { id name registeredAt } }`, { id }));
    expect(one.domain).toEqual({ id, name: "xn--bcher-mail-9db.example", registeredAt: "2026-01-02T00:00:00.000Z" });

    const updated = ok(
      await gql(
        `mutation($input: UpdateDomainInput!) { updateDomain(input: $input) { domain { name registeredAt } userErrors { code } } }`,
        { input: { id, name: "mail.example.org", registeredAt: null } },
      ),
      "updateDomain",
    );
    expect(updated.domain).toEqual({ name: "mail.example.org", registeredAt: null });

    const deleted = ok(
      await gql(
        `mutation($input: DeleteDomainInput!) { deleteDomain(input: $input) { deletedDomainId userErrors { code } } }`,
        { input: { id } },
      ),
      "deleteDomain",
    );
    expect(deleted.deletedDomainId).toBe(id);
    expect(ok(await gql(`query($id: ID!) { domain(id: $id) { id } }`, { id })).domain).toBeNull();
  });

  it("reject invalid names and duplicates as userErrors, never as server errors", async () => {
    for (const name of ["", "localhost", "bad_label.com", "-lead.com", "a".repeat(64) + ".com", "x@y.com", "1.2.3.4"]) {
      const res = await gql(CREATE_DOMAIN, { input: { name } });
      expect(res.errors).toBeUndefined();
      expect(res.data.createDomain.domain).toBeNull();
      expect(res.data.createDomain.userErrors[0]).toMatchObject({ code: "INVALID_DOMAIN", field: ["input", "name"] });
    }
    ok(await gql(CREATE_DOMAIN, { input: { name: "dup.example" } }), "createDomain");
    const dup = await gql(CREATE_DOMAIN, { input: { name: "DUP.example." } });
    expect(dup.data.createDomain.userErrors[0].code).toBe("TAKEN");
    // The failed insert did not poison the request's transaction: the list still reads.
    expect(
      ok(await gql(`{ domains(first: 100) { edges { node { name } } } }`)).domains.edges.map((e: any) => e.node.name),
    ).toContain("dup.example");
  });

  it("in use by an inbox cannot be deleted", async () => {
    const d = ok(await gql(CREATE_DOMAIN, { input: { name: "inuse.example" } }), "createDomain").domain;
    ok(await gql(CREATE_INBOX, { input: { domainId: d.id, address: "a@inuse.example" } }), "createInbox");
    const res = await gql(
      `mutation($input: DeleteDomainInput!) { deleteDomain(input: $input) { deletedDomainId userErrors { code } } }`,
      { input: { id: d.id } },
    );
    expect(res.data.deleteDomain).toEqual({ deletedDomainId: null, userErrors: [{ code: "DOMAIN_IN_USE" }] });
  });
});

describe("inboxes and campaigns", () => {
  it("are created with their relations, updated and deleted", async () => {
    const d = ok(await gql(CREATE_DOMAIN, { input: { name: "send.example" } }), "createDomain").domain;
    const inbox = ok(
      await gql(CREATE_INBOX, {
        input: { domainId: d.id, address: "Alex@Send.Example", provider: "GOOGLE_WORKSPACE", dailyLimit: 40 },
      }),
      "createInbox",
    ).inbox;
    expect(inbox).toMatchObject({
      address: "Alex@send.example",
      provider: "GOOGLE_WORKSPACE",
      dailyLimit: 40,
      domain: { id: d.id },
    });

    const mismatch = await gql(CREATE_INBOX, { input: { domainId: d.id, address: "x@other.example" } });
    expect(mismatch.data.createInbox.userErrors[0].code).toBe("ADDRESS_DOMAIN_MISMATCH");
    const bad = await gql(CREATE_INBOX, { input: { domainId: d.id, address: "not an address" } });
    expect(bad.data.createInbox.userErrors[0]).toMatchObject({ code: "INVALID_EMAIL", field: ["input", "address"] });
    const badLimit = await gql(CREATE_INBOX, { input: { domainId: d.id, address: "b@send.example", dailyLimit: 0 } });
    expect(badLimit.data.createInbox.userErrors[0].code).toBe("INVALID_DAILY_LIMIT");
    const badEnum = await gql(CREATE_INBOX, { input: { domainId: d.id, address: "b@send.example", provider: "AOL" } });
    expect(badEnum.errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");

    const campaign = ok(
      await gql(CREATE_CAMPAIGN, { input: { name: "Q4 outreach", domainId: d.id, inboxIds: [inbox.id] } }),
      "createCampaign",
    ).campaign;
    expect(campaign).toMatchObject({
      name: "Q4 outreach",
      status: "DRAFT",
      domain: { id: d.id },
      inboxes: [{ id: inbox.id }],
    });

    const paused = ok(
      await gql(
        `mutation($input: UpdateCampaignInput!) { updateCampaign(input: $input) { campaign { status inboxes { id } } userErrors { code } } }`,
        { input: { id: campaign.id, status: "COMPLETED", inboxIds: [] } },
      ),
      "updateCampaign",
    );
    expect(paused.campaign).toEqual({ status: "COMPLETED", inboxes: [] });
    const reopen = await gql(
      `mutation($input: UpdateCampaignInput!) { updateCampaign(input: $input) { campaign { status } userErrors { code } } }`,
      { input: { id: campaign.id, status: "ACTIVE" } },
    );
    expect(reopen.data.updateCampaign.userErrors[0].code).toBe("INVALID_STATUS_TRANSITION");

    const updatedInbox = ok(
      await gql(
        `mutation($input: UpdateInboxInput!) { updateInbox(input: $input) { inbox { dailyLimit warmupStartedAt } userErrors { code } } }`,
        { input: { id: inbox.id, dailyLimit: 75, warmupStartedAt: "2026-11-01T00:00:00.000Z" } },
      ),
      "updateInbox",
    );
    expect(updatedInbox.inbox).toEqual({ dailyLimit: 75, warmupStartedAt: "2026-11-01T00:00:00.000Z" });

    ok(
      await gql(
        `mutation($input: DeleteInboxInput!) { deleteInbox(input: $input) { deletedInboxId userErrors { code } } }`,
        { input: { id: inbox.id } },
      ),
      "deleteInbox",
    );
    ok(
      await gql(
        `mutation($input: DeleteCampaignInput!) { deleteCampaign(input: $input) { deletedCampaignId userErrors { code } } }`,
        { input: { id: campaign.id } },
      ),
      "deleteCampaign",
    );
    expect(ok(await gql(`query($id: ID!) { node(id: $id) { id } }`, { id: campaign.id })).node).toBeNull();
  });
});

describe("pagination", () => {
  it("walks every item exactly once, newest first, with first at most 100", async () => {
    const names: string[] = [];
    for (let i = 0; i < 7; i++) {
      names.push(`page${i}.example`);
      ok(await gql(CREATE_DOMAIN, { input: { name: `page${i}.example` } }), "createDomain");
    }
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: any = ok(
        await gql(
          `query($after: String) { domains(first: 3, after: $after) { edges { cursor node { name } } pageInfo { hasNextPage endCursor } } }`,
          { after },
        ),
      );
      seen.push(...page.domains.edges.map((e: any) => e.node.name));
      if (!page.domains.pageInfo.hasNextPage) break;
      after = page.domains.pageInfo.endCursor;
    }
    const pageNames = seen.filter((n) => n.startsWith("page"));
    expect(pageNames).toEqual([...names].reverse());
    expect(new Set(seen).size).toBe(seen.length);

    for (const first of [0, 101, -1]) {
      const res = await gql(`query($first: Int!) { domains(first: $first) { edges { cursor } } }`, { first });
      expect(res.errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
    }
    const junk = await gql(`{ domains(first: 1, after: "junk") { edges { cursor } } }`);
    expect(junk.errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
  });
});

describe("commit time", () => {
  it("is reported in extensions.committedAt for a request that wrote, and absent for one that did not", async () => {
    const post = async (query: string) => {
      const res = await fetch(app.url, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}` },
        body: JSON.stringify({ query }),
      });
      return (await res.json()) as { extensions?: { committedAt?: number } };
    };
    const before = Date.now();
    const wrote = await post(
      `mutation { createDomain(input: { name: "committed.example" }) { domain { id } userErrors { code } } }`,
    );
    expect(wrote.extensions?.committedAt).toBeGreaterThanOrEqual(before);
    expect(wrote.extensions!.committedAt!).toBeLessThanOrEqual(Date.now());
    expect((await post(`{ __typename }`)).extensions?.committedAt).toBeUndefined();
  });
});
