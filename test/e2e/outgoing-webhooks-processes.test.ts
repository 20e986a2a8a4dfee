// Outgoing webhooks across real server processes (`rebound serve`, as `npm start` runs it):
// a server SIGKILLed with messages pending, some of them in flight, delivers every committed
// event after a restart; two servers on one PostgreSQL never make one attempt twice. The
// embedded database (PGlite, one connection, no LISTEN/NOTIFY) runs the same delivery code
// on the same table, and goes through the same outage and SIGKILL.

import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { REPO, startChildServer, type ChildServer } from "../support/child-server";
import { startNodeFlags } from "../support/start-flags";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { graphqlClient, ok, type Gql } from "../support/graphql-client";
import { startWebhookReceiver, type WebhookReceiver } from "../support/webhook-receiver";
import { createSetup, sql, type Setup } from "./ingest-support";

const CREATE = `mutation($input: CreateWebhookSubscriptionInput!) { createWebhookSubscription(input: $input) {
  webhookSubscription { id } secret userErrors { field message code } } }`;
const INGEST = `mutation($input: IngestBouncesInput!) { ingestBounces(input: $input) { inserted userErrors { code message } } }`;

const WEBHOOK_ENV = {
  REBOUND_WEBHOOK_ALLOW_PRIVATE: "1",
  REBOUND_WEBHOOK_RETRY_SECONDS: "0.2,0.5,1",
  REBOUND_WEBHOOK_POLL_MS: "100",
  REBOUND_WEBHOOK_TIMEOUT_MS: "3000",
  // A killed process's claims come back after this long.
  REBOUND_WEBHOOK_LEASE_SECONDS: "4",
  REBOUND_LOG_LEVEL: "warn",
};

const cleanups: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

let seq = 0;
async function ingest(gql: Gql, setup: Setup, recipients: string[]): Promise<void> {
  const events = recipients.map((recipient) => ({
    recipient,
    campaignId: setup.campaignId,
    smtpResponse: "451 4.3.0 Try again later",
    eventKey: `proc-${process.pid}-${++seq}`,
  }));
  expect(ok(await gql(INGEST, { input: { events } }), "ingestBounces").inserted).toBe(recipients.length);
}

function keyOf(server: ChildServer): string {
  const key = /Bearer (rbk_[0-9A-Za-z]+)/.exec(server.output())?.[1];
  if (!key) throw new Error(`no demo key printed:\n${server.output()}`);
  return key;
}

async function kill(server: ChildServer, signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
  server.process.kill(signal);
  await server.exited;
}

/**
 * The outage and the crash, against whatever database `env` names: the receiver answers
 * 503, then refuses connections, then hangs (attempts in flight) while the server is
 * SIGKILLed; a new server on the same database delivers every committed event, each
 * webhook-id answered 2xx once.
 */
async function outageAndCrash(env: Record<string, string>, receiver: WebhookReceiver): Promise<void> {
  const first = await startChildServer({ ...env, ...WEBHOOK_ENV }, 90_000);
  let second: ChildServer | null = null;
  try {
    const key = keyOf(first);
    const gql = graphqlClient(first.url, key);
    const setup = await createSetup(gql, "proc");
    const created = ok(
      await gql(CREATE, { input: { url: receiver.url, events: ["BOUNCE_RECEIVED"] } }),
      "createWebhookSubscription",
    );
    receiver.secrets = [created.secret];
    const recipients = Array.from({ length: 30 }, (_, i) => `crash${i}@acme.example`);

    receiver.setMode({ kind: "status", status: 503 });
    await ingest(gql, setup, recipients.slice(0, 10));
    await receiver.waitFor(() => receiver.requests.length >= 10, 15_000, "the 503s");
    await receiver.refuse();
    await ingest(gql, setup, recipients.slice(10, 20));
    await new Promise((r) => setTimeout(r, 1000));
    receiver.setMode({ kind: "hang" });
    await receiver.listen();
    await ingest(gql, setup, recipients.slice(20));
    // Let attempts start and hang, then kill the server in the middle of them.
    await receiver.waitFor(() => receiver.hung >= 5, 15_000, "attempts in flight");
    await kill(first);
    expect(receiver.delivered().size).toBe(0);

    receiver.setMode({ kind: "ok" });
    second = await startChildServer({ ...env, ...WEBHOOK_ENV }, 90_000);
    await receiver.waitFor(() => receiver.delivered().size === 30, 30_000, "every committed event after the restart");
    await new Promise((r) => setTimeout(r, 1000));
    const delivered = [...receiver.delivered().values()];
    expect(delivered.every((w) => w.verified)).toBe(true);
    expect(delivered.map((w) => JSON.parse(w.body).data.recipient).sort()).toEqual([...recipients].sort());
    expect(receiver.requests.filter((w) => w.answered < 300)).toHaveLength(30);
  } finally {
    if (first.process.exitCode === null) await kill(first);
    if (second) await kill(second, "SIGTERM");
  }
}

describe("on PostgreSQL", () => {
  let database: TestDatabase;

  it("SIGKILL with messages pending and in flight: after a restart every committed event is delivered", async () => {
    database = await createTestDatabase("webhook_crash");
    cleanups.push(() => database.drop());
    const receiver = await startWebhookReceiver();
    cleanups.push(() => receiver.close());
    await outageAndCrash({ DATABASE_URL: database.url, MIGRATION_DATABASE_URL: "" }, receiver);
  }, 180_000);

  it("two server processes on one database never make one attempt twice", async () => {
    const db = await createTestDatabase("webhook_two");
    cleanups.push(() => db.drop());
    const receiver = await startWebhookReceiver();
    cleanups.push(() => receiver.close());
    receiver.setMode({ kind: "ok", delayMs: 20 });
    const env = { DATABASE_URL: db.url, MIGRATION_DATABASE_URL: "", ...WEBHOOK_ENV, REBOUND_WEBHOOK_WORKERS: "8" };
    const a = await startChildServer(env, 90_000);
    const b = await startChildServer({ ...env, REBOUND_DEMO_TENANT: "0" }, 90_000);
    try {
      const key = keyOf(a);
      const gqlA = graphqlClient(a.url, key);
      const gqlB = graphqlClient(b.url, key);
      const setup = await createSetup(gqlA, "two");
      const created = ok(
        await gqlA(CREATE, { input: { url: receiver.url, events: ["BOUNCE_RECEIVED"] } }),
        "createWebhookSubscription",
      );
      receiver.secrets = [created.secret];
      const recipients = Array.from({ length: 200 }, (_, i) => `two${i}@acme.example`);
      for (let i = 0; i < 200; i += 20) await ingest(i % 40 === 0 ? gqlA : gqlB, setup, recipients.slice(i, i + 20));
      await receiver.waitFor(() => receiver.delivered().size === 200, 60_000, "200 events");
      await new Promise((r) => setTimeout(r, 1000));
      // Every request was a different message: no attempt was made twice.
      expect(receiver.requests).toHaveLength(200);
      expect(new Set(receiver.requests.map((w) => w.id)).size).toBe(200);
      expect(receiver.requests.every((w) => w.verified)).toBe(true);
      const attempts = await sql(
        db.url,
        "SELECT delivery_id, count(*)::int AS n FROM webhook_delivery_attempts GROUP BY 1",
      );
      expect(attempts).toHaveLength(200);
      expect(attempts.every((r) => r.n === 1)).toBe(true);
      // Both processes delivered.
      for (const server of [a, b]) {
        const metrics = await (await fetch(server.url.replace("/graphql", "/metrics"))).text();
        const sent = Number(/rebound_webhook_attempts_total\{outcome="succeeded"\} (\d+)/.exec(metrics)?.[1] ?? 0);
        expect(sent).toBeGreaterThan(0);
      }
    } finally {
      await kill(a, "SIGTERM");
      await kill(b, "SIGTERM");
    }
  }, 180_000);
});

describe("rebound worker", () => {
  it("delivers for a server that delivers nothing itself", async () => {
    const db = await createTestDatabase("webhook_worker");
    cleanups.push(() => db.drop());
    const receiver = await startWebhookReceiver();
    cleanups.push(() => receiver.close());
    const env = { DATABASE_URL: db.url, MIGRATION_DATABASE_URL: "", ...WEBHOOK_ENV };
    const server = await startChildServer({ ...env, REBOUND_WEBHOOK_WORKERS: "0" }, 90_000);
    const worker = spawn(process.execPath, [...startNodeFlags(), join(REPO, "bin/rebound.js"), "worker"], {
      cwd: REPO,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    worker.stdout.on("data", (d) => (out += d));
    worker.stderr.on("data", (d) => (out += d));
    const exited = new Promise<number | null>((r) => worker.once("exit", (code) => r(code)));
    try {
      const gql = graphqlClient(server.url, keyOf(server));
      const setup = await createSetup(gql, "worker");
      const created = ok(
        await gql(CREATE, { input: { url: receiver.url, events: ["BOUNCE_RECEIVED"] } }),
        "createWebhookSubscription",
      );
      receiver.secrets = [created.secret];
      await ingest(gql, setup, ["w1@acme.example", "w2@acme.example", "w3@acme.example"]);
      await receiver.waitFor(() => receiver.delivered().size === 3, 30_000, `the worker's deliveries (${out})`);
      expect(out).toContain("Rebound is delivering webhooks");
      expect(receiver.requests.every((w) => w.verified)).toBe(true);
      const serverMetrics = await (await fetch(server.url.replace("/graphql", "/metrics"))).text();
      expect(serverMetrics).not.toMatch(/rebound_webhook_attempts_total\{outcome="succeeded"\} [1-9]/);
    } finally {
      worker.kill("SIGTERM");
      expect(await exited).toBe(0);
      await kill(server, "SIGTERM");
    }
  }, 120_000);
});

describe("on the embedded database (npm start's path)", () => {
  it("the same outage and SIGKILL: every committed event is delivered after a restart", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "rebound-webhooks-"));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const receiver = await startWebhookReceiver();
    cleanups.push(() => receiver.close());
    await outageAndCrash({ DATABASE_URL: "", MIGRATION_DATABASE_URL: "", REBOUND_DATA_DIR: dataDir }, receiver);
  }, 240_000);
});
