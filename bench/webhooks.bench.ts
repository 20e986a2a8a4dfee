// bench:webhooks — outgoing webhooks from ingest commit to verified receipt. One Rebound server
// process (`rebound serve`, as npm start runs it) on a fresh PostgreSQL database, one webhook
// subscription to bounce.received pointing at a receiver in this process that verifies every
// request with the standardwebhooks package. Two measures:
//
//   1. Throughput: BENCH_EVENTS bounces ingested as fast as the API takes them (batches of 50,
//      4 clients); events/s from the first ingest's start to the last verified receipt.
//      Baseline: the same bodies, signed beforehand, POSTed with raw fetch from this one
//      process to the same receiver, with 16 and with as many requests in flight as the
//      server's worker (REBOUND_WEBHOOK_WORKERS, 64); the faster of the two is the baseline.
//      Target: at least 50 % of the baseline's rate.
//   2. Latency at a steady 200 events/s (BENCH_STEADY_BATCH bounces per ingest request, 10 by
//      default: 20 requests/s, for BENCH_STEADY_SECONDS):
//      from the ingest's commit (committedAt, reported in the response's extensions) to the
//      verified receipt. Target: p99 under 1 s.
//
// The server, the receiver and the clients share this machine (and its clock).
import "reflect-metadata";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { Webhook } from "standardwebhooks";
import { createTestDatabase } from "../test/support/database";
import { startChildServer } from "../test/support/child-server";
import { graphqlClient } from "../test/support/graphql-client";
import { createSendingSetup } from "../test/support/fixtures";
import { sql } from "../test/e2e/ingest-support";

const EVENTS = Number(process.env.BENCH_EVENTS ?? 3000);
const BATCH = 50;
const CLIENTS = 4;
const STEADY_RATE = Number(process.env.BENCH_RATE ?? 200);
const STEADY_SECONDS = Number(process.env.BENCH_STEADY_SECONDS ?? 10);
const STEADY_BATCH = Number(process.env.BENCH_STEADY_BATCH ?? 10);
/** The server's REBOUND_WEBHOOK_WORKERS (its default). */
const WORKERS = Number(process.env.BENCH_WORKERS ?? 64);

const INGEST = `mutation($input: IngestBouncesInput!) { ingestBounces(input: $input) { inserted userErrors { code message } } }`;

/** CPU seconds (user + system) a process has used so far, from /proc (clock ticks of 1/100 s). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

interface Receipt {
  recipient: string;
  at: number;
}

/** A receiver that verifies each request with Webhook.verify and notes when each recipient's event arrived. */
async function startReceiver() {
  let secret = "";
  let failures = 0;
  const receipts = new Map<string, Receipt>();
  const bodies: Array<{ body: string; headers: Record<string, string> }> = [];
  let keepBodies = false;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const headers = {
        "webhook-id": String(req.headers["webhook-id"]),
        "webhook-timestamp": String(req.headers["webhook-timestamp"]),
        "webhook-signature": String(req.headers["webhook-signature"]),
      };
      try {
        const payload = new Webhook(secret).verify(body, headers) as { data: { recipient: string } };
        if (!receipts.has(headers["webhook-id"]))
          receipts.set(headers["webhook-id"], { recipient: payload.data.recipient, at: Date.now() });
        if (keepBodies) bodies.push({ body, headers });
        res.writeHead(200).end();
      } catch {
        failures++;
        res.writeHead(400).end();
      }
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    receipts,
    bodies,
    failures: () => failures,
    setSecret: (s: string) => (secret = s),
    keep: (on: boolean) => (keepBodies = on),
    reset: () => receipts.clear(),
    async waitFor(n: number, timeoutMs: number) {
      const started = Date.now();
      while (receipts.size < n) {
        if (Date.now() - started > timeoutMs) throw new Error(`only ${receipts.size} of ${n} received`);
        await new Promise((r) => setTimeout(r, 5));
      }
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

async function main(): Promise<void> {
  const database = await createTestDatabase("bench_webhooks");
  const receiver = await startReceiver();
  const server = await startChildServer(
    {
      DATABASE_URL: database.url,
      MIGRATION_DATABASE_URL: "",
      REBOUND_WEBHOOK_ALLOW_PRIVATE: "1",
      REBOUND_WEBHOOK_WORKERS: String(WORKERS),
      REBOUND_LOG_LEVEL: "warn",
    },
    90_000,
  );
  try {
    const key = /Bearer (rbk_[0-9A-Za-z]+)/.exec(server.output())![1];
    const gql = graphqlClient(server.url, key);
    const setup = await createSendingSetup(gql, "bench.webhooks.example");
    const created = await gql(
      `mutation($input: CreateWebhookSubscriptionInput!) { createWebhookSubscription(input: $input) { secret webhookSubscription { id } userErrors { code message } } }`,
      { input: { url: receiver.url, events: ["BOUNCE_RECEIVED"] } },
    );
    const secret = created.data.createWebhookSubscription.secret as string;
    const subscriptionId = created.data.createWebhookSubscription.webhookSubscription.id as string;
    receiver.setSecret(secret);
    let seq = 0;
    const event = () => ({
      recipient: `lead${++seq}@bench-${seq % 50}.example`,
      campaignId: setup.campaignId,
      smtpResponse: "550 5.1.1 <lead> User unknown",
      eventKey: `bench-${seq}`,
    });
    const ingest = async (events: ReturnType<typeof event>[]) => {
      const r = await gql(INGEST, { input: { events } });
      if (r.errors?.length || r.data.ingestBounces.userErrors.length)
        throw new Error(JSON.stringify(r.errors ?? r.data.ingestBounces.userErrors));
      return r;
    };

    // Warm-up: JIT, connections, plans.
    receiver.keep(true);
    for (let i = 0; i < 10; i++) await ingest(Array.from({ length: BATCH }, event));
    await receiver.waitFor(10 * BATCH, 60_000);
    receiver.keep(false);
    receiver.reset();

    // 0. The same ingestion with the subscription paused: the server CPU an event costs without webhooks.
    const setPaused = async (paused: boolean) => {
      const m = paused ? "pauseWebhookSubscription" : "resumeWebhookSubscription";
      const input = `${m[0].toUpperCase()}${m.slice(1)}Input`;
      const r = await gql(`mutation($i: ${input}!) { ${m}(input: $i) { userErrors { code } } }`, {
        i: { id: subscriptionId },
      });
      if (r.errors?.length) throw new Error(JSON.stringify(r.errors));
    };
    await setPaused(true);
    const quiet = Array.from({ length: Math.ceil(EVENTS / BATCH) }, () => Array.from({ length: BATCH }, event));
    const q0 = cpuSeconds(server.process.pid!);
    let q = 0;
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        while (q < quiet.length) await ingest(quiet[q++]);
      }),
    );
    const quietCpuMs = (cpuSeconds(server.process.pid!) - q0) * 1000;
    await setPaused(false);

    // 1. Throughput through Rebound.
    const batches = Array.from({ length: Math.ceil(EVENTS / BATCH) }, () => Array.from({ length: BATCH }, event));
    const cpu0 = cpuSeconds(server.process.pid!);
    const t0 = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        while (next < batches.length) await ingest(batches[next++]);
      }),
    );
    const ingestedMs = performance.now() - t0;
    await receiver.waitFor(batches.length * BATCH, 300_000);
    const reboundMs = performance.now() - t0;
    const serverCpuMs = (cpuSeconds(server.process.pid!) - cpu0) * 1000;
    const reboundRate = (batches.length * BATCH) / (reboundMs / 1000);

    // Baseline: raw fetch of the same bodies (signed beforehand), WORKERS requests in flight.
    const sample = receiver.bodies.slice(0, 10 * BATCH);
    const signer = new Webhook(secret);
    const posts = Array.from({ length: batches.length * BATCH }, (_, i) => {
      const { body } = sample[i % sample.length];
      const id = `msg_baseline${i}`;
      const now = new Date();
      return {
        body,
        headers: {
          "content-type": "application/json",
          "webhook-id": id,
          "webhook-timestamp": String(Math.floor(now.getTime() / 1000)),
          "webhook-signature": signer.sign(id, now, body),
        },
      };
    });
    const baselines: Array<{ inFlight: number; ms: number; rate: number }> = [];
    for (const inFlight of [...new Set([16, WORKERS])]) {
      receiver.reset();
      const b0 = performance.now();
      let k = 0;
      await Promise.all(
        Array.from({ length: inFlight }, async () => {
          while (k < posts.length) {
            const p = posts[k++];
            const res = await fetch(receiver.url, { method: "POST", headers: p.headers, body: p.body });
            await res.arrayBuffer();
          }
        }),
      );
      await receiver.waitFor(posts.length, 60_000);
      const ms = performance.now() - b0;
      baselines.push({ inFlight, ms, rate: posts.length / (ms / 1000) });
    }
    const baselineRate = Math.max(...baselines.map((b) => b.rate));

    // 2. Latency at a steady rate, one bounce per request.
    receiver.reset();
    const total = STEADY_RATE * STEADY_SECONDS;
    const committedAt = new Map<string, number>();
    const s0 = performance.now();
    const inflight: Promise<void>[] = [];
    for (let i = 0; i < total; i += STEADY_BATCH) {
      const due = s0 + (i * 1000) / STEADY_RATE;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const events = Array.from({ length: Math.min(STEADY_BATCH, total - i) }, event);
      inflight.push(
        fetch(server.url, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
          body: JSON.stringify({ query: INGEST, variables: { input: { events } } }),
        })
          .then((res) => res.json() as Promise<{ errors?: unknown[]; extensions?: { committedAt?: number } }>)
          .then((r) => {
            if (r.errors?.length) throw new Error(JSON.stringify(r.errors));
            for (const e of events) committedAt.set(e.recipient, r.extensions?.committedAt ?? NaN);
          }),
      );
    }
    await Promise.all(inflight);
    const achievedRate = total / ((performance.now() - s0) / 1000);
    await receiver.waitFor(total, 120_000).catch(async (err: Error) => {
      const rows = await sql(
        database.url,
        "SELECT status, attempts, count(*)::int AS n FROM webhook_deliveries GROUP BY 1, 2 ORDER BY 1, 2",
      );
      throw new Error(`${err.message}; deliveries by status and attempts: ${JSON.stringify(rows)}`);
    });
    const latencies = [...receiver.receipts.values()]
      .map((r) => r.at - (committedAt.get(r.recipient) ?? NaN))
      .filter((x) => Number.isFinite(x))
      .sort((a, b) => a - b);

    const pct = (x: number) => `${Math.round(x * 100)} %`;
    console.log(`bench:webhooks (load average ${loadavg()[0].toFixed(2)}, ${WORKERS} attempts in flight)`);
    console.log(
      `  Rebound   ${batches.length * BATCH} events ingested in ${ingestedMs.toFixed(0)} ms, all verified at the receiver after ${reboundMs.toFixed(0)} ms: ${reboundRate.toFixed(0)} events/s`,
    );
    for (const b of baselines)
      console.log(
        `  baseline  raw fetch of the same ${posts.length} bodies from one process, ${b.inFlight} in flight: ${b.ms.toFixed(0)} ms, ${b.rate.toFixed(0)} events/s`,
      );
    console.log(`  ratio     ${pct(reboundRate / baselineRate)} of the faster baseline (target ≥ 50 %)`);
    const avgBody = sample.reduce((n, b) => n + b.body.length, 0) / sample.length;
    console.log(
      `  server    ${((serverCpuMs / (batches.length * BATCH)) * 1000).toFixed(0)} µs of server CPU per event (ingest and delivery), ${((quietCpuMs / (quiet.length * BATCH)) * 1000).toFixed(0)} µs with the subscription paused; bodies of ${avgBody.toFixed(0)} bytes`,
    );
    console.log(
      `  steady    ${total} events at ${STEADY_RATE}/s asked, ${STEADY_BATCH} per request (${achievedRate.toFixed(0)}/s achieved): commit → verified receipt p50 ${percentile(latencies, 50)} ms, p99 ${percentile(latencies, 99)} ms, max ${latencies.at(-1)} ms (target p99 < 1000 ms)`,
    );
    console.log(`  verification failures at the receiver: ${receiver.failures()}`);
    const metrics = await (await fetch(server.url.replace("/graphql", "/metrics"))).text();
    const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, "m").exec(metrics)?.[1] ?? NaN);
    const attempts = value("rebound_webhook_attempt_duration_seconds_count");
    console.log(
      `  server    ${attempts} attempts, ${((value("rebound_webhook_attempt_duration_seconds_sum") / attempts) * 1000).toFixed(1)} ms per HTTP attempt on average`,
    );
  } finally {
    server.process.kill("SIGTERM");
    await server.exited;
    await receiver.close();
    await database.drop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
