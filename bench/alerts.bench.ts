// bench:alerts — real-time delivery under load. 1,000 graphql-ws subscribers spread over two
// Rebound server processes on one PostgreSQL; bounces ingested one per request at a steady
// rate; latency from issuing the ingest to each subscriber's delivery (an upper bound of
// commit-to-delivery: it includes the ingest's own classification, writes and commit), per
// rate step, until p99 goes over 100 ms. Then the same ladder through a bare graphql-ws server
// with an in-memory pub/sub (one process, no database, no tenants) as the baseline.
import "reflect-metadata";
import { spawn, execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { promisify } from "node:util";
import { createTestDatabase } from "../test/support/database";
import { freePort, REPO, startChildServer } from "../test/support/child-server";
import { graphqlClient } from "../test/support/graphql-client";
import { createSendingSetup } from "../test/support/fixtures";
import { openSubscriber, type LightSubscriber } from "./support/light-subscriber";

const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 1000);
const STEP_MS = Number(process.env.BENCH_STEP_MS ?? 4000);
const RATES = (process.env.BENCH_RATES ?? "2,5,10,20,30,40,60,80,100,130,160").split(",").map(Number);
const P99_LIMIT_MS = 100;
const QUERY = `subscription { bounceReceived { id recipient reason bounceType hardBounce } }`;

interface StepResult {
  rate: number;
  events: number;
  expected: number;
  delivered: number;
  p50: number;
  p99: number;
  steady: boolean;
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function ladder(
  label: string,
  subscriberUrls: string[],
  authorization: string | null,
  publish: (recipient: string, i: number) => Promise<unknown>,
): Promise<StepResult[]> {
  const sentAt = new Map<string, number>();
  let latencies: number[] = [];
  const subs: LightSubscriber[] = [];
  for (let i = 0; i < SUBSCRIBERS; i++) {
    subs.push(await openSubscriber(subscriberUrls[i % subscriberUrls.length], authorization, QUERY, (recipient, at) => {
      const t0 = sentAt.get(recipient);
      if (t0 !== undefined) latencies.push(at - t0);
    }));
  }
  await new Promise((r) => setTimeout(r, 500));
  const results: StepResult[] = [];
  let seq = 0;
  for (const rate of RATES) {
    latencies = [];
    const events = Math.max(1, Math.round((rate * STEP_MS) / 1000));
    const start = performance.now();
    const inFlight: Promise<unknown>[] = [];
    for (let i = 0; i < events; i++) {
      const due = start + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const recipient = `bench-${++seq}@gmail.com`;
      sentAt.set(recipient, performance.now());
      inFlight.push(publish(recipient, seq).catch((err: unknown) => process.stderr.write(`publish failed: ${String(err)}\n`)));
    }
    await Promise.all(inFlight);
    const expected = events * SUBSCRIBERS;
    const drainUntil = performance.now() + 3000;
    while (latencies.length < expected && performance.now() < drainUntil) await new Promise((r) => setTimeout(r, 50));
    const sorted = [...latencies].sort((a, b) => a - b);
    const r: StepResult = {
      rate,
      events,
      expected,
      delivered: latencies.length,
      p50: percentile(sorted, 50),
      p99: percentile(sorted, 99),
      steady: latencies.length === expected && percentile(sorted, 99) < P99_LIMIT_MS,
    };
    results.push(r);
    process.stdout.write(
      `  ${label.padEnd(8)} ${String(rate).padStart(4)} events/s  ${String(r.delivered).padStart(7)}/${r.expected} delivered  p50 ${r.p50.toFixed(1).padStart(6)} ms  p99 ${r.p99.toFixed(1).padStart(7)} ms  ${r.steady ? "steady" : "NOT steady"}\n`,
    );
    if (!r.steady) break;
  }
  for (const s of subs) s.close();
  return results;
}

const highest = (steps: StepResult[]) => steps.filter((s) => s.steady).reduce((m, s) => Math.max(m, s.rate), 0);

async function main() {
  process.stdout.write(`bench:alerts — ${SUBSCRIBERS} subscribers, ${STEP_MS / 1000} s per rate step, steady = all delivered and p99 < ${P99_LIMIT_MS} ms\n\n`);

  // Rebound: two processes on one PostgreSQL, subscribers split between them.
  const db = await createTestDatabase("benchalerts");
  const env = { DATABASE_URL: db.url, MIGRATION_DATABASE_URL: "", REBOUND_DEMO_TENANT: "0", REBOUND_MAX_CONNECTIONS_PER_KEY: String(SUBSCRIBERS) };
  const p1 = await startChildServer(env);
  const p2 = await startChildServer(env);
  const { stdout } = await promisify(execFile)(process.execPath, [resolve(REPO, "bin/rebound.js"), "tenant", "create", "--name", "bench", "--json"], {
    cwd: REPO,
    env: { ...process.env, DATABASE_URL: db.url, MIGRATION_DATABASE_URL: "" },
  });
  const apiKey = (JSON.parse(stdout.trim().split("\n").pop()!) as { apiKey: string }).apiKey;
  const clients = [graphqlClient(p1.url, apiKey), graphqlClient(p2.url, apiKey)];
  const setup = await createSendingSetup(clients[0], "bench-alerts.example");
  process.stdout.write(`Rebound: 2 processes (pids ${p1.process.pid}, ${p2.process.pid}), LISTEN/NOTIFY, ${SUBSCRIBERS / 2} subscribers each\n`);
  const reboundSteps = await ladder("rebound", [p1.url.replace("http", "ws"), p2.url.replace("http", "ws")], `Bearer ${apiKey}`, (recipient, i) =>
    clients[i % 2](`mutation($input: IngestBouncesInput!) { ingestBounces(input: $input) { inserted } }`, {
      input: { events: [{ recipient, campaignId: setup.campaignId, smtpResponse: "550 5.1.1 <x>: Recipient address rejected: User unknown" }] },
    }),
  );
  const reboundMemory = [rssMb(p1.process.pid!), rssMb(p2.process.pid!)];
  p1.process.kill("SIGTERM");
  p2.process.kill("SIGTERM");
  await Promise.all([p1.exited, p2.exited]);
  await db.drop();

  // Baseline: a bare graphql-ws server, in-memory pub/sub, one process.
  const port = await freePort();
  const bare = spawn(process.execPath, ["--import", "tsx", resolve(REPO, "bench/support/bare-ws-server.ts"), String(port)], { cwd: REPO, stdio: ["ignore", "pipe", "inherit"] });
  await new Promise<void>((r) => bare.stdout!.on("data", (d: Buffer) => d.toString().includes("listening") && r()));
  process.stdout.write(`\nBaseline: bare graphql-ws server, in-memory pub/sub (pid ${bare.pid}), ${SUBSCRIBERS} subscribers\n`);
  const bareSteps = await ladder("bare", [`ws://127.0.0.1:${port}/graphql`], null, (recipient) =>
    fetch(`http://127.0.0.1:${port}/publish`, { method: "POST", body: JSON.stringify({ recipient }) }).then((r) => r.text()),
  );
  const bareMemory = rssMb(bare.pid!);
  bare.kill("SIGTERM");

  const rebound = highest(reboundSteps);
  const baseline = highest(bareSteps);
  const at = (steps: StepResult[], rate: number) => steps.find((s) => s.rate === rate);
  process.stdout.write(`\nHighest steady rate (all ${SUBSCRIBERS} subscribers served, p99 < ${P99_LIMIT_MS} ms):\n`);
  process.stdout.write(`  Rebound (2 processes, PostgreSQL, tenant checks): ${rebound} events/s = ${rebound * SUBSCRIBERS} deliveries/s; p50 ${at(reboundSteps, rebound)?.p50.toFixed(1)} ms, p99 ${at(reboundSteps, rebound)?.p99.toFixed(1)} ms\n`);
  process.stdout.write(`  bare graphql-ws (1 process, in memory):            ${baseline} events/s = ${baseline * SUBSCRIBERS} deliveries/s; p50 ${at(bareSteps, baseline)?.p50.toFixed(1)} ms, p99 ${at(bareSteps, baseline)?.p99.toFixed(1)} ms\n`);
  process.stdout.write(`  ratio Rebound / bare: ${baseline ? (rebound / baseline).toFixed(2) : "n/a"} (target >= 1)\n`);
  process.stdout.write(`Memory (RSS after the run): Rebound ${reboundMemory[0]} MB + ${reboundMemory[1]} MB, bare ${bareMemory} MB\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${(err as Error)?.stack ?? String(err)}\n`);
    process.exit(1);
  },
);
