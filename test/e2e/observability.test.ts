import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSendingSetup, ingest } from "../support/fixtures";
import { startTestApp, type TestApp } from "../support/test-app";
import { wsClient } from "../support/ws-client";

// What an operator reads: a request id on every GraphQL answer (to quote in a report and find
// in the JSON logs), and Prometheus metrics from prom-client.

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp("observability");
});
afterAll(() => app.close());

async function post(body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(app.url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  return {
    res,
    json: (await res.json()) as { data?: unknown; errors?: unknown[]; extensions?: { requestId?: string } },
  };
}

describe("request ids", () => {
  it("every answer carries one, in the x-request-id header and in extensions.requestId", async () => {
    const a = await post({ query: "{ __typename }" });
    const b = await post({ query: "{ __typename }" });
    expect(a.res.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.json.extensions?.requestId).toBe(a.res.headers.get("x-request-id"));
    expect(b.json.extensions?.requestId).not.toBe(a.json.extensions?.requestId);
  });

  it("keeps a caller's own id when it looks like one, and replaces one that does not", async () => {
    const kept = await post({ query: "{ __typename }" }, { "x-request-id": "checkout-4711-abc" });
    expect(kept.json.extensions?.requestId).toBe("checkout-4711-abc");
    const replaced = await post({ query: "{ __typename }" }, { "x-request-id": "<script>" });
    expect(replaced.json.extensions?.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("errors carry it too", async () => {
    const { json } = await post({ query: "{ nope }" });
    expect(json.errors).toBeDefined();
    expect(json.extensions?.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe("/metrics", () => {
  it("counts requests, operations, SQL statements, ingested events, sockets and the event loop", async () => {
    const { gql, apiKey } = await app.newTenant();
    const setup = await createSendingSetup(gql, "metrics.example");
    await ingest(gql, [
      {
        recipient: "gone@gmail.com",
        campaignId: setup.campaignId,
        smtpResponse: "550 5.1.1 user unknown",
        eventKey: "m-1",
      },
    ]);
    // The same event again is a duplicate: not counted twice.
    await ingest(gql, [
      {
        recipient: "gone@gmail.com",
        campaignId: setup.campaignId,
        smtpResponse: "550 5.1.1 user unknown",
        eventKey: "m-1",
      },
    ]);
    const ws = wsClient(app.wsUrl, apiKey);
    await ws.request("{ __typename }");

    const res = await fetch(app.url.replace(/\/graphql$/, "/metrics"));
    expect(res.headers.get("content-type")).toContain("text/plain");
    const text = await res.text();
    const value = (series: string) =>
      Number(new RegExp(`^${series.replace(/[{}"/]/g, "\\$&")} (\\S+)$`, "m").exec(text)?.[1]);
    expect(value(`rebound_http_requests_total{route="/graphql",status="2xx"}`)).toBeGreaterThanOrEqual(5);
    expect(
      value(`rebound_graphql_operation_duration_seconds_count{type="mutation",outcome="ok"}`),
    ).toBeGreaterThanOrEqual(5);
    expect(value(`rebound_ingested_events_total{source="API"}`)).toBe(1);
    expect(value("rebound_sql_statements_total")).toBeGreaterThan(0);
    expect(value("rebound_websocket_connections")).toBe(1);
    expect(text).toMatch(/^rebound_nodejs_eventloop_lag_seconds \d/m);
    await ws.client.dispose();
  });
});
