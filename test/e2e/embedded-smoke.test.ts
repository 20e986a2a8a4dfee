import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { graphqlClient, ok } from "../support/graphql-client";
import { startChildServer } from "../support/child-server";
import { createSendingSetup, recordSends } from "../support/fixtures";

// The newcomer's path: `npm start` with no DATABASE_URL serves the API on the embedded
// database, prints a demo tenant's key once, shuts down cleanly and keeps its data.

const dataDir = mkdtempSync(join(tmpdir(), "rebound-embedded-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const env = { DATABASE_URL: "", MIGRATION_DATABASE_URL: "", REBOUND_DATA_DIR: dataDir };

describe("the embedded database", () => {
  it("serves the API, prints a working demo key, stops on SIGTERM and keeps its data", async () => {
    const first = await startChildServer(env, 90_000);
    try {
      expect((await graphqlClient(first.url)(`{ __typename }`)).data).toEqual({ __typename: "Query" });
      const key = /Bearer (rbk_[0-9A-Za-z]+)/.exec(first.output())?.[1];
      expect(key).toBeDefined();
      const gql = graphqlClient(first.url, key);
      expect(ok(await gql(`{ viewer { name } }`)).viewer.name).toBe("Demo tenant");
      ok(
        await gql(
          `mutation { createDomain(input: { name: "embedded.example" }) { domain { id } userErrors { code } } }`,
        ),
        "createDomain",
      );
      // The dashboard's read is a named prepared statement: PGlite must serve it again and
      // again on its one connection (past the five runs after which PostgreSQL may keep a generic plan).
      const setup = await createSendingSetup(gql, "dashboard.embedded.example");
      await recordSends(gql, setup.campaignId, setup.inboxId, ["a@gmail.com", "b@gmail.com"]);
      for (let i = 0; i < 7; i++) {
        const page = ok(
          await gql(
            `{ campaigns(first: 10) { edges { node { stats { sent } benchmarks { provider sent } readiness { ready } } } } }`,
          ),
        ).campaigns.edges;
        expect(page[0].node.stats.sent).toBe(2);
        expect(page[0].node.benchmarks.find((b: { provider: string }) => b.provider === "GMAIL").sent).toBe(2);
      }
      expect((await fetch(first.url.replace("/graphql", "/readyz"))).status).toBe(200);
    } finally {
      first.process.kill("SIGTERM");
    }
    expect(await first.exited).toBe(0);

    const second = await startChildServer(env, 90_000);
    try {
      expect(second.output()).not.toContain("demo tenant was created");
      const key = /Bearer (rbk_[0-9A-Za-z]+)/.exec(first.output())![1];
      const domains = ok(await graphqlClient(second.url, key)(`{ domains(first: 10) { edges { node { name } } } }`))
        .domains.edges;
      expect(domains.map((e: { node: { name: string } }) => e.node.name).sort()).toEqual([
        "dashboard.embedded.example",
        "embedded.example",
      ]);
    } finally {
      second.process.kill("SIGTERM");
      await second.exited;
    }
  }, 240_000);
});
