import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, startChildServer, type ChildServer } from "../support/child-server";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { sql } from "./ingest-support";

// Exporting a million bounce events streams a page at a time: the server's retained heap must
// not grow with the number of rows. The server runs as `npm start` runs it (a child
// process, the same Node flags); its heap is read from its own /metrics while the export runs.
//
// What is measured: heap used outside V8's young generation (old, code, large-object and
// the other spaces). The young generation holds short-lived garbage until the next scavenge,
// up to its semi-space size (64 MB with `npm start`'s --max-semi-space-size=64), whatever the
// export does; rows kept alive (a buffered result, an unbounded queue) survive scavenges and
// land in the old generation, which is what this bounds. The total heap used is logged too.

const ROWS = 1_000_000;
const LIMIT_BYTES = 50 * 1024 * 1024;

let db: TestDatabase;
let server: ChildServer;
let apiKey: string;
let base: string;

beforeAll(async () => {
  db = await createTestDatabase("exportmem");
  server = await startChildServer({ DATABASE_URL: db.url, REBOUND_DEMO_TENANT: "0", REBOUND_LOG_LEVEL: "warn" });
  base = `http://127.0.0.1:${server.port}`;
  const created = await runCli(["tenant", "create", "--name", "export memory", "--json"], { DATABASE_URL: db.url });
  expect(created.code, created.stderr).toBe(0);
  const { tenantId, apiKey: key } = JSON.parse(created.stdout) as { tenantId: string; apiKey: string };
  apiKey = key;
  const tenant = Buffer.from(tenantId, "base64url").toString("utf8").split(":")[1];
  // A million events in one statement, each with a quoted, comma-holding diagnostic.
  await sql(
    db.url,
    `INSERT INTO bounce_events (tenant_id, dedupe_key, source, recipient, recipient_domain, recipient_provider,
       reason, bounce_type, hard_bounce, fault, variant, status, reply_code, diagnostic_code, remote_mta,
       likely_cause, first_action, rule_version, occurred_at)
     SELECT $1, 'mem-' || g, 'API', 'user' || g || '@gmail.com', 'gmail.com', 'GMAIL',
            'userunknown', 'HARD', true, 'RECIPIENT_ADDRESS', 'USER_UNKNOWN', '5.1.1', 550,
            '550 5.1.1 <user' || g || '@gmail.com>: "The email account that you tried to reach does not exist", see https://support.example/answer?id=6596',
            'gmail-smtp-in.l.google.com', 'invalid recipient', 'remove the address', 'test',
            timestamptz '2026-01-01 00:00:00Z' + g * interval '1 second'
       FROM generate_series(1, ${ROWS}) AS g`,
    [tenant],
  );
  await sql(db.url, "ANALYZE bounce_events");
}, 600_000);

afterAll(async () => {
  server?.process.kill("SIGTERM");
  await server?.exited;
  await db?.drop();
});

interface Heap {
  used: number;
  young: number;
}

async function heap(): Promise<Heap> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const value = (re: RegExp) => Number(re.exec(text)?.[1] ?? NaN);
  return {
    used: value(/^rebound_nodejs_heap_size_used_bytes (\S+)$/m),
    young: value(/^rebound_nodejs_heap_space_size_used_bytes\{space="new"\} (\S+)$/m),
  };
}

const retained = (h: Heap) => h.used - h.young;
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;

describe("GET /export/bounce-events.csv of a million rows", () => {
  it("streams every row while the server's retained heap grows by less than 50 MB", async () => {
    // Warm up the route and the code paths, then take the baseline.
    const warm = await fetch(`${base}/export/bounce-events.csv?to=2026-01-01T00:00:10Z`, {
      headers: { authorization: `Bearer ${apiKey}` },
    });
    expect(warm.status).toBe(200);
    await warm.text();
    const baseline = await heap();
    expect(Number.isFinite(retained(baseline))).toBe(true);

    let peak = baseline;
    let peakUsed = baseline.used;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const h = await heap();
        if (retained(h) > retained(peak)) peak = h;
        peakUsed = Math.max(peakUsed, h.used);
        await new Promise((r) => setTimeout(r, 200));
      }
    })();

    const started = Date.now();
    const res = await fetch(`${base}/export/bounce-events.csv`, { headers: { authorization: `Bearer ${apiKey}` } });
    expect(res.status).toBe(200);
    // Count records as they arrive, keeping nothing: each record ends with CRLF and no field
    // of these rows holds a line break.
    let records = 0;
    let bytes = 0;
    let last = "";
    const decoder = new TextDecoder();
    for await (const chunk of res.body!) {
      bytes += chunk.byteLength;
      const text = last + decoder.decode(chunk, { stream: true });
      const lines = text.split("\r\n");
      last = lines.pop() ?? "";
      records += lines.length;
      if (records === 1 && lines.length > 0 && bytes < 4096) expect(lines[0].startsWith("id,occurred_at,")).toBe(true);
    }
    sampling = false;
    await sampler;
    const seconds = (Date.now() - started) / 1000;
    expect(last).toBe("");
    expect(records).toBe(ROWS + 1);

    const growth = retained(peak) - retained(baseline);
    console.log(
      `exported ${ROWS} rows (${mb(bytes)}) in ${seconds.toFixed(1)} s; retained heap ${mb(retained(baseline))} → peak ${mb(retained(peak))} (growth ${mb(growth)}); total heap used ${mb(baseline.used)} → peak ${mb(peakUsed)}`,
    );
    expect(growth).toBeLessThan(LIMIT_BYTES);
  }, 600_000);

  it("a client that goes away mid-export ends the cursor and its transaction: the connection is free again", async () => {
    const controller = new AbortController();
    const res = await fetch(`${base}/export/bounce-events.csv`, {
      headers: { authorization: `Bearer ${apiKey}` },
      signal: controller.signal,
    });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    expect((await reader.read()).done).toBe(false);
    controller.abort();
    await reader.cancel().catch(() => undefined);
    // The export's statement no longer runs, and no session of the server sits in a transaction.
    const deadline = Date.now() + 10_000;
    let busy: Array<{ state: string; query: string }>;
    do {
      await new Promise((r) => setTimeout(r, 200));
      busy = await sql(
        db.url,
        `SELECT state, query FROM pg_stat_activity
          WHERE datname = current_database() AND application_name = 'rebound' AND state <> 'idle'`,
      );
    } while (busy.length > 0 && Date.now() < deadline);
    expect(busy).toEqual([]);
    const after = await fetch(`${base}/export/bounce-events.csv?to=2026-01-01T00:00:03Z`, {
      headers: { authorization: `Bearer ${apiKey}` },
    });
    expect((await after.text()).split("\r\n").filter(Boolean)).toHaveLength(3);
  }, 60_000);
});
