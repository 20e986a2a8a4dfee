import { mkdtempSync, rmSync } from "node:fs";
import { request, type IncomingMessage } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphqlClient, ok } from "../support/graphql-client";
import { startChildServer, type ChildServer } from "../support/child-server";

// The embedded database has one connection. An export there reads keyset pages, each its own
// transaction, so a client that downloads slowly (here: not at all, for a while) does not hold
// the connection: other requests are answered while the export waits on its reader, and the
// export then finishes with every row, in order, none repeated.

const EVENTS = 8_000;
const BATCH = 1_000;
// About 1 KB a record: 8,000 records are far more than the socket buffers between the paused
// reader and the server hold, so the export is still reading pages when the reader stops.
const FILLER = "mailbox unavailable ".repeat(45);

const dataDir = mkdtempSync(join(tmpdir(), "rebound-embedded-export-"));
let server: ChildServer;
let key: string;

beforeAll(async () => {
  server = await startChildServer({ DATABASE_URL: "", MIGRATION_DATABASE_URL: "", REBOUND_DATA_DIR: dataDir }, 90_000);
  key = /Bearer (rbk_[0-9A-Za-z]+)/.exec(server.output())![1]!;
  const gql = graphqlClient(server.url, key);
  for (let b = 0; b < EVENTS / BATCH; b++) {
    const events = Array.from({ length: BATCH }, (_, i) => {
      const n = b * BATCH + i;
      return {
        recipient: `user${n}@gmail.com`,
        eventKey: `export-${n}`,
        diagnosticCode: `smtp; 550 5.1.1 user${n}: ${FILLER}`,
        occurredAt: new Date(Date.UTC(2026, 0, 1) + n * 1000).toISOString(),
      };
    });
    const r = ok(
      await gql(
        `mutation($input: IngestBouncesInput!) { ingestBounces(input: $input) { inserted userErrors { code } } }`,
        {
          input: { events },
        },
      ),
      "ingestBounces",
    );
    expect(r.userErrors).toEqual([]);
    expect(r.inserted).toBe(BATCH);
  }
}, 300_000);

afterAll(async () => {
  server?.process.kill("SIGTERM");
  await server?.exited;
  rmSync(dataDir, { recursive: true, force: true });
});

describe("an export on the embedded database", () => {
  it("leaves the one connection to other requests while its client is not reading", async () => {
    const url = new URL(server.url.replace("/graphql", "/export/bounce-events.csv"));
    let text = "";
    let ended = false;
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = request(url, { headers: { authorization: `Bearer ${key}` } }, resolve);
      req.on("error", reject);
      req.end();
    });
    expect(res.statusCode).toBe(200);
    res.setEncoding("utf8");
    // The first chunk arrives, then the client stops reading.
    text += await new Promise<string>((resolve) => res.once("data", resolve));
    res.pause();
    res.on("end", () => (ended = true));

    // Meanwhile the same tenant and the API at large are answered, on the same connection.
    const gql = graphqlClient(server.url, key);
    const answered = ok(await gql(`{ viewer { name } bounceEvents(first: 1) { totalCount } }`));
    expect(answered.viewer.name).toBe("Demo tenant");
    expect(answered.bounceEvents.totalCount).toBe(EVENTS);
    expect(ended).toBe(false);

    // Reading again, the export runs to its end with every row once, oldest first.
    res.on("data", (chunk: string) => (text += chunk));
    res.resume();
    await new Promise((resolve) => res.once("end", resolve));
    const records = text.split("\r\n").filter(Boolean);
    expect(records[0]!.startsWith("id,occurred_at,")).toBe(true);
    const recipients = records.slice(1).map((r) => /,(user\d+@gmail\.com),/.exec(r)?.[1]);
    expect(recipients).toEqual(Array.from({ length: EVENTS }, (_, n) => `user${n}@gmail.com`));
  }, 120_000);
});
