// How an operation's transaction ends (src/platform/http/transaction.policy.ts), one policy
// for GraphQL over HTTP and over WebSocket: errors roll everything back, a mutation is
// answered only once committed, a query's read transaction ends after its answer, and a
// commit that fails replaces the answer's data with an error saying nothing was stored.

import { OperationTypeNode } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RequestContext } from "../../src/platform/context";
import { openTransactions } from "../../src/platform/db/tenant-transaction";
import { endOperation } from "../../src/platform/http/transaction.policy";
import { ok, type Gql } from "../support/graphql-client";
import { startTestApp, type TestApp } from "../support/test-app";
import { wsClient } from "../support/ws-client";

let app: TestApp;
let gql: Gql;
let apiKey: string;
let tenantId: string;

beforeAll(async () => {
  app = await startTestApp("txpolicy");
  const t = await app.newTenant("policy");
  gql = t.gql;
  apiKey = t.apiKey;
  tenantId = (await app.running.app.db.dataSource.query("SELECT id FROM tenants WHERE name = 'policy'"))[0].id;
}, 60_000);
afterAll(() => app?.close());

function context(): RequestContext {
  return new RequestContext(app.running.app, { tenantId, keyId: "test", scopes: ["admin"] });
}

async function tenantName(): Promise<string> {
  return (await app.running.app.db.dataSource.query("SELECT name FROM tenants WHERE id = $1", [tenantId]))[0].name;
}

async function rename(ctx: RequestContext, name: string): Promise<void> {
  await (await ctx.db()).query("UPDATE tenants SET name = $1 WHERE id = $2", [name, tenantId]);
}

describe("endOperation", () => {
  it("rolls back an operation whose result had errors", async () => {
    const ctx = context();
    await rename(ctx, "errored");
    expect(await endOperation(ctx, OperationTypeNode.MUTATION, true)).toEqual({ kind: "rolled-back" });
    expect(await tenantName()).toBe("policy");
  });

  it("commits a mutation before answering, saying whether it used the database", async () => {
    const ctx = context();
    await rename(ctx, "committed");
    expect(await endOperation(ctx, OperationTypeNode.MUTATION, false)).toEqual({ kind: "committed", wrote: true });
    expect(await tenantName()).toBe("committed");
    const restore = context();
    await rename(restore, "policy");
    await endOperation(restore, OperationTypeNode.MUTATION, false);
    expect(await endOperation(context(), OperationTypeNode.MUTATION, false)).toEqual({
      kind: "committed",
      wrote: false,
    });
  });

  it("answers a query before its read transaction ends, and ends it right after", async () => {
    const ctx = context();
    await (await ctx.db()).query("SELECT 1");
    const open = openTransactions.count;
    expect(await endOperation(ctx, OperationTypeNode.QUERY, false)).toEqual({ kind: "answered-before-commit" });
    const deadline = Date.now() + 2_000;
    while (openTransactions.count >= open && Date.now() < deadline) await new Promise((r) => setTimeout(r, 2));
    expect(openTransactions.count).toBe(open - 1);
  });

  it("turns a failed commit into an error that says nothing was stored", async () => {
    const ctx = context();
    await rename(ctx, "lost");
    ctx.tx.notifyOnCommit("policy_test", "x".repeat(9_000)); // PostgreSQL refuses it: the commit fails
    expect(await endOperation(ctx, OperationTypeNode.MUTATION, false)).toEqual({
      kind: "commit-failed",
      unavailable: false,
      errors: [
        {
          message: "The change could not be committed; nothing was stored. Retry.",
          extensions: { code: "INTERNAL_SERVER_ERROR" },
        },
      ],
    });
    expect(await tenantName()).toBe("policy");
  });
});

describe("the same policy over both transports", () => {
  const CREATE = `mutation($n: String!) { createDomain(input: { name: $n }) { domain { id name } userErrors { code } } }`;
  const LIST = `query { domains(first: 100) { edges { node { name } } } }`;

  it("commits a mutation over WebSocket as over HTTP before answering", async () => {
    const ws = wsClient(app.wsUrl, apiKey);
    try {
      const overWs = await ws.request(CREATE, { n: "ws.example" });
      expect(overWs.errors).toBeUndefined();
      ok(await gql(CREATE, { n: "http.example" }), "createDomain");
      // Both visible to the other transport's next request: committed before the answer left.
      const names = ok(await gql(LIST)).domains.edges.map((e: any) => e.node.name);
      expect(names).toEqual(expect.arrayContaining(["ws.example", "http.example"]));
      const overWsList = await ws.request(LIST);
      expect(overWsList.data.domains.edges.map((e: any) => e.node.name)).toEqual(
        expect.arrayContaining(["ws.example", "http.example"]),
      );
    } finally {
      await ws.client.dispose();
    }
  });
});
