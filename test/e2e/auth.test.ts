import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { formatApiKey } from "../../src/core/api-key-format";
import { graphqlClient, ok } from "../support/graphql-client";
import { startTestApp, type TestApp } from "../support/test-app";
import { wsClient } from "../support/ws-client";

let app: TestApp;
let adminKey: string;

beforeAll(async () => {
  app = await startTestApp("auth");
  ({ apiKey: adminKey } = await app.newTenant("auth"));
});
afterAll(() => app?.close());

async function keyWith(scopes: string[]): Promise<string> {
  const res = ok(
    await graphqlClient(app.url, adminKey)(
      `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret apiKey { id scopes prefix } userErrors { code } } }`,
      { input: { name: `key ${scopes.join("+")}`, scopes: scopes.map((s) => s.toUpperCase()) } },
    ),
    "createApiKey",
  );
  expect(res.secret.startsWith(res.apiKey.prefix)).toBe(true);
  return res.secret;
}

describe("HTTP authentication", () => {
  it("marks every GraphQL answer no-store, over POST and GET: tenant data is never cached", async () => {
    const post = await fetch(app.url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${adminKey}` },
      body: JSON.stringify({ query: "{ viewer { name } }" }),
    });
    expect(post.status).toBe(200);
    expect(post.headers.get("cache-control")).toBe("no-store");
    const get = await fetch(`${app.url}?query=${encodeURIComponent("{ viewer { name } }")}`, {
      headers: { authorization: `Bearer ${adminKey}`, "apollo-require-preflight": "true" },
    });
    expect(((await get.json()) as { data: { viewer: { name: string } } }).data.viewer.name).toBe("auth");
    expect(get.headers.get("cache-control")).toBe("no-store");
  });

  it("answers introspection without a key, and anything else without a key with 401 and what to send", async () => {
    const anonymous = graphqlClient(app.url, null);
    expect((await anonymous(`{ __typename }`)).data).toEqual({ __typename: "Query" });
    const schema = await anonymous(`{ __schema { queryType { name } } __type(name: "UserErrorCode") { kind } }`);
    expect(schema.status).toBe(200);
    expect(schema.data).toEqual({ __schema: { queryType: { name: "Query" } }, __type: { kind: "ENUM" } });
    for (const query of [
      `{ viewer { name } }`,
      `{ __typename viewer { name } }`,
      `query { ...Root } fragment Root on Query { __typename viewer { id } }`,
      `mutation { createDomain(input: { name: "anon.example" }) { domain { id } userErrors { code } } }`,
    ]) {
      const res = await anonymous(query);
      expect(res.status, query).toBe(401);
      expect(res.data ?? null).toBeNull();
      expect(res.errors?.[0].extensions?.code).toBe("UNAUTHENTICATED");
      expect(res.errors?.[0].message).toMatch(/Authorization: Bearer <api key>/);
    }
  });

  it("says what was expected for a header that is not Bearer, a malformed key and an unknown key", async () => {
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ authorization: "Basic abc" }, /must be "Bearer <api key>"/],
      [{ authorization: adminKey }, /must be "Bearer <api key>"/],
      [{ authorization: "Bearer not-a-key" }, /malformed: a key is rbk_ followed by 39/],
      [{ authorization: `Bearer ${formatApiKey(new Uint8Array(24).fill(3))}` }, /unknown or revoked/],
    ];
    for (const [headers, message] of cases) {
      const res = await graphqlClient(app.url)(`{ viewer { name } }`, undefined, headers);
      expect(res.status).toBe(401);
      expect(res.errors?.[0].extensions?.code).toBe("UNAUTHENTICATED");
      expect(res.errors?.[0].message).toMatch(message);
    }
  });

  it("rejects junk, unknown and revoked keys with UNAUTHENTICATED and status 401", async () => {
    const unknownButWellFormed = formatApiKey(new Uint8Array(24).fill(7));
    const revoked = await keyWith(["read"]);
    const admin = graphqlClient(app.url, adminKey);
    const keys = ok(await admin(`{ apiKeys(first: 100) { edges { node { id name revokedAt } } } }`)).apiKeys.edges;
    const revokedId = keys.find((e: any) => e.node.name === "key read").node.id;
    ok(
      await admin(
        `mutation($input: RevokeApiKeyInput!) { revokeApiKey(input: $input) { apiKey { revokedAt } userErrors { code } } }`,
        { input: { id: revokedId } },
      ),
      "revokeApiKey",
    );

    for (const key of [
      "junk",
      "rbk_" + "a".repeat(39),
      unknownButWellFormed,
      revoked,
      adminKey.slice(0, -1) + (adminKey.endsWith("a") ? "b" : "a"),
    ]) {
      const res = await graphqlClient(app.url, key)(`{ viewer { name } }`);
      expect(res.status).toBe(401);
      expect(res.errors?.[0].extensions?.code).toBe("UNAUTHENTICATED");
    }
    const malformedHeader = await graphqlClient(app.url)(`{ __typename }`, undefined, { authorization: "Basic abc" });
    expect(malformedHeader.status).toBe(401);
  });

  it("stops a key that was just in use the moment its revocation commits", async () => {
    const key = await keyWith(["read", "admin"]);
    const client = graphqlClient(app.url, key);
    expect(ok(await client(`{ viewer { name } }`)).viewer.name).toBe("auth"); // looked up, and remembered
    const me = ok(await client(`{ apiKeys(first: 100) { edges { node { id name } } } }`)).apiKeys.edges.find(
      (e: any) => e.node.name === "key read+admin",
    ).node.id;
    ok(
      await client(
        `mutation($input: RevokeApiKeyInput!) { revokeApiKey(input: $input) { apiKey { revokedAt } userErrors { code } } }`,
        { input: { id: me } },
      ),
      "revokeApiKey",
    );
    const after = await client(`{ viewer { name } }`);
    expect(after.status).toBe(401);
    expect(after.errors?.[0].extensions?.code).toBe("UNAUTHENTICATED");
  });

  it("lets a read-only key query but not mutate (FORBIDDEN), and reports the missing scope", async () => {
    const reader = graphqlClient(app.url, await keyWith(["read"]));
    expect(ok(await reader(`{ viewer { name } }`)).viewer.name).toBe("auth");
    const res = await reader(
      `mutation { createDomain(input: { name: "ro.example" }) { domain { id } userErrors { code } } }`,
    );
    expect(res.errors?.[0].extensions).toMatchObject({ code: "FORBIDDEN", requiredScope: "write" });
    const writerOnly = graphqlClient(app.url, await keyWith(["write"]));
    expect((await writerOnly(`{ viewer { name } }`)).errors?.[0].extensions?.code).toBe("FORBIDDEN");
    expect((await reader(`{ apiKeys(first: 5) { edges { node { id } } } }`)).errors?.[0].extensions?.code).toBe(
      "FORBIDDEN",
    );
  });

  it("stores keys only as hashes and keeps lastUsedAt", async () => {
    const rows = await app.running.app.db.dataSource.query("SELECT key_hash, key_prefix FROM api_keys");
    for (const row of rows) {
      expect(row.key_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(row.key_hash).not.toContain(adminKey.slice(4));
    }
    const admin = graphqlClient(app.url, adminKey);
    await admin(`{ viewer { id } }`);
    await new Promise((r) => setTimeout(r, 300));
    const keys = ok(await admin(`{ apiKeys(first: 100) { edges { node { name lastUsedAt } } } }`)).apiKeys.edges;
    expect(keys.find((e: any) => e.node.name === "first key").node.lastUsedAt).not.toBeNull();
  });
});

describe("WebSocket authentication", () => {
  it("closes the socket with 4403 for a missing, junk or revoked key", async () => {
    for (const key of [null, "junk", formatApiKey(new Uint8Array(24).fill(9))]) {
      const ws = wsClient(app.wsUrl, key);
      expect(await ws.closed).toBe(4403);
    }
  });

  it("says in the close reason what connection_init should have carried", async () => {
    const reasons: string[] = [];
    for (const payload of [{}, { authorization: "Token x" }, { authorization: "Bearer junk" }]) {
      const socket = new WebSocket(app.wsUrl, "graphql-transport-ws");
      await new Promise((r) => socket.once("open", r));
      socket.send(JSON.stringify({ type: "connection_init", payload }));
      const [code, reason] = await new Promise<[number, string]>((r) =>
        socket.once("close", (c: number, why: Buffer) => r([c, why.toString()])),
      );
      expect(code).toBe(4403);
      reasons.push(reason);
    }
    expect(reasons[0]).toMatch(/"authorization": "Bearer <api key>"/);
    expect(reasons[1]).toMatch(/must be "Bearer <api key>"/);
    expect(reasons[2]).toMatch(/malformed/);
  });

  it("serves queries and mutations over the socket with the same scopes and errors", async () => {
    const ws = wsClient(app.wsUrl, adminKey);
    const res = await ws.request(`{ viewer { name } }`);
    expect(res.data).toEqual({ viewer: { name: "auth" } });
    const created = await ws.request(
      `mutation { createDomain(input: { name: "ws.example" }) { domain { name } userErrors { code } } }`,
    );
    expect(created.data.createDomain.domain.name).toBe("ws.example");
    await ws.dispose();

    const reader = wsClient(app.wsUrl, await keyWith(["read"]));
    const denied = await reader.request(
      `mutation { createDomain(input: { name: "ws2.example" }) { domain { name } userErrors { code } } }`,
    );
    expect(denied.errors?.[0].extensions?.code).toBe("FORBIDDEN");
    await reader.dispose();
  });
});
