import { execFile } from "node:child_process";
import { resolve } from "node:path";
import { promisify } from "node:util";
import { Client } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { graphqlClient } from "../support/graphql-client";
import { createSendingSetup, ingest, recordSends } from "../support/fixtures";
import { REPO, startChildServer, type ChildServer } from "../support/child-server";
import { collect, sleep } from "../support/subscription";
import { wsClient } from "../support/ws-client";

// Two real server processes on one PostgreSQL: a subscriber connected to process 1 hears,
// within a second, the bounce and the alert caused by an ingest on process 2 — through
// PostgreSQL LISTEN/NOTIFY, and through Redis when REDIS_URL is set.

const run = promisify(execFile);
const USER_UNKNOWN = "550 5.1.1 <x>: Recipient address rejected: User unknown in local recipient table";

async function createTenant(databaseUrl: string, name: string): Promise<string> {
  const { stdout } = await run(
    process.execPath,
    [resolve(REPO, "bin/rebound.js"), "tenant", "create", "--name", name, "--json"],
    {
      cwd: REPO,
      env: { ...process.env, DATABASE_URL: databaseUrl, MIGRATION_DATABASE_URL: "" },
    },
  );
  return (JSON.parse(stdout.trim().split("\n").pop()!) as { apiKey: string }).apiKey;
}

for (const bus of ["postgres", "redis"] as const) {
  describe(`two server processes over ${bus === "postgres" ? "LISTEN/NOTIFY" : "Redis"}`, () => {
    let db: TestDatabase;
    let p1: ChildServer;
    let p2: ChildServer;
    let keyA: string;
    let keyB: string;

    beforeAll(async () => {
      db = await createTestDatabase(`xproc${bus}`);
      const env = {
        DATABASE_URL: db.url,
        MIGRATION_DATABASE_URL: "",
        REBOUND_DEMO_TENANT: "0",
        REDIS_URL: bus === "redis" ? "redis://127.0.0.1:6379" : "",
      };
      [p1, p2] = await Promise.all([startChildServer(env), startChildServer(env)]);
      keyA = await createTenant(db.url, "A");
      keyB = await createTenant(db.url, "B");
    }, 120_000);

    afterAll(async () => {
      for (const p of [p1, p2]) p?.process.kill("SIGTERM");
      await Promise.all([p1?.exited, p2?.exited]);
      await db?.drop();
    });

    it("delivers process 2's bounce and alert to process 1's subscriber within a second, and nothing to another tenant", async () => {
      const gqlA2 = graphqlClient(p2.url, keyA);
      const setup = await createSendingSetup(gqlA2, `xp-${bus}.example`);
      await recordSends(
        gqlA2,
        setup.campaignId,
        setup.inboxId,
        Array.from({ length: 100 }, (_, i) => `u${i}@gmail.com`),
      );

      const wsA = wsClient(p1.url.replace("http", "ws"), keyA);
      const wsB = wsClient(p1.url.replace("http", "ws"), keyB);
      const bounces = collect(wsA.client, `subscription { bounceReceived { recipient reason } }`);
      const alerts = collect(wsA.client, `subscription { alertRaised { kind evidence } }`);
      const otherBounces = collect(wsB.client, `subscription { bounceReceived { recipient } }`);
      const otherAlerts = collect(wsB.client, `subscription { alertRaised { kind } }`);
      await sleep(300);

      // 3 of 100 to Gmail is WARNING for Gmail: the third bounce raises alerts.
      await ingest(
        gqlA2,
        [0, 1].map((i) => ({ recipient: `u${i}@gmail.com`, campaignId: setup.campaignId, smtpResponse: USER_UNKNOWN })),
      );
      await bounces.waitFor(2, 2_000);
      const started = Date.now();
      await ingest(gqlA2, [{ recipient: "u2@gmail.com", campaignId: setup.campaignId, smtpResponse: USER_UNKNOWN }]);
      await bounces.waitFor(3, 1_000);
      await alerts.waitFor(1, 1_000);
      expect(Date.now() - started).toBeLessThan(1_000);
      expect(bounces.events.map((e) => e.bounceReceived.recipient).sort()).toEqual([
        "u0@gmail.com",
        "u1@gmail.com",
        "u2@gmail.com",
      ]);
      expect(alerts.events.map((e) => e.alertRaised.kind)).toContain("BOUNCE_RATE_WARNING");

      await sleep(300);
      expect(otherBounces.events).toEqual([]);
      expect(otherAlerts.events).toEqual([]);
      await wsA.dispose();
      await wsB.dispose();
    });

    if (bus === "postgres") {
      it("resumes delivery after the LISTEN connection is killed from PostgreSQL", async () => {
        const admin = new Client({ connectionString: db.url });
        await admin.connect();
        const gqlA2 = graphqlClient(p2.url, keyA);
        const ws = wsClient(p1.url.replace("http", "ws"), keyA);
        const feed = collect(ws.client, `subscription { bounceReceived { recipient } }`);
        await sleep(200);
        const killed = await admin.query(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'rebound-listener' AND datname = current_database()",
        );
        expect(killed.rowCount).toBe(2); // one listener per process
        await admin.end();

        // The listeners reconnect by themselves; keep ingesting until the feed hears again.
        const deadline = Date.now() + 10_000;
        let n = 0;
        while (feed.events.length === 0 && Date.now() < deadline) {
          await ingest(gqlA2, [{ recipient: `after-kill-${n++}@example.org`, smtpResponse: USER_UNKNOWN }]);
          await sleep(250);
        }
        expect(feed.events.length).toBeGreaterThan(0);
        await ws.dispose();
      });
    }
  });
}
