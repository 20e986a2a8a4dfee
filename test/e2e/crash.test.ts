import { spawn, execFile, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { graphqlClient, ok, type Gql } from "../support/graphql-client";
import { countersAndRecount, createSetup, sql, uuidFromGlobal, type Setup } from "./ingest-support";

// The real server as a child process (`node bin/rebound.js serve`), killed with SIGKILL in
// the middle of sustained ingestion and started again: an acknowledged event is durable (the
// response is sent only after the commit), and counters, moved in the same transaction as
// the rows, still equal a recount of bounce_events. Nothing half-done survives a crash.

const BIN = resolve(__dirname, "../../bin/rebound.js");
const CLIENTS = 4;
const BATCH = 200;

let db: TestDatabase;
let port: number;
let child: ChildProcess | null = null;
let output = "";

async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const srv = createServer();
    srv.once("error", fail);
    srv.listen(0, "127.0.0.1", () => {
      const p = (srv.address() as { port: number }).port;
      srv.close(() => done(p));
    });
  });
}

function env(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DATABASE_URL: db.url,
    MIGRATION_DATABASE_URL: "",
    PORT: String(port),
    HOST: "127.0.0.1",
    REBOUND_DEMO_TENANT: "0",
  };
}

async function startServer(): Promise<void> {
  child = spawn(process.execPath, [BIN, "serve"], { env: env(), stdio: ["ignore", "pipe", "pipe"] });
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`server exited: ${output}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/readyz`);
      if (res.status === 200) return;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error(`server did not start: ${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function kill(): Promise<void> {
  const c = child;
  if (!c || c.exitCode !== null || c.signalCode !== null) return;
  await new Promise<void>((done) => {
    c.once("exit", () => done());
    c.kill("SIGKILL");
  });
}

beforeAll(async () => {
  db = await createTestDatabase("crash");
  port = await freePort();
});
afterAll(async () => {
  await kill();
  await db?.drop();
});

const INGEST = `mutation($input: IngestBouncesInput!) { ingestBounces(input: $input) { inserted duplicates userErrors { code message } } }`;
const REPLIES = [
  "550 5.1.1 <x>: Recipient address rejected: User unknown",
  "452 4.2.2 The email account that you tried to reach is over quota",
  "554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org",
  "250 2.0.0 OK accepted",
];

function batchOf(s: Setup, b: number) {
  return {
    events: Array.from({ length: BATCH }, (_, i) => {
      const n = b * BATCH + i;
      return {
        recipient: `c${n}@${["gmail.com", "outlook.com", "yahoo.com", "corp.example"][n % 4]}`,
        campaignId: n % 3 ? s.campaignId : s.campaign2Id,
        inboxId: s.inboxId,
        // The 452 is a try that will be retried (a DEFERRAL: only hard bounces suppress here).
        kind: ["BOUNCE", "DEFERRAL", "BOUNCE", "DELIVERY"][n % REPLIES.length],
        smtpResponse: REPLIES[n % REPLIES.length],
        eventKey: `crash-${n}`,
      };
    }),
  };
}

describe("crash", () => {
  it(
    "SIGKILL mid-ingestion loses no acknowledged event and leaves counters equal to a recount",
    { timeout: 180_000 },
    async () => {
      await startServer();
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [BIN, "tenant", "create", "--name", "crash", "--json"],
        { env: env() },
      );
      const { tenantId, apiKey } = JSON.parse(stdout.trim().split("\n").pop()!);
      const tenantUuid = uuidFromGlobal(tenantId);
      const gql: Gql = graphqlClient(`http://127.0.0.1:${port}/graphql`, apiKey);
      const s = await createSetup(gql, "crash");

      const acked = new Set<number>();
      let next = 0;
      let stop = false;
      const clients = Array.from({ length: CLIENTS }, async () => {
        while (!stop) {
          const b = next++;
          try {
            const res = await gql(INGEST, { input: batchOf(s, b) });
            const r = ok(res, "ingestBounces");
            if (r.inserted + r.duplicates === BATCH) acked.add(b);
          } catch {
            // The server died under this request: it is not acknowledged.
            return;
          }
        }
      });
      // Sustained load for a while, then the kill lands while requests are in flight.
      while (acked.size < 15) await new Promise((r) => setTimeout(r, 20));
      await kill();
      stop = true;
      await Promise.all(clients);
      const sentBatches = next;
      expect(acked.size).toBeGreaterThanOrEqual(15);
      expect(sentBatches).toBeGreaterThan(acked.size); // some were in flight when it died

      await startServer();
      // Every acknowledged event is there.
      const ackedKeys = [...acked].flatMap((b) => batchOf(s, b).events.map((e) => `api:${e.eventKey}`));
      const present = await sql(
        db.url,
        "SELECT count(*)::int AS n FROM bounce_events WHERE tenant_id = $1 AND dedupe_key = ANY($2::text[])",
        [tenantUuid, ackedKeys],
      );
      expect(present[0].n).toBe(ackedKeys.length);
      // Whatever else made it in made it in whole: batches are all or nothing.
      const perBatch = await sql(
        db.url,
        "SELECT (split_part(dedupe_key, '-', 2)::int / $2) AS b, count(*)::int AS n FROM bounce_events WHERE tenant_id = $1 GROUP BY 1",
        [tenantUuid, BATCH],
      );
      for (const row of perBatch) expect(row.n).toBe(BATCH);
      let { counters, recount } = await countersAndRecount(db.url, tenantUuid);
      expect(counters).toEqual(recount);
      const suppressed = await sql(db.url, "SELECT count(*)::int AS n FROM suppressions WHERE tenant_id = $1", [
        tenantUuid,
      ]);
      const hard = await sql(
        db.url,
        "SELECT count(DISTINCT recipient)::int AS n FROM bounce_events WHERE tenant_id = $1 AND hard_bounce",
        [tenantUuid],
      );
      expect(suppressed[0].n).toBe(hard[0].n);

      // The clients retry everything they sent: the restarted server completes it exactly once.
      for (let b = 0; b < sentBatches; b++) ok(await gql(INGEST, { input: batchOf(s, b) }), "ingestBounces");
      const total = await sql(db.url, "SELECT count(*)::int AS n FROM bounce_events WHERE tenant_id = $1", [
        tenantUuid,
      ]);
      expect(total[0].n).toBe(sentBatches * BATCH);
      ({ counters, recount } = await countersAndRecount(db.url, tenantUuid));
      expect(counters).toEqual(recount);
      await kill();
    },
  );
});
