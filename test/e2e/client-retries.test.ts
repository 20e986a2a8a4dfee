import "reflect-metadata";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createReboundClient, ReboundError } from "../../clients/typescript/src/client";
import { Usage as Viewer } from "../../clients/typescript/examples/integration";
import { tenantService } from "../../src/modules/tenant/tenant.service";
import { startProxiedApp, type ProxiedApp } from "../support/proxied-app";
import { startTestApp, type TestApp } from "../support/test-app";

// The typed client's retries, against real servers: RATE_LIMITED (429) from a key whose cost
// budget is spent, and SERVICE_UNAVAILABLE (503) while the database is cut off, each waited out
// as the answer's Retry-After says, and then the same request succeeds.

describe("RATE_LIMITED", () => {
  let app: TestApp;
  beforeAll(async () => {
    // 60 points refilled at 30/s: a 2-second window that a burst of queries spends.
    app = await startTestApp("clientretry", { REBOUND_KEY_BUCKET: "60", REBOUND_KEY_RESTORE_RATE: "30" });
  });
  afterAll(() => app?.close());

  it("waits Retry-After and sends the request again, until it fits", async () => {
    const { apiKey } = await app.newTenant("retry");
    const retries: Array<{ code: string; delayMs: number }> = [];
    const client = createReboundClient({ url: app.url, apiKey, maxRetries: 5, onRetry: (r) => retries.push(r) });
    for (let i = 0; i < 40; i++) expect((await client.request(Viewer, {})).viewer.name).toBe("retry");
    expect(retries.length).toBeGreaterThan(0);
    for (const r of retries) {
      expect(r.code).toBe("RATE_LIMITED");
      expect(r.delayMs).toBeGreaterThan(0);
      expect(r.delayMs).toBeLessThanOrEqual(2_000);
    }
  }, 60_000);

  it("without retries left, the error is the API's: code RATE_LIMITED, HTTP 429", async () => {
    const { apiKey } = await app.newTenant("no retry");
    const client = createReboundClient({ url: app.url, apiKey, maxRetries: 0 });
    let error: unknown = null;
    for (let i = 0; i < 40 && !error; i++) await client.request(Viewer, {}).catch((e: unknown) => (error = e));
    expect(error).toBeInstanceOf(ReboundError);
    expect(error).toMatchObject({ code: "RATE_LIMITED", status: 429 });
  });
});

describe("SERVICE_UNAVAILABLE", () => {
  let app: ProxiedApp;
  beforeAll(async () => {
    // The outage's failed COMMITs are logged as warnings; the test reads the client's side.
    app = await startProxiedApp("clientoutage", { REBOUND_LOG_LEVEL: "error" });
  });
  afterAll(() => app?.close());

  it("retries through a database outage and returns the answer once the database is back", async () => {
    const { running, url, proxy } = app;
    const { apiKey } = await tenantService.create(running.app, "outage");
    const retries: Array<{ code: string; delayMs: number }> = [];
    const client = createReboundClient({ url, apiKey, maxRetries: 5, onRetry: (r) => retries.push(r) });
    expect((await client.request(Viewer, {})).viewer.name).toBe("outage");
    await proxy.cut();
    const restored = new Promise<void>((resolve) => setTimeout(() => void proxy.restore().then(resolve), 2_500));
    const started = Date.now();
    const answer = await client.request(Viewer, {});
    await restored;
    expect(answer.viewer.name).toBe("outage");
    expect(retries.length).toBeGreaterThan(0);
    expect(retries[0]).toEqual({ attempt: 1, code: "SERVICE_UNAVAILABLE", delayMs: 2_000 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_000);
  }, 60_000);
});
