import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { statementsOf } from "../support/statements";
import { ok, type Gql } from "../support/graphql-client";
import { startTestApp, type TestApp } from "../support/test-app";

let app: TestApp;
let gql: Gql;

beforeAll(async () => {
  app = await startTestApp("stmts");
  ({ gql } = await app.newTenant("stmts"));
  const domains: string[] = [];
  for (let d = 0; d < 3; d++) {
    domains.push(
      ok(
        await gql(`mutation($n: String!) { createDomain(input: { name: $n }) { domain { id } userErrors { code } } }`, {
          n: `d${d}.example`,
        }),
        "createDomain",
      ).domain.id,
    );
  }
  const inboxes: string[][] = [[], [], []];
  for (let d = 0; d < 3; d++) {
    for (let i = 0; i < 2; i++) {
      inboxes[d].push(
        ok(
          await gql(
            `mutation($d: ID!, $a: String!) { createInbox(input: { domainId: $d, address: $a }) { inbox { id } userErrors { code } } }`,
            { d: domains[d], a: `s${i}@d${d}.example` },
          ),
          "createInbox",
        ).inbox.id,
      );
    }
  }
  for (let c = 0; c < 50; c++) {
    ok(
      await gql(
        `mutation($d: ID!, $i: [ID!]) { createCampaign(input: { name: "c", domainId: $d, inboxIds: $i }) { campaign { id } userErrors { code } } }`,
        { d: domains[c % 3], i: inboxes[c % 3] },
      ),
      "createCampaign",
    );
  }
});
afterAll(() => app?.close());

const LIST = `query($first: Int!) { campaigns(first: $first) { edges { node { id name domain { name } inboxes { address domain { name } } } } } }`;

async function statementsFor(first: number): Promise<{ count: number; campaigns: number }> {
  const { count, result } = await statementsOf(() => gql(LIST, { first }));
  return { count, campaigns: ok(result).campaigns.edges.length };
}

describe("listing campaigns with their domain and inboxes", () => {
  it("costs the same few statements for 50 campaigns as for 5", async () => {
    const five = await statementsFor(5);
    const fifty = await statementsFor(50);
    expect(five.campaigns).toBe(5);
    expect(fifty.campaigns).toBe(50);
    expect(fifty.count).toBe(five.count);
    // begin + set tenant, campaigns, domains, campaign_inboxes, inboxes, commit
    expect(fifty.count).toBeLessThanOrEqual(8);
  });
});
