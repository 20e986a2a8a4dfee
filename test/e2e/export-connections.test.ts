import { request, type IncomingMessage } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ok } from "../support/graphql-client";
import { startTestApp, type TestApp } from "../support/test-app";
import { sql, uuidFromGlobal } from "./ingest-support";

// Exports on PostgreSQL read from a cursor on connections of their own (DB_EXPORT_POOL_SIZE,
// here 1). While the one export connection streams to a client that has stopped reading,
// GraphQL requests go on (they use the request pool), a second export waits for the
// connection and, not getting it within the pool's 10 s, is answered SERVICE_UNAVAILABLE
// (retryable); once the first export is read to its end, the connection serves the next.

const ROWS = 20_000;
let app: TestApp;
let key: string;
let gqlViewer: () => Promise<string>;

beforeAll(async () => {
  app = await startTestApp("exportconns", { DB_EXPORT_POOL_SIZE: "1" });
  const t = await app.newTenant("export connections");
  key = t.apiKey;
  gqlViewer = async () => ok(await t.gql(`{ viewer { name } }`)).viewer.name;
  // About 400 bytes a record: 20,000 are far more than the socket buffers hold.
  await sql(
    app.database.url,
    `INSERT INTO bounce_events (tenant_id, dedupe_key, source, recipient, recipient_domain, recipient_provider,
       reason, bounce_type, hard_bounce, fault, variant, diagnostic_code, likely_cause, first_action, rule_version, occurred_at)
     SELECT $1, 'conn-' || g, 'API', 'user' || g || '@gmail.com', 'gmail.com', 'GMAIL', 'userunknown', 'HARD', true,
            'RECIPIENT_ADDRESS', 'USER_UNKNOWN', '550 5.1.1 ' || repeat('mailbox unavailable ', 12), 'x', 'y', 'test',
            timestamptz '2026-01-01' + g * interval '1 second'
       FROM generate_series(1, ${ROWS}) g`,
    [uuidFromGlobal(t.tenantId)],
  );
}, 120_000);
afterAll(() => app?.close());

function exportRequest(): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = request(`${app.url.replace("/graphql", "")}/export/bounce-events.csv`, {
      headers: { authorization: `Bearer ${key}` },
    });
    req.on("response", resolve);
    req.on("error", reject);
    req.end();
  });
}

async function body(res: IncomingMessage): Promise<string> {
  res.setEncoding("utf8");
  let text = "";
  for await (const chunk of res) text += chunk;
  return text;
}

describe("the export connections", () => {
  it("are apart from the request pool; a busy one makes the next export retry, then serves it", async () => {
    const first = await exportRequest();
    expect(first.statusCode).toBe(200);
    first.setEncoding("utf8");
    let text = await new Promise<string>((resolve) => first.once("data", resolve));
    first.pause();

    expect(await gqlViewer()).toBe("export connections");

    const second = await exportRequest();
    expect(second.statusCode).toBe(503);
    expect(second.headers["retry-after"]).toBeDefined();
    expect(JSON.parse(await body(second)).errors[0].extensions.code).toBe("SERVICE_UNAVAILABLE");

    first.on("data", (chunk: string) => (text += chunk));
    first.resume();
    await new Promise((resolve) => first.once("end", resolve));
    expect(text.split("\r\n").filter(Boolean)).toHaveLength(ROWS + 1);

    const third = await exportRequest();
    expect(third.statusCode).toBe(200);
    expect((await body(third)).split("\r\n").filter(Boolean)).toHaveLength(ROWS + 1);
  }, 60_000);
});
