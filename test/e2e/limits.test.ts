import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { statementCounter } from "../../src/platform/db/statement-counter";
import { graphqlClient, type Gql } from "../support/graphql-client";
import { startTestApp, type TestApp } from "../support/test-app";
import { wsClient } from "../support/ws-client";

// One set of operation limits, enforced before any resolver runs, over HTTP and WebSocket.
// Small limits here so each violation is cheap to write.

let app: TestApp;
let gql: Gql;
let apiKey: string;

beforeAll(async () => {
  app = await startTestApp("limits", {
    REBOUND_MAX_DEPTH: "4",
    REBOUND_MAX_ALIASES: "3",
    REBOUND_MAX_TOKENS: "400",
    REBOUND_MAX_COST: "500",
    REBOUND_MAX_BODY_BYTES: "20000",
    REBOUND_MAX_INGEST_BODY_BYTES: "200000",
  });
  ({ gql, apiKey } = await app.newTenant("limits"));
  await gql(`{ viewer { name } }`); // the key's first use also records lastUsedAt
});
afterAll(() => app?.close());

const tooDeep = `{ campaigns(first: 1) { edges { node { inboxes { domain { name } } } } } }`;
const tooManyAliases = `{ a: viewer { name } b: viewer { name } c: viewer { name } d: viewer { name } }`;
const tooCostly = `{ campaigns(first: 100) { edges { node { id name status createdAt updatedAt } } } }`;
const tooManyTokens = `{ ${Array.from({ length: 500 }, () => "__typename").join(" ")} }`;

const violations: Array<[string, string, string]> = [
  ["depth", tooDeep, "depth"],
  ["aliases", tooManyAliases, "aliases"],
  ["cost", tooCostly, "cost"],
  ["tokens", tooManyTokens, "tokens"],
];

describe("operation limits over HTTP", () => {
  for (const [name, query, limit] of violations) {
    it(`reject a query over the ${name} limit with QUERY_TOO_COMPLEX before any SQL runs`, async () => {
      const before = statementCounter.total;
      const res = await gql(query);
      expect(res.errors?.[0].extensions).toMatchObject({ code: "QUERY_TOO_COMPLEX", limit });
      expect(res.data).toBeUndefined();
      // Only the API key look-up ran; no resolver touched the database.
      expect(statementCounter.total - before).toBeLessThanOrEqual(1);
    });
  }

  it("let the playground's introspection query through", async () => {
    const res = await graphqlClient(
      app.url,
      null,
    )(`{ __schema { types { name fields { name type { name ofType { name ofType { name ofType { name } } } } } } } }`);
    expect(res.errors).toBeUndefined();
  });

  it("refuse an oversized body with 413 PAYLOAD_TOO_LARGE", async () => {
    const big = `{ viewer { name } } # ${"x".repeat(30_000)}`;
    const res = await gql(big);
    expect(res.status).toBe(413);
    expect(res.errors?.[0].extensions?.code).toBe("PAYLOAD_TOO_LARGE");
    const huge = await gql(`query($raw: String!) { analyzeBounce(raw: $raw) { kind } }`, { raw: "x".repeat(300_000) });
    expect(huge.status).toBe(413);
  });

  it("allow a large body for a bulk operation up to the ingest limit", async () => {
    const raw = "From: MAILER-DAEMON@example.org\nSubject: Undelivered Mail\n\n" + "filler line\n".repeat(5_000);
    const res = await gql(`query($raw: String!) { analyzeBounce(raw: $raw) { kind } }`, { raw });
    expect(res.status).toBe(200);
    expect(res.errors).toBeUndefined();
  });

  it("answer malformed JSON with 400 BAD_REQUEST", async () => {
    const res = await fetch(app.url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}` },
      body: "{not json",
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0].extensions.code).toBe(
      "BAD_REQUEST",
    );
  });
});

describe("operation limits over WebSocket", () => {
  for (const [name, query, limit] of violations) {
    it(`reject the same ${name} violation with the same code`, async () => {
      const ws = wsClient(app.wsUrl, apiKey);
      const res = await ws.request(query);
      await ws.dispose();
      expect(res.errors?.[0].extensions).toMatchObject({ code: "QUERY_TOO_COMPLEX", limit });
    });
  }

  it("apply the depth limit to subscriptions too", async () => {
    const ws = wsClient(app.wsUrl, apiKey);
    const res = await ws.request(`subscription { bounceReceived { campaign { inboxes { domain { name } } } } }`);
    await ws.dispose();
    expect(res.errors?.[0].extensions).toMatchObject({ code: "QUERY_TOO_COMPLEX", limit: "depth" });
  });
});
