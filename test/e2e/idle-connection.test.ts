import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startChildServer } from "../support/child-server";
import { createSendingSetup, recordSends } from "../support/fixtures";
import { graphqlClient, ok, type Gql } from "../support/graphql-client";
import { startTestApp } from "../support/test-app";

// The database pool closes a connection that has been idle for DB_IDLE_TIMEOUT_MS and opens a
// new one on the next request. The dashboard's read is a named prepared statement: after the
// reconnection it must be prepared again on the new session, never collide with the old one.
// On the embedded database (one PGlite session for the whole process) that collision broke
// every dashboard query ten seconds after start.

const DASHBOARD = `{ campaigns(first: 10) { edges { node { name stats { sent hardBounces } benchmarks { provider sent zone } readiness { ready } } } } }`;

async function seed(gql: Gql) {
  const setup = await createSendingSetup(gql, "idle.example");
  await recordSends(gql, setup.campaignId, setup.inboxId, ["a@gmail.com", "b@gmail.com", "c@yahoo.com"]);
}

async function dashboardSurvivesIdle(gql: Gql, idleMs: number) {
  const before = ok(await gql(DASHBOARD));
  expect(before.campaigns.edges[0].node.stats.sent).toBe(3);
  // Twice more, so the statement is surely prepared on the connection that is about to go idle.
  ok(await gql(DASHBOARD));
  await new Promise((r) => setTimeout(r, idleMs));
  const after = await gql(DASHBOARD);
  expect(after.errors).toBeUndefined();
  expect(after.data).toEqual(before);
  // And it keeps working on the new connection.
  expect((await gql(DASHBOARD)).data).toEqual(before);
}

const dataDirs: string[] = [];
afterAll(() => dataDirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function embeddedServer(env: Record<string, string>) {
  const dataDir = mkdtempSync(join(tmpdir(), "rebound-idle-"));
  dataDirs.push(dataDir);
  const server = await startChildServer(
    { DATABASE_URL: "", MIGRATION_DATABASE_URL: "", REBOUND_DATA_DIR: dataDir, ...env },
    90_000,
  );
  const key = /Bearer (rbk_[0-9A-Za-z]+)/.exec(server.output())![1];
  return { server, gql: graphqlClient(server.url, key) };
}

describe("a pooled connection that goes idle and is replaced", () => {
  it("on the embedded database: the dashboard answers the same after the pool reconnects", async () => {
    const { server, gql } = await embeddedServer({ DB_IDLE_TIMEOUT_MS: "300" });
    try {
      await seed(gql);
      await dashboardSurvivesIdle(gql, 1_000);
      expect(server.output()).not.toMatch(/already exists|request failed/);
    } finally {
      server.process.kill("SIGTERM");
      await server.exited;
    }
  }, 180_000);

  it("on the embedded database with the default settings: still answers after 12 idle seconds", async () => {
    const { server, gql } = await embeddedServer({});
    try {
      await seed(gql);
      await dashboardSurvivesIdle(gql, 12_000);
    } finally {
      server.process.kill("SIGTERM");
      await server.exited;
    }
  }, 180_000);

  it("on PostgreSQL: the dashboard answers the same after the pool reconnects", async () => {
    const app = await startTestApp("idle", { DB_IDLE_TIMEOUT_MS: "300" });
    try {
      const { gql } = await app.newTenant();
      await seed(gql);
      await dashboardSurvivesIdle(gql, 1_000);
    } finally {
      await app.close();
    }
  }, 60_000);
});
