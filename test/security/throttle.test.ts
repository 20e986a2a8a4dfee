import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { startChildServer, type ChildServer } from "../support/child-server";
import { startTestApp, type TestApp } from "../support/test-app";

// Issue 14, finding 2: no throttling anywhere. Budgets here are small so that a burst
// crosses them in a few dozen requests; the production defaults are in the README.

const LIMITS = {
  REBOUND_KEY_BUCKET: "100",
  REBOUND_KEY_RESTORE_RATE: "2", // window 50 s: nothing refills during the test
  REBOUND_TENANT_BUCKET: "100000",
  REBOUND_TENANT_RESTORE_RATE: "2000",
  REBOUND_AUTH_FAILURES_PER_MINUTE: "5",
  REBOUND_MAX_CONNECTIONS_PER_TENANT: "2",
};
// requested 2 (viewer, settings), actual 2: 50 fit in a bucket of 100.
const CHEAP = `{ viewer { id settings { campaignHeader } } }`;

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: any;
}

/** POST over plain node:http, optionally from another loopback source address. */
function post(url: string, key: string | null, query: string, localAddress?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ query });
    const req = request(
      url,
      {
        method: "POST",
        localAddress,
        agent: false,
        headers: { "content-type": "application/json", ...(key ? { authorization: `Bearer ${key}` } : {}) },
      },
      (res) => {
        let text = "";
        res.on("data", (d) => (text += d));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: JSON.parse(text) }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

async function burstUntilLimited(url: string, key: string, max = 120): Promise<{ allowed: number; limited: Answer }> {
  for (let i = 0; i < max; i++) {
    const a = await post(url, key, CHEAP);
    if (a.status === 429) return { allowed: i, limited: a };
    expect(a.status).toBe(200);
  }
  throw new Error(`no 429 within ${max} requests`);
}

describe("throttling (in memory, one process)", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp("secthrottle", LIMITS);
  });
  afterAll(() => app?.close());

  it("reports each answer's cost, and a burst over the key's bucket gets 429 + Retry-After + RateLimit-*; another tenant is unaffected", async () => {
    const a = await app.newTenant("a");
    const b = await app.newTenant("b");
    const first = await post(app.url, a.apiKey, CHEAP);
    expect(first.body.extensions.cost).toMatchObject({
      requestedQueryCost: 2,
      actualQueryCost: 2,
      throttleStatus: { maximumAvailable: 100 },
    });
    expect(first.headers["ratelimit-limit"]).toBe("100");
    const { allowed, limited } = await burstUntilLimited(app.url, a.apiKey);
    expect(allowed + 1).toBe(50);
    expect(limited.body.errors[0].extensions).toMatchObject({ code: "RATE_LIMITED" });
    expect(limited.body.errors[0].extensions.retryAfter).toBeGreaterThan(0);
    expect(Number(limited.headers["retry-after"])).toBeGreaterThan(0);
    expect(limited.headers["ratelimit-limit"]).toBe("100");
    expect(limited.headers["ratelimit-remaining"]).toBe("0");
    expect(Number(limited.headers["ratelimit-reset"])).toBeGreaterThan(0);
    expect(limited.headers["ratelimit-policy"]).toMatch(/^100;w=\d+$/);
    // Meanwhile another tenant is served as usual.
    expect((await post(app.url, b.apiKey, CHEAP)).status).toBe(200);
  });

  it("an admin raises one tenant's budget in its settings", async () => {
    const a = await app.newTenant("raised");
    const { graphqlClient, ok } = await import("../support/graphql-client");
    const admin = ok(
      await a.gql(`mutation { createApiKey(input: { name: "admin2", scopes: [ADMIN] }) { secret } }`),
      "createApiKey",
    ).secret;
    await burstUntilLimited(app.url, a.apiKey);
    // An admin key of the same tenant is its own bucket: it changes the setting...
    const set = ok(
      await graphqlClient(
        app.url,
        admin,
      )(
        `mutation { updateTenantSettings(input: { settings: { keyBucket: 1000 } }) { tenant { settings { keyBucket } } userErrors { code } } }`,
      ),
      "updateTenantSettings",
    );
    expect(set.tenant.settings.keyBucket).toBe(1000);
    // ... and the first key, in a new, larger bucket, is served again.
    expect((await post(app.url, a.apiKey, CHEAP)).status).toBe(200);
  });

  it("slows a failed-authentication flood from one address while a valid key from another address still works", async () => {
    const t = await app.newTenant("victim");
    const bad = "rb_live_" + "x".repeat(40);
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await post(app.url, bad, CHEAP, "127.0.0.1")).status);
    expect(statuses.slice(0, 5).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(6).every((s) => s === 429)).toBe(true);
    // Even a valid key is refused from the flooding address until its window passes...
    const flooded = await post(app.url, t.apiKey, CHEAP, "127.0.0.1");
    expect(flooded.status).toBe(429);
    expect(Number(flooded.headers["retry-after"])).toBeGreaterThan(0);
    // ... while another client address is served.
    expect((await post(app.url, t.apiKey, CHEAP, "127.0.0.2")).status).toBe(200);
  });

  it("closes a tenant's WebSockets beyond its limit with 4429", async () => {
    const t = await app.newTenant("sockets");
    const open = (): Promise<{ ws: WebSocket; result: string | number }> =>
      new Promise((resolve) => {
        const ws = new WebSocket(app.wsUrl, "graphql-transport-ws", { localAddress: "127.0.0.3" });
        ws.on("open", () =>
          ws.send(JSON.stringify({ type: "connection_init", payload: { authorization: `Bearer ${t.apiKey}` } })),
        );
        ws.on("message", (m) => {
          if (JSON.parse(String(m)).type === "connection_ack") resolve({ ws, result: "ack" });
        });
        ws.on("close", (code) => resolve({ ws, result: code }));
      });
    const a = await open();
    const b = await open();
    const c = await open();
    expect([a.result, b.result, c.result]).toEqual(["ack", "ack", 4429]);
    a.ws.close();
    b.ws.close();
  });
});

describe("throttling across two server processes sharing Redis", () => {
  let app: TestApp;
  let child: ChildServer;
  beforeAll(async () => {
    const env = { ...LIMITS, REDIS_URL: "redis://127.0.0.1:6379", REBOUND_AUTH_FAILURES_PER_MINUTE: "1000" };
    app = await startTestApp("secthrottleredis", env);
    child = await startChildServer({
      ...env,
      DATABASE_URL: app.database.url,
      MIGRATION_DATABASE_URL: "",
      REBOUND_DEMO_TENANT: "0",
      REBOUND_AUDIT_INTERVAL_MINUTES: "0",
    });
  });
  afterAll(async () => {
    child?.process.kill("SIGTERM");
    await child?.exited;
    await app?.close();
  });

  it("spends one bucket per key whichever process answers", async () => {
    if (child.process.exitCode !== null) throw new Error(`child exited:\n${child.output()}`);
    const t = await app.newTenant("shared");
    let served = 0;
    let limited: Answer | null = null;
    for (let i = 0; i < 120 && !limited; i++) {
      const a = await post(i % 2 === 0 ? app.url : child.url, t.apiKey, CHEAP);
      if (a.status === 429) limited = a;
      else served++;
    }
    // One bucket of 100 at 2 points each, whichever process was asked: 50 served in all,
    // not 50 per process.
    expect(served).toBe(50);
    expect(limited).not.toBeNull();
    expect((await post(app.url, t.apiKey, CHEAP)).status).toBe(429);
    expect((await post(child.url, t.apiKey, CHEAP)).status).toBe(429);
  });
});
