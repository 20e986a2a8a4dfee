import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ok, type Gql } from "../support/graphql-client";
import { createSendingSetup, ingest } from "../support/fixtures";
import { startTestApp, type TestApp } from "../support/test-app";

// Every list is a Relay connection with the same keyset paging: walking it two at a time
// visits each item exactly once, newest first, and ends with hasNextPage false.

let app: TestApp;
let gql: Gql;

beforeAll(async () => {
  app = await startTestApp("pagination");
  ({ gql } = await app.newTenant("pages"));
  for (let i = 0; i < 5; i++) {
    const setup = await createSendingSetup(gql, `pages${i}.example`);
    await ingest(gql, [
      { recipient: `u${i}@gmail.com`, campaignId: setup.campaignId, smtpResponse: "550 5.1.1 user unknown" },
    ]);
    ok(
      await gql(
        `mutation($n: String!) { createApiKey(input: { name: $n, scopes: [READ] }) { apiKey { id } userErrors { code } } }`,
        { n: `key ${i}` },
      ),
      "createApiKey",
    );
  }
});
afterAll(() => app?.close());

const LISTS = ["domains", "inboxes", "campaigns", "bounceEvents", "apiKeys", "alerts", "suppressions"];

describe("every list", () => {
  for (const list of LISTS) {
    it(`${list}: pages of 2 visit every item once, newest first`, async () => {
      const all = ok(
        await gql(`{ ${list}(first: 100) { edges { cursor node { id createdAt } } pageInfo { hasNextPage } } }`),
      )[list];
      expect(all.pageInfo.hasNextPage).toBe(false);
      const ids: string[] = [];
      let after: string | null = null;
      let pages = 0;
      for (;;) {
        const page: any = ok(
          await gql(
            `query($after: String) { ${list}(first: 2, after: $after) { edges { node { id } } pageInfo { hasNextPage endCursor } } }`,
            { after },
          ),
        )[list];
        ids.push(...page.edges.map((e: any) => e.node.id));
        pages++;
        if (!page.pageInfo.hasNextPage) break;
        after = page.pageInfo.endCursor;
      }
      expect(ids).toEqual(all.edges.map((e: any) => e.node.id));
      expect(new Set(ids).size).toBe(ids.length);
      expect(pages).toBe(Math.max(1, Math.ceil(ids.length / 2)));
      const times = all.edges.map((e: any) => Date.parse(e.node.createdAt));
      expect([...times].sort((a, b) => b - a)).toEqual(times);
    });
  }
});
