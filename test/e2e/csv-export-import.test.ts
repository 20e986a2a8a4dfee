import { request } from "node:http";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ok, type Gql } from "../support/graphql-client";
import { startTestApp, type TestApp } from "../support/test-app";
import { createSetup, sql, uuidFromGlobal, type Setup } from "./ingest-support";

// GET /export/suppressions.csv, GET /export/bounce-events.csv?from&to, POST /import/suppressions.csv:
// the key and its scopes, tenant isolation, RFC 4180 text, the import's report, idempotency,
// all-or-nothing on a broken file, and the upload limit.

const IMPORT_LIMIT = 200_000;
let app: TestApp;
let base: string;
let a: { tenantId: string; apiKey: string; gql: Gql };
let b: { tenantId: string; apiKey: string; gql: Gql };
let setupA: Setup;

beforeAll(async () => {
  app = await startTestApp("csv", { REBOUND_MAX_IMPORT_BODY_BYTES: String(IMPORT_LIMIT) });
  base = app.url.replace(/\/graphql$/, "");
  a = await app.newTenant("csv a");
  b = await app.newTenant("csv b");
  setupA = await createSetup(a.gql, "csv");
});
afterAll(() => app?.close());

const get = (path: string, key: string | null, headers: Record<string, string> = {}) =>
  fetch(`${base}${path}`, { headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers } });

const importCsv = (key: string, body: string, contentType = "text/csv") =>
  fetch(`${base}/import/suppressions.csv`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": contentType },
    body,
  });

async function keyWith(gql: Gql, scopes: string[]): Promise<string> {
  const r = ok(
    await gql(
      `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret userErrors { code message } } }`,
      { input: { name: scopes.join("+"), scopes } },
    ),
    "createApiKey",
  );
  return r.secret as string;
}

/** A JSON answer's body (the tests look into it field by field). */
const jsonOf = async (res: Response): Promise<any> => res.json();
const errorsOf = async (res: Response) =>
  (await jsonOf(res)).errors as Array<{ message: string; extensions: Record<string, unknown> }>;

const records = (text: string): string[][] => parse(text, { bom: true });
const objects = (text: string): Array<Record<string, string>> => parse(text, { columns: true });

async function activeValues(tenantId: string): Promise<string[]> {
  const rows = await sql<{ value: string }>(
    app.database.url,
    "SELECT value FROM suppressions WHERE tenant_id = $1 AND removed_at IS NULL ORDER BY value",
    [uuidFromGlobal(tenantId)],
  );
  return rows.map((r) => r.value);
}

describe("authentication and scopes", () => {
  for (const path of ["/export/suppressions.csv", "/export/bounce-events.csv"]) {
    it(`${path}: no key, a malformed header and a wrong key are 401 UNAUTHENTICATED, saying what is expected`, async () => {
      const none = await get(path, null);
      expect(none.status).toBe(401);
      expect((await jsonOf(none)).errors[0]).toMatchObject({
        extensions: { code: "UNAUTHENTICATED" },
        message: expect.stringContaining("Authorization: Bearer <api key>"),
      });
      const basic = await get(path, null, { authorization: "Basic dXNlcjpwYXNz" });
      expect(basic.status).toBe(401);
      expect((await jsonOf(basic)).errors[0].message).toContain('must be "Bearer <api key>"');
      const wrong = await get(path, "rbk_000000000000000000000000000000000000000");
      expect(wrong.status).toBe(401);
      expect((await jsonOf(wrong)).errors[0]).toMatchObject({
        extensions: { code: "UNAUTHENTICATED" },
        message: expect.stringContaining("malformed"),
      });
    });
  }

  it("export needs the read scope and import the write scope: FORBIDDEN names the scope", async () => {
    const ingestOnly = await keyWith(a.gql, ["INGEST"]);
    const res = await get("/export/suppressions.csv", ingestOnly);
    expect(res.status).toBe(403);
    expect((await jsonOf(res)).errors[0].extensions).toEqual({ code: "FORBIDDEN", requiredScope: "read" });
    const readOnly = await keyWith(a.gql, ["READ"]);
    const imp = await importCsv(readOnly, "email\nx@example.com\n");
    expect(imp.status).toBe(403);
    expect((await jsonOf(imp)).errors[0].extensions).toEqual({ code: "FORBIDDEN", requiredScope: "write" });
    expect((await get("/export/bounce-events.csv", readOnly)).status).toBe(200);
  });
});

describe("export", () => {
  it("suppressions: RFC 4180 quoting, CRLF records, formula-safe fields, the API's ids", async () => {
    const note = 'He said "no", then\r\nleft; also a\nbare LF and a \r bare CR';
    const added = ok(
      await a.gql(
        `mutation($input: AddSuppressionsInput!) { addSuppressions(input: $input) { suppressions { id value } userErrors { code message } } }`,
        { input: { addresses: ["quote.me@example.com"], note } },
      ),
      "addSuppressions",
    ).suppressions;
    ok(
      await a.gql(
        `mutation($input: AddSuppressionsInput!) { addSuppressions(input: $input) { inserted userErrors { code message } } }`,
        { input: { domains: ["formula.example"], note: '=HYPERLINK("http://evil.example","click")' } },
      ),
      "addSuppressions",
    );
    const res = await get("/export/suppressions.csv", a.apiKey);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8; header=present");
    expect(res.headers.get("content-disposition")).toBe('attachment; filename="suppressions.csv"');
    expect(res.headers.get("cache-control")).toBe("no-store");
    const text = await res.text();
    expect(text.startsWith("id,scope,value,reason,bounce_reason,note,created_at,")).toBe(true);
    // Every record ends with CRLF; the quoted field keeps its own line breaks and doubles its quotes.
    expect(text.endsWith("\r\n")).toBe(true);
    expect(text).toContain(`"He said ""no"", then\r\nleft; also a\nbare LF and a \r bare CR"`);
    expect(text).toContain(`"'=HYPERLINK(""http://evil.example"",""click"")"`);
    const rows = objects(text);
    const quoted = rows.find((r) => r.value === "quote.me@example.com")!;
    expect(quoted).toMatchObject({ id: added[0].id, scope: "ADDRESS", reason: "MANUAL", note, removed_at: "" });
    expect(new Date(quoted.created_at).toISOString()).toBe(quoted.created_at);
    expect(rows.find((r) => r.value === "formula.example")!.note).toBe('\'=HYPERLINK("http://evil.example","click")');
  });

  it("another tenant's suppressions and events never appear: tenant B exports headers only", async () => {
    const supp = await (await get("/export/suppressions.csv", b.apiKey)).text();
    expect(records(supp)).toHaveLength(1);
    const events = await (await get("/export/bounce-events.csv", b.apiKey)).text();
    expect(records(events)).toHaveLength(1);
    expect(events.split("\r\n")[0]).toBe(
      "id,occurred_at,received_at,source,recipient,recipient_domain,recipient_provider,reason,bounce_type,hard_bounce,fault,variant,status,reply_code,diagnostic_code,remote_mta,reporting_mta,feedback_type,message_id,campaign_id,inbox_id",
    );
  });

  it("bounce events: [from, to) by occurrence, oldest first, with the API's enum names and ids", async () => {
    const events = [
      ["2026-03-01T10:00:00Z", "550 5.1.1 <one@gmail.com>: user unknown", "one@gmail.com"],
      ["2026-03-02T10:00:00Z", '451 4.7.1 Try again later, "greylisted", see https://x.example/a,b', "two@yahoo.com"],
      ["2026-03-03T10:00:00Z", "550 5.7.1 Message refused", "three@outlook.com"],
      ["2026-03-04T10:00:00Z", "550 5.1.1 user unknown", "four@gmail.com"],
    ].map(([occurredAt, smtpResponse, recipient], i) => ({
      occurredAt,
      smtpResponse,
      recipient,
      campaignId: setupA.campaignId,
      inboxId: setupA.inboxId,
      eventKey: `csv-${i}`,
    }));
    const ingested = ok(
      await a.gql(
        `mutation($input: IngestBouncesInput!) { ingestBounces(input: $input) { inserted events { id recipient reason fault } userErrors { code message } } }`,
        { input: { events } },
      ),
      "ingestBounces",
    );
    expect(ingested.inserted).toBe(4);
    const res = await get("/export/bounce-events.csv?from=2026-03-02&to=2026-03-04T10:00:00Z", a.apiKey);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toBe(
      'attachment; filename="bounce-events_2026-03-02_2026-03-04.csv"',
    );
    const rows = objects(await res.text());
    expect(rows.map((r) => r.recipient)).toEqual(["two@yahoo.com", "three@outlook.com"]);
    const two = ingested.events.find((e: { recipient: string }) => e.recipient === "two@yahoo.com");
    expect(rows[0]).toMatchObject({
      id: two.id,
      occurred_at: "2026-03-02T10:00:00.000Z",
      reason: two.reason,
      fault: two.fault,
      recipient_provider: "YAHOO",
      reply_code: "451",
      campaign_id: setupA.campaignId,
      inbox_id: setupA.inboxId,
      source: "API",
    });
    expect(rows[0].diagnostic_code).toContain('"greylisted", see https://x.example/a,b');
    const all = objects(await (await get("/export/bounce-events.csv", a.apiKey)).text());
    expect(all.map((r) => r.recipient)).toEqual([
      "one@gmail.com",
      "two@yahoo.com",
      "three@outlook.com",
      "four@gmail.com",
    ]);
    expect(all[0].hard_bounce).toBe("true");
  });

  it("a from or to that is not a date is 400 BAD_USER_INPUT, before the key is even checked", async () => {
    for (const q of ["from=yesterday", "to=2026-13-45", "from=2026-03-05&to=2026-03-01"]) {
      const res = await get(`/export/bounce-events.csv?${q}`, a.apiKey);
      expect(res.status, q).toBe(400);
      expect((await jsonOf(res)).errors[0].extensions.code).toBe("BAD_USER_INPUT");
    }
  });
});

describe("import", () => {
  it("reports added, already present and invalid rows with their lines and codes; a second run adds nothing", async () => {
    const t = await app.newTenant("csv import");
    const file = [
      "Email,Scope,Note",
      "Ana@Example.COM,,from the old ESP", // line 2
      "not an address,ADDRESS,", // line 3: INVALID_EMAIL
      "ana@example.com,,the same address again", // line 4: already present (same file)
      "bounced.example,DOMAIN,whole domain", // line 5
      '"multi@example.com","","a note\nover two lines"', // lines 6-7
      ",,", // line 8: MISSING_VALUE
      "x@y.example,PERSON,", // line 9: INVALID_SCOPE
      "bad..domain,DOMAIN,", // line 10: INVALID_DOMAIN
      `long@example.com,,${"n".repeat(501)}`, // line 11: INVALID_NOTE
      "'=tricky@example.com,,", // line 12: an export's formula escape, taken off
      "",
    ].join("\n");
    const first = await importCsv(t.apiKey, file);
    expect(first.status).toBe(200);
    const report = await jsonOf(first);
    expect(report).toEqual({
      rows: 10,
      added: 4,
      alreadyPresent: 1,
      invalid: 5,
      invalidRows: [
        {
          line: 3,
          code: "INVALID_EMAIL",
          message: '"not an address" is not an email address.',
          value: "not an address",
        },
        { line: 8, code: "MISSING_VALUE", message: "The row has no address or domain.", value: "" },
        {
          line: 9,
          code: "INVALID_SCOPE",
          message: 'scope must be ADDRESS or DOMAIN, not "PERSON".',
          value: "x@y.example",
        },
        { line: 10, code: "INVALID_DOMAIN", message: '"bad..domain" is not a domain name.', value: "bad..domain" },
        {
          line: 11,
          code: "INVALID_NOTE",
          message: "note must be text of at most 500 characters.",
          value: "long@example.com",
        },
      ],
    });
    expect(await activeValues(t.tenantId)).toEqual([
      "=tricky@example.com",
      "ana@example.com",
      "bounced.example",
      "multi@example.com",
    ]);
    const notes = await sql<{ value: string; note: string; reason: string; created_by_key_id: string }>(
      app.database.url,
      "SELECT value, note, reason, created_by_key_id FROM suppressions WHERE tenant_id = $1 AND value = 'multi@example.com'",
      [uuidFromGlobal(t.tenantId)],
    );
    expect(notes[0]).toMatchObject({ note: "a note\nover two lines", reason: "MANUAL" });
    expect(notes[0].created_by_key_id).not.toBeNull();

    const again = await jsonOf(await importCsv(t.apiKey, file));
    expect(again).toMatchObject({ rows: 10, added: 0, alreadyPresent: 5, invalid: 5 });
    expect(await activeValues(t.tenantId)).toHaveLength(4);
    // The imported suppressions are the API's: checkRecipients sees them.
    const check = ok(
      await t.gql(`query { checkRecipients(addresses: ["ANA@example.com", "z@bounced.example"]) { verdict } }`),
    ).checkRecipients;
    expect(check.map((c: { verdict: string }) => c.verdict)).toEqual(["SUPPRESSED", "SUPPRESSED"]);
  });

  it("an export imports as it is into another tenant (round trip of values and notes)", async () => {
    const exported = await (await get("/export/suppressions.csv", a.apiKey)).text();
    const t = await app.newTenant("csv round trip");
    const report = await jsonOf(await importCsv(t.apiKey, exported));
    const source = objects(exported);
    expect(report).toMatchObject({ rows: source.length, added: source.length, invalid: 0 });
    const back = objects(await (await get("/export/suppressions.csv", t.apiKey)).text());
    const pick = (rows: Array<Record<string, string>>) =>
      rows.map((r) => [r.scope, r.value, r.note]).sort((x, y) => (x[1] < y[1] ? -1 : 1));
    expect(pick(back)).toEqual(pick(source));
    // Tenant A's own list is untouched by the import into t.
    expect((await activeValues(a.tenantId)).length).toBe(source.length);
  });

  it("more rows than one batch: all stored, counted once each", async () => {
    const t = await app.newTenant("csv many");
    const lines = ["value", ...Array.from({ length: 2_500 }, (_, i) => `user${i}@many.example`)];
    const report = await jsonOf(await importCsv(t.apiKey, lines.join("\r\n")));
    expect(report).toEqual({ rows: 2_500, added: 2_500, alreadyPresent: 0, invalid: 0, invalidRows: [] });
    const [{ n }] = await sql<{ n: number }>(
      app.database.url,
      "SELECT count(*)::int AS n FROM suppressions WHERE tenant_id = $1",
      [uuidFromGlobal(t.tenantId)],
    );
    expect(n).toBe(2_500);
  });

  it("a malformed CSV is 400 MALFORMED_CSV with its line, and nothing of it is stored (batches already inserted included)", async () => {
    const t = await app.newTenant("csv malformed");
    const good = Array.from({ length: 1_500 }, (_, i) => `ok${i}@broken.example`);
    const res = await importCsv(t.apiKey, ["email", ...good, '"unclosed@broken.example,note'].join("\n"));
    expect(res.status).toBe(400);
    const error = (await jsonOf(res)).errors[0];
    expect(error.extensions).toMatchObject({ code: "MALFORMED_CSV", csvCode: "CSV_QUOTE_NOT_CLOSED" });
    expect(error.message).toContain("Nothing was imported");
    expect(await activeValues(t.tenantId)).toEqual([]);
  });

  it("a file without a usable header, or empty, is refused with a code that says so", async () => {
    const noHeader = await importCsv(b.apiKey, "someone@example.com\nother@example.com\n");
    expect(noHeader.status).toBe(400);
    const e1 = (await jsonOf(noHeader)).errors[0];
    expect(e1.extensions.code).toBe("CSV_HEADER_MISSING");
    expect(e1.message).toContain("value, email");
    const empty = await importCsv(b.apiKey, "");
    expect(empty.status).toBe(400);
    expect((await errorsOf(empty))[0].extensions.code).toBe("CSV_EMPTY");
    expect(await activeValues(b.tenantId)).toEqual([]);
  });

  it("only text/csv is read: JSON is 415", async () => {
    const res = await importCsv(b.apiKey, JSON.stringify({ email: "x@example.com" }), "application/json");
    expect(res.status).toBe(415);
    expect((await errorsOf(res))[0].extensions.code).toBe("UNSUPPORTED_MEDIA_TYPE");
  });

  it("an upload over REBOUND_MAX_IMPORT_BODY_BYTES is 413, declared or streamed, and stores nothing", async () => {
    const t = await app.newTenant("csv too large");
    const body = ["email", ...Array.from({ length: 12_000 }, (_, i) => `big${i}@large.example`)].join("\n");
    expect(Buffer.byteLength(body)).toBeGreaterThan(IMPORT_LIMIT);
    const declared = await importCsv(t.apiKey, body);
    expect(declared.status).toBe(413);
    expect((await errorsOf(declared))[0].extensions.code).toBe("PAYLOAD_TOO_LARGE");

    // Chunked, no Content-Length: the limit is found while reading, after batches were inserted.
    const streamed = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        `${base}/import/suppressions.csv`,
        { method: "POST", headers: { authorization: `Bearer ${t.apiKey}`, "content-type": "text/csv" } },
        (res) => {
          let text = "";
          res.on("data", (d) => (text += d));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
        },
      );
      req.on("error", reject);
      for (let i = 0; i < body.length; i += 16_384) req.write(body.slice(i, i + 16_384));
      req.end();
    });
    expect(streamed.status).toBe(413);
    expect(JSON.parse(streamed.body).errors[0].message).toContain("Nothing was imported");
    expect(await activeValues(t.tenantId)).toEqual([]);
  });
});
