import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { REPO, runCli, startChildServer } from "../support/child-server";
import { collect } from "../support/subscription";
import { wsClient } from "../support/ws-client";
import { graphqlClient, ok, type Gql } from "../support/graphql-client";
import { startTestApp } from "../support/test-app";

// `rebound demo` seeds a tenant that shows the product: campaigns in every benchmark zone,
// alerts, suppressions, readiness with passed and failed checks. Run twice, it changes nothing.

const SNAPSHOT = `{
  campaigns(first: 20) { edges { node { name zone stats { sent delivered hardBounces softBounces complaints } benchmarks { provider sent hardBounces zone } readiness { ready items { id passed } } } } }
  alerts(first: 100) { edges { node { kind severity } } pageInfo { hasNextPage } }
  bounceEvents(first: 100) { edges { node { recipient reason } } pageInfo { hasNextPage } }
  suppressions(first: 100) { edges { node { value reason } } pageInfo { hasNextPage } }
}`;

async function demo(env: Record<string, string>) {
  const result = await runCli(["demo"], env);
  expect(result.stderr).toBe("");
  expect(result.code).toBe(0);
  const key = /^\s+(rbk_[0-9A-Za-z]+)$/m.exec(result.stdout)?.[1];
  expect(key).toBeDefined();
  return { output: result.stdout, key: key! };
}

function checkShowcase(snapshot: any) {
  const campaigns = snapshot.campaigns.edges.map((e: any) => e.node);
  expect(new Set(campaigns.map((c: any) => c.zone))).toEqual(
    new Set(["ACCEPTABLE", "WARNING", "BLOCKING", "INSUFFICIENT_DATA"]),
  );
  expect(snapshot.alerts.edges.length).toBeGreaterThan(0);
  expect(snapshot.suppressions.edges.length).toBeGreaterThan(0);
  const providers = new Set(
    campaigns.flatMap((c: any) => c.benchmarks.filter((b: any) => b.sent > 0).map((b: any) => b.provider)),
  );
  expect([...providers]).toEqual(expect.arrayContaining(["GMAIL", "MICROSOFT", "YAHOO"]));
  const checks = campaigns.flatMap((c: any) => c.readiness.items);
  expect(checks.some((i: any) => i.passed)).toBe(true);
  expect(checks.some((i: any) => !i.passed)).toBe(true);
}

async function seededTwiceChangesNothing(env: Record<string, string>, graphqlUrl: string) {
  const first = await demo(env);
  const gqlFirst: Gql = graphqlClient(graphqlUrl, first.key);
  const before = ok(await gqlFirst(SNAPSHOT));
  checkShowcase(before);

  const second = await demo(env);
  expect(second.output).toContain("this run stored 0 sends and 0 bounces");
  // A new key for the same tenant: the first one keeps working and sees the same data.
  expect(second.key).not.toBe(first.key);
  expect(ok(await graphqlClient(graphqlUrl, second.key)(SNAPSHOT))).toEqual(before);
  expect(ok(await gqlFirst(`{ viewer { name } }`)).viewer.name).toBe("Rebound demo: Northwind Outreach");
}

const dataDirs: string[] = [];
afterAll(() => dataDirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe("rebound demo", () => {
  it("on PostgreSQL: seeds every zone, alerts and suppressions, and a second run changes nothing", async () => {
    const app = await startTestApp("demo");
    try {
      await seededTwiceChangesNothing({ DATABASE_URL: app.database.url, MIGRATION_DATABASE_URL: "" }, app.url);
    } finally {
      await app.close();
    }
  }, 240_000);

  it("on the embedded database: works through the running server, and a second run changes nothing", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "rebound-demo-"));
    dataDirs.push(dataDir);
    const env = { DATABASE_URL: "", MIGRATION_DATABASE_URL: "", REBOUND_DATA_DIR: dataDir };
    const server = await startChildServer(env, 90_000);
    try {
      await seededTwiceChangesNothing(env, server.url);
    } finally {
      server.process.kill("SIGTERM");
      await server.exited;
    }
  }, 240_000);

  it("--live keeps ingesting bounces that a subscriber sees arrive, and stops on Ctrl-C", async () => {
    const app = await startTestApp("demolive");
    const env = { DATABASE_URL: app.database.url, MIGRATION_DATABASE_URL: "" };
    try {
      const { key } = await demo(env);
      const ws = wsClient(app.wsUrl, key);
      const bounces = collect(ws.client, `subscription { bounceReceived { recipient reason campaign { name } } }`);
      await new Promise((r) => setTimeout(r, 500));
      const live = spawn(process.execPath, [resolve(REPO, "bin/rebound.js"), "demo", "--live"], {
        cwd: REPO,
        env: { ...process.env, ...env, PORT: "0" },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let out = "";
      live.stdout!.on("data", (d) => (out += d));
      live.stderr!.on("data", (d) => (out += d));
      const exited = new Promise<number | null>((r) => live.once("exit", (code) => r(code)));
      try {
        // Published from the demo's process, delivered by the test server's (LISTEN/NOTIFY).
        const events = await bounces.waitFor(3, 60_000);
        expect(events.every((e: any) => e.bounceReceived.campaign.name === "Agencies, re-engagement (warning)")).toBe(
          true,
        );
      } finally {
        live.kill("SIGINT");
      }
      expect(await exited).toBe(0);
      expect(out).toMatch(/Stopped after \d+ live bounces/);
      bounces.dispose();
      await ws.client.dispose();
    } finally {
      await app.close();
    }
  }, 240_000);
});
