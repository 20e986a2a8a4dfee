// bench:alerts — real-time delivery under load. 1,000 graphql-ws subscribers spread over two
// Rebound server processes on one PostgreSQL; bounces ingested one per request at a steady
// rate; latency from the ingest's commit (the committedAt the server reports in the response's
// extensions) to each subscriber's delivery, per rate step, until p99 goes over 100 ms. Then
// the same ladder through a bare graphql-ws server with an in-memory pub/sub (one process, no
// database, no tenants; its "commit" is the moment it publishes) as the baseline. Client and
// servers share this machine's clock.
import "reflect-metadata";
import { spawn, execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { resolve } from "node:path";
import { promisify } from "node:util";
import { createTestDatabase } from "../test/support/database";
import { freePort, REPO, startChildServer } from "../test/support/child-server";
import { graphqlClient } from "../test/support/graphql-client";
import { startNodeFlags } from "../test/support/start-flags";
import { createSendingSetup } from "../test/support/fixtures";
import { openSubscriber, type LightSubscriber } from "./support/light-subscriber";

const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 1000);
const STEP_MS = Number(process.env.BENCH_STEP_MS ?? 5000);
/** Each step lasts at least this many events: p99 over 1,000 subscribers is the worst ~1 % of events. */
const MIN_EVENTS_PER_STEP = Number(process.env.BENCH_MIN_EVENTS ?? 25);
const RATES = (process.env.BENCH_RATES ?? "2,3,4,6,8,10,13,16,20,25,30,35,40,45,50,60,80,100,120,150,200")
  .split(",")
  .map(Number);
const P99_LIMIT_MS = 100;
/** A step counts only if its events were committed at no less than this share of the rate asked. */
const MIN_ACHIEVED = 0.95;
const WARMUP_EVENTS = Number(process.env.BENCH_WARMUP_EVENTS ?? 30);
const QUERY = `subscription { bounceReceived { id recipient reason bounceType hardBounce } }`;

interface StepResult {
  /** The rate asked for. */
  rate: number;
  /** The rate the events were really committed (published) at: a saturated server takes longer to accept them. */
  achieved: number;
  events: number;
  expected: number;
  delivered: number;
  p50: number;
  p99: number;
  steady: boolean;
  /** CPU the server processes used during the step, per delivery, in µs. */
  cpuPerDeliveryUs: number;
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
}

/** CPU seconds (user + system) a process has used so far, from /proc (clock ticks of 1/100 s). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function ladder(
  label: string,
  subscriberUrls: string[],
  authorization: string | null,
  /** The server processes, whose CPU is measured per step. */
  serverPids: number[],
  /** Publishes one event; resolves with its commit (publish) time, epoch ms. */
  publish: (recipient: string, i: number) => Promise<number>,
): Promise<StepResult[]> {
  const serverCpu = () => serverPids.reduce((s, pid) => s + cpuSeconds(pid), 0);
  const committedAt = new Map<string, number>();
  let deliveries = new Map<string, number[]>();
  const subs: LightSubscriber[] = [];
  for (let i = 0; i < SUBSCRIBERS; i++) {
    subs.push(
      await openSubscriber(subscriberUrls[i % subscriberUrls.length], authorization, QUERY, (recipient) => {
        const at = performance.timeOrigin + performance.now();
        const list = deliveries.get(recipient);
        if (list) list.push(at);
        else deliveries.set(recipient, [at]);
      }),
    );
  }
  await new Promise((r) => setTimeout(r, 500));
  // Warm-up (JIT, connection pools, caches): events whose latencies are not counted.
  let seq = 0;
  for (let i = 0; i < WARMUP_EVENTS; i++) {
    await publish(`warmup-${++seq}@gmail.com`, seq);
    await new Promise((r) => setTimeout(r, 100));
  }
  await new Promise((r) => setTimeout(r, 1000));
  const results: StepResult[] = [];
  for (const rate of RATES) {
    deliveries = new Map();
    const events = Math.max(MIN_EVENTS_PER_STEP, Math.round((rate * STEP_MS) / 1000));
    const cpuBefore = serverCpu();
    const start = performance.now();
    const inFlight: Promise<unknown>[] = [];
    const stepCommits: number[] = [];
    for (let i = 0; i < events; i++) {
      const due = start + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const recipient = `bench-${++seq}@gmail.com`;
      inFlight.push(
        publish(recipient, seq).then(
          (at) => {
            committedAt.set(recipient, at);
            stepCommits.push(at);
          },
          (err: unknown) => void process.stderr.write(`publish failed: ${String(err)}\n`),
        ),
      );
    }
    await Promise.all(inFlight);
    const expected = events * SUBSCRIBERS;
    const count = () => [...deliveries.values()].reduce((n, l) => n + l.length, 0);
    const drainUntil = performance.now() + 3000;
    while (count() < expected && performance.now() < drainUntil) await new Promise((r) => setTimeout(r, 50));
    const cpuUsed = serverCpu() - cpuBefore;
    const latencies: number[] = [];
    for (const [recipient, times] of deliveries) {
      const t0 = committedAt.get(recipient);
      if (t0 !== undefined) for (const t of times) latencies.push(t - t0);
    }
    const sorted = latencies.sort((a, b) => a - b);
    const span = Math.max(...stepCommits) - Math.min(...stepCommits);
    const achieved = stepCommits.length > 1 && span > 0 ? ((stepCommits.length - 1) * 1000) / span : 0;
    const r: StepResult = {
      rate,
      achieved,
      events,
      expected,
      delivered: latencies.length,
      p50: percentile(sorted, 50),
      p99: percentile(sorted, 99),
      // Steady: every subscriber got every event, p99 under the limit, and the events went in at
      // the rate asked (latency counts from the commit, so a server that accepts events late
      // would otherwise look fast).
      steady: latencies.length === expected && percentile(sorted, 99) < P99_LIMIT_MS && achieved >= MIN_ACHIEVED * rate,
      cpuPerDeliveryUs: (cpuUsed * 1e6) / Math.max(1, latencies.length),
    };
    results.push(r);
    process.stdout.write(
      `  ${label.padEnd(8)} ${String(rate).padStart(4)} events/s (achieved ${r.achieved.toFixed(1).padStart(5)})  ${String(r.delivered).padStart(7)}/${r.expected} delivered  p50 ${r.p50.toFixed(1).padStart(6)} ms  p99 ${r.p99.toFixed(1).padStart(7)} ms  servers' CPU ${r.cpuPerDeliveryUs.toFixed(1).padStart(5)} µs/delivery  ${r.steady ? "steady" : "NOT steady"}\n`,
    );
    // A shared machine has hiccups: stop after two unsteady steps in a row.
    if (!r.steady && results.length >= 2 && !results[results.length - 2].steady) break;
  }
  for (const s of subs) s.close();
  return results;
}

const highest = (steps: StepResult[]) => steps.filter((s) => s.steady).reduce((m, s) => Math.max(m, s.rate), 0);

async function main() {
  process.stdout.write(
    `bench:alerts — ${SUBSCRIBERS} subscribers, rate steps of ${STEP_MS / 1000} s and at least ${MIN_EVENTS_PER_STEP} events, steady = all delivered and p99 < ${P99_LIMIT_MS} ms (load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")})\n\n`,
  );

  // Rebound: two processes on one PostgreSQL, subscribers split between them.
  const db = await createTestDatabase("benchalerts");
  const env = {
    DATABASE_URL: db.url,
    MIGRATION_DATABASE_URL: "",
    REBOUND_DEMO_TENANT: "0",
    // One tenant's subscribers fan out: the per-key and per-tenant socket limits (and the
    // ingest throttle) are raised so the bench measures delivery, not the limits.
    REBOUND_MAX_CONNECTIONS_PER_KEY: String(SUBSCRIBERS),
    REBOUND_MAX_CONNECTIONS_PER_TENANT: String(SUBSCRIBERS),
    REBOUND_MAX_SUBSCRIPTIONS_PER_TENANT: String(SUBSCRIBERS * 2),
    REBOUND_KEY_BUCKET: "1000000000",
    REBOUND_KEY_RESTORE_RATE: "100000000",
    REBOUND_TENANT_BUCKET: "1000000000",
    REBOUND_TENANT_RESTORE_RATE: "100000000",
  };
  const p1 = await startChildServer(env);
  const p2 = await startChildServer(env);
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [resolve(REPO, "bin/rebound.js"), "tenant", "create", "--name", "bench", "--json"],
    {
      cwd: REPO,
      env: { ...process.env, DATABASE_URL: db.url, MIGRATION_DATABASE_URL: "" },
    },
  );
  const apiKey = (JSON.parse(stdout.trim().split("\n").pop()!) as { apiKey: string }).apiKey;
  const clients = [graphqlClient(p1.url, apiKey), graphqlClient(p2.url, apiKey)];
  const setup = await createSendingSetup(clients[0], "bench-alerts.example");
  process.stdout.write(
    `Rebound: 2 processes (pids ${p1.process.pid}, ${p2.process.pid}; node ${startNodeFlags().join(" ")}), LISTEN/NOTIFY, ${SUBSCRIBERS / 2} subscribers each\n`,
  );
  const ingestTimes: number[] = [];
  const reboundSteps = await ladder(
    "rebound",
    [p1.url.replace("http", "ws"), p2.url.replace("http", "ws")],
    `Bearer ${apiKey}`,
    [p1.process.pid!, p2.process.pid!],
    async (recipient, i) => {
      const started = performance.now();
      const res = await fetch([p1.url, p2.url][i % 2], {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}` },
        body: JSON.stringify({
          query: `mutation($input: IngestBouncesInput!) { ingestBounces(input: $input) { inserted } }`,
          variables: {
            input: {
              events: [
                {
                  recipient,
                  campaignId: setup.campaignId,
                  smtpResponse: "550 5.1.1 <x>: Recipient address rejected: User unknown",
                },
              ],
            },
          },
        }),
      });
      const body = (await res.json()) as {
        data?: { ingestBounces: { inserted: number } };
        extensions?: { committedAt?: number };
      };
      ingestTimes.push(performance.now() - started);
      if (body.data?.ingestBounces.inserted !== 1 || !body.extensions?.committedAt)
        throw new Error(`ingest failed: ${JSON.stringify(body)}`);
      return body.extensions.committedAt;
    },
  );
  const reboundMemory = [rssMb(p1.process.pid!), rssMb(p2.process.pid!)];
  p1.process.kill("SIGTERM");
  p2.process.kill("SIGTERM");
  await Promise.all([p1.exited, p2.exited]);
  await db.drop();

  // Baseline: a bare graphql-ws server, in-memory pub/sub, one process.
  const port = await freePort();
  // With the Node flags Rebound's servers get from npm start (startChildServer), so the two differ in code only.
  const bare = spawn(
    process.execPath,
    [...startNodeFlags(), "--import", "tsx", resolve(REPO, "bench/support/bare-ws-server.ts"), String(port)],
    { cwd: REPO, stdio: ["ignore", "pipe", "inherit"] },
  );
  await new Promise<void>((r) => bare.stdout!.on("data", (d: Buffer) => d.toString().includes("listening") && r()));
  process.stdout.write(
    `\nBaseline: bare graphql-ws server, in-memory pub/sub (pid ${bare.pid}), ${SUBSCRIBERS} subscribers\n`,
  );
  const bareSteps = await ladder("bare", [`ws://127.0.0.1:${port}/graphql`], null, [bare.pid!], async (recipient) => {
    const res = await fetch(`http://127.0.0.1:${port}/publish`, {
      method: "POST",
      body: JSON.stringify({ recipient }),
    });
    return ((await res.json()) as { publishedAt: number }).publishedAt;
  });
  const bareMemory = rssMb(bare.pid!);
  bare.kill("SIGTERM");

  const rebound = highest(reboundSteps);
  const baseline = highest(bareSteps);
  const at = (steps: StepResult[], rate: number) => steps.find((s) => s.rate === rate);
  process.stdout.write(`\nHighest steady rate (all ${SUBSCRIBERS} subscribers served, p99 < ${P99_LIMIT_MS} ms):\n`);
  process.stdout.write(
    `  Rebound (2 processes, PostgreSQL, tenant checks): ${rebound} events/s = ${rebound * SUBSCRIBERS} deliveries/s; p50 ${at(reboundSteps, rebound)?.p50.toFixed(1)} ms, p99 ${at(reboundSteps, rebound)?.p99.toFixed(1)} ms\n`,
  );
  process.stdout.write(
    `  bare graphql-ws (1 process, in memory):            ${baseline} events/s = ${baseline * SUBSCRIBERS} deliveries/s; p50 ${at(bareSteps, baseline)?.p50.toFixed(1)} ms, p99 ${at(bareSteps, baseline)?.p99.toFixed(1)} ms\n`,
  );
  process.stdout.write(`  ratio Rebound / bare: ${baseline ? (rebound / baseline).toFixed(2) : "n/a"} (target >= 1)\n`);
  process.stdout.write(
    `Load average at the end: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}\n`,
  );
  process.stdout.write(
    `Memory (RSS after the run): Rebound ${reboundMemory[0]} MB + ${reboundMemory[1]} MB, bare ${bareMemory} MB\n`,
  );
  const sortedIngest = ingestTimes.sort((a, b) => a - b);
  process.stdout.write(
    `Rebound ingest round trip (request to response, before the latencies above start): p50 ${percentile(sortedIngest, 50).toFixed(1)} ms, p99 ${percentile(sortedIngest, 99).toFixed(1)} ms\n`,
  );
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${(err as Error)?.stack ?? String(err)}\n`);
    process.exit(1);
  },
);
