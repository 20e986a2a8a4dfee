import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/test-app";
import { collect, sleep } from "../support/subscription";
import { wsClient } from "../support/ws-client";

let app: TestApp;
let apiKey: string;

beforeAll(async () => {
  app = await startTestApp("wslimits", {
    REBOUND_MAX_SUBSCRIPTIONS_PER_CONNECTION: "2",
    REBOUND_MAX_CONNECTIONS_PER_KEY: "2",
  });
  ({ apiKey } = await app.newTenant("wslimits"));
});
afterAll(() => app?.close());

describe("WebSocket limits", () => {
  it("refuse a subscription beyond the per-connection limit with RATE_LIMITED", async () => {
    const ws = wsClient(app.wsUrl, apiKey);
    const first = collect(ws.client, `subscription { alertRaised { kind } }`);
    const second = collect(ws.client, `subscription { bounceReceived { id } }`);
    const third = collect(ws.client, `subscription { bounceReceived { recipient } }`);
    await sleep(300);
    expect(first.errors).toEqual([]);
    expect(second.errors).toEqual([]);
    expect(JSON.stringify(third.errors)).toContain("RATE_LIMITED");
    await ws.dispose();
  });

  it("close a connection beyond the per-key limit with 4429", async () => {
    const a = wsClient(app.wsUrl, apiKey);
    const b = wsClient(app.wsUrl, apiKey);
    await Promise.all([a.request(`{ viewer { name } }`), b.request(`{ viewer { name } }`)]);
    const c = wsClient(app.wsUrl, apiKey);
    expect(await c.closed).toBe(4429);
    await a.dispose();
    await sleep(100);
    const d = wsClient(app.wsUrl, apiKey);
    expect((await d.request(`{ viewer { name } }`)).data).toEqual({ viewer: { name: "wslimits" } });
    await Promise.all([b.dispose(), d.dispose()]);
  });
});
