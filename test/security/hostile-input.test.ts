import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { basicAuthHeader } from "../support/webhook-signers";
import { graphqlClient, ok, type Gql } from "../support/graphql-client";
import { startTestApp, type TestApp } from "../support/test-app";
import { createSetup, dsnMessage, sql, type Setup } from "../e2e/ingest-support";

// Issue 14, findings 3 and 5: bad input is a clear, coded 4xx (never INTERNAL_SERVER_ERROR,
// never a 5xx a vendor retries forever), nothing is stored, and nothing is cut or repaired
// in silence. One test per finding; each asserts what the server answered before the fix
// cannot be answered any more.

let app: TestApp;
let gql: Gql;
let s: Setup;
let postmarkPath: string;
const POSTMARK_USER = "pm-user";
const POSTMARK_PASSWORD = "correct-horse-battery-staple";
const pmAuth = { authorization: basicAuthHeader(POSTMARK_USER, POSTMARK_PASSWORD) };

beforeAll(async () => {
  app = await startTestApp("sechostile");
  const t = await app.newTenant("hostile");
  gql = t.gql;
  s = await createSetup(gql, "hostile");
  postmarkPath = ok(
    await gql(
      `mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { webhookEndpoint { path } userErrors { code message } } }`,
      {
        input: {
          provider: "POSTMARK",
          campaignId: s.campaignId,
          postmarkUsername: POSTMARK_USER,
          postmarkPassword: POSTMARK_PASSWORD,
        },
      },
    ),
    "createWebhookEndpoint",
  ).webhookEndpoint.path;
});
afterAll(() => app?.close());

const storedEvents = async () =>
  Number((await sql(app.database.url, "SELECT count(*)::int AS n FROM bounce_events"))[0].n);

const INGEST = `mutation($input: IngestBouncesInput!) { ingestBounces(input: $input) { inserted userErrors { code field } } }`;
const good = () => ({ recipient: "a@gmail.com", smtpResponse: "550 5.1.1 user unknown", campaignId: s.campaignId });

/** The 14 free-text inputs that gave INTERNAL_SERVER_ERROR with a NUL (issue 14, finding 3), and a few more. */
function textInputs(bad: string): Array<[string, string, Record<string, unknown>]> {
  return [
    ["eventKey", INGEST, { input: { events: [{ ...good(), eventKey: `k${bad}` }] } }],
    ["diagnosticCode", INGEST, { input: { events: [{ ...good(), diagnosticCode: `smtp; 550 ${bad}` }] } }],
    ["smtpResponse", INGEST, { input: { events: [{ ...good(), smtpResponse: `550 5.1.1 ${bad}` }] } }],
    ["status", INGEST, { input: { events: [{ ...good(), status: `5.1.1${bad}` }] } }],
    ["remoteMta", INGEST, { input: { events: [{ ...good(), remoteMta: `mx${bad}.example` }] } }],
    ["recipient", INGEST, { input: { events: [{ ...good(), recipient: `a${bad}@gmail.com` }] } }],
    ["idempotencyKey", INGEST, { input: { events: [good()], idempotencyKey: `idem${bad}` } }],
    [
      "domain name",
      `mutation($input: CreateDomainInput!) { createDomain(input: $input) { domain { id } } }`,
      { input: { name: `x${bad}.example` } },
    ],
    [
      "campaign name",
      `mutation($input: CreateCampaignInput!) { createCampaign(input: $input) { campaign { id } } }`,
      { input: { name: `Q${bad}`, domainId: s.domainId, inboxIds: [s.inboxId] } },
    ],
    [
      "api key name",
      `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }`,
      { input: { name: `n${bad}`, scopes: ["READ"] } },
    ],
    [
      "signing key",
      `mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { webhookEndpoint { id } } }`,
      { input: { provider: "MAILGUN", mailgunSigningKey: `key-${bad}-0123456789abcdef` } },
    ],
    [
      "bounceEvents filter",
      `query($r: String) { bounceEvents(first: 5, filter: { recipient: $r }) { edges { cursor } } }`,
      { r: `a${bad}@gmail.com` },
    ],
    [
      "analyzeSmtpReply text",
      `query($t: String!) { analyzeSmtpReply(text: $t) { reason } }`,
      { t: `550 5.1.1 ${bad}` },
    ],
    [
      "ingestBounceMessage raw",
      `mutation($input: IngestBounceMessageInput!) { ingestBounceMessage(input: $input) { inserted } }`,
      { input: { raw: `From: a@b.example\n\n${bad}` } },
    ],
  ];
}

describe("the input wall (GraphQL)", () => {
  it.each([
    ["U+0000", "\u0000"],
    ["a lone surrogate", "\ud800"],
  ])("refuses %s in every free-text input as BAD_USER_INPUT, HTTP 400, storing nothing", async (_label, bad) => {
    const before = await storedEvents();
    for (const [name, query, variables] of textInputs(bad)) {
      const res = await gql(query, variables);
      expect({ name, status: res.status, code: res.errors?.[0]?.extensions?.code }).toEqual({
        name,
        status: 400,
        code: "BAD_USER_INPUT",
      });
    }
    // The same in a literal of the document, not only in variables.
    const literal = await gql(`query { analyzeSmtpReply(text: "550 \\u0000") { reason } }`);
    expect(literal.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(await storedEvents()).toBe(before);
  });

  it("decodes global ids without touching object prototypes: node(id:) with such type names is null, not an error", async () => {
    for (const type of ["constructor", "__proto__", "toString", "hasOwnProperty", "valueOf"]) {
      const id = Buffer.from(`${type}:00000000-0000-4000-8000-000000000000`).toString("base64url");
      const res = await gql(`query($id: ID!) { node(id: $id) { id } }`, { id });
      expect({ type, errors: res.errors, node: res.data?.node }).toEqual({ type, errors: undefined, node: null });
    }
  });

  it("answers random binary in ingestBounceMessage with a coded 4xx and stores nothing", async () => {
    const before = await storedEvents();
    let seed = 42;
    const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % 256;
    const withNul = String.fromCharCode(...Array.from({ length: 4096 }, rnd));
    const noNul = String.fromCharCode(...Array.from({ length: 4096 }, () => 1 + (rnd() % 255)));
    const q = `mutation($input: IngestBounceMessageInput!) { ingestBounceMessage(input: $input) { inserted userErrors { code } } }`;
    const a = await gql(q, { input: { raw: withNul } });
    expect([a.status, a.errors?.[0]?.extensions?.code]).toEqual([400, "BAD_USER_INPUT"]);
    const b = await gql(q, { input: { raw: noNul } });
    expect(b.errors).toBeUndefined();
    expect(b.data.ingestBounceMessage.userErrors[0].code).toBe("NOT_A_BOUNCE");
    expect(await storedEvents()).toBe(before);
  });

  it("refuses a request body that is not JSON with 415 (application/xml was parsed as JSON)", async () => {
    const res = await fetch(app.url, {
      method: "POST",
      headers: { "content-type": "application/xml", authorization: `Bearer ${(await app.newTenant("x")).apiKey}` },
      body: JSON.stringify({ query: "{ __typename }" }),
    });
    expect(res.status).toBe(415);
    expect(((await res.json()) as any).errors[0].extensions.code).toBe("UNSUPPORTED_MEDIA_TYPE");
  });

  it("refuses a cursor taken from another list", async () => {
    const campaigns = ok(await gql(`{ campaigns(first: 1) { edges { cursor } } }`)).campaigns.edges;
    const res = await gql(`query($after: String) { domains(first: 5, after: $after) { edges { cursor } } }`, {
      after: campaigns[0].cursor,
    });
    expect(res.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    // ... and the same cursor still works on its own list.
    expect(
      ok(
        await gql(`query($after: String) { campaigns(first: 5, after: $after) { edges { cursor } } }`, {
          after: campaigns[0].cursor,
        }),
      ).campaigns,
    ).toBeTruthy();
  });

  it("refuses sending IPs with spaces, :: and 0.0.0.0 (they were stored)", async () => {
    const q = `mutation($input: UpdateDomainAuthSettingsInput!) { updateDomainAuthSettings(input: $input) { userErrors { code field } } }`;
    for (const ip of ["1.2.3.4 ", "::", "0.0.0.0", " 2001:db8::1"]) {
      const res = ok(await gql(q, { input: { domainId: s.domainId, sendingIps: [ip] } }));
      expect({ ip, errors: res.updateDomainAuthSettings.userErrors.map((e: any) => e.code) }).toEqual({
        ip,
        errors: ["INVALID_IP"],
      });
    }
    expect(
      ok(await gql(q, { input: { domainId: s.domainId, sendingIps: ["192.0.2.10", "2001:db8::1"] } }))
        .updateDomainAuthSettings.userErrors,
    ).toEqual([]);
  });

  it("refuses occurredAt outside 2000..tomorrow (year 9999 became now, year 0001 was stored)", async () => {
    const before = await storedEvents();
    for (const occurredAt of ["9999-01-01T00:00:00.000Z", "0001-01-01T00:00:00.000Z", "1999-12-31T23:59:59.000Z"]) {
      const res = ok(
        await gql(INGEST, { input: { events: [{ ...good(), eventKey: `date-${occurredAt}`, occurredAt }] } }),
      );
      expect(res.ingestBounces.userErrors.map((e: any) => e.code)).toEqual(["INVALID_OCCURRED_AT"]);
    }
    expect(await storedEvents()).toBe(before);
  });
});

describe("truncation is never silent", () => {
  const MESSAGE = `mutation($input: IngestBounceMessageInput!) { ingestBounceMessage(input: $input) { inserted truncated { found stored message } userErrors { code } } }`;

  it("reports that a DSN with 5,000 recipients was stored in part", async () => {
    const recipients = Array.from({ length: 5000 }, (_, i) => ({
      address: `r${i}@example.com`,
      status: "5.1.1",
      diagnostic: "550 5.1.1 user unknown",
    }));
    const r = ok(
      await gql(MESSAGE, {
        input: { raw: dsnMessage({ messageId: "big-dsn@mta.example", recipients }), campaignId: s.campaignId },
      }),
      "ingestBounceMessage",
    );
    expect(r.truncated).not.toBeNull();
    expect(r.truncated.found).toBe(5000);
    expect(r.truncated.stored).toBe(r.inserted);
    expect(r.inserted).toBeLessThan(5000);
  });

  it("stores at most one batch (1,000) of a plain-text message listing 3,000 addresses, and says so", async () => {
    const list = Array.from({ length: 3000 }, (_, i) => `<user${i}@example.com>`).join("\n");
    const raw = `From: MAILER-DAEMON@mta.example\nTo: b@sender.example\nSubject: Undelivered Mail Returned to Sender\nMessage-ID: <plain-3000@mta.example>\n\nThe following addresses failed:\n\n${list}\n`;
    const r = ok(await gql(MESSAGE, { input: { raw, campaignId: s.campaignId } }), "ingestBounceMessage");
    expect(r.inserted).toBeLessThanOrEqual(1000);
    expect(r.truncated).toMatchObject({ found: 3000, stored: r.inserted });
  });
});

describe("the input wall (webhooks)", () => {
  const post = async (body: string, headers: Record<string, string> = {}) => {
    const res = await fetch(app.url.replace("/graphql", postmarkPath), {
      method: "POST",
      headers: { "content-type": "application/json", ...pmAuth, ...headers },
      body,
    });
    return { status: res.status, json: (await res.json()) as any };
  };
  const bounce = (email: string, id: number) =>
    JSON.stringify({
      RecordType: "Bounce",
      ID: id,
      Type: "HardBounce",
      TypeCode: 1,
      MessageID: `m-${id}`,
      Details: "smtp;550 5.1.1 no such user",
      Email: email,
      BouncedAt: new Date().toISOString(),
    });

  it("answers NUL, a lone surrogate and 100,000-deep JSON with 400 (they got 503: retried forever), storing nothing", async () => {
    const before = await storedEvents();
    const nul = await post(bounce("a\u0000@gmail.com", 1));
    expect(nul.status).toBe(400);
    const surrogate = await post(bounce("a@gmail.com", 2).replace("no such user", "\\ud800"));
    expect(surrogate.status).toBe(400);
    const deep = await post("[".repeat(100_000) + "]".repeat(100_000));
    expect(deep.status).toBe(400);
    expect(await storedEvents()).toBe(before);
  });

  it("refuses a body that is not JSON with 415", async () => {
    const res = await post(bounce("a@gmail.com", 3), { "content-type": "application/xml" });
    expect(res.status).toBe(415);
  });

  it("does not store 'not an email' as a recipient: the event is listed as rejected", async () => {
    const res = await post(bounce("not an email", 4));
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ inserted: 0, rejected: [{ index: 0, code: "INVALID_EMAIL" }] });
    const rows = await sql(
      app.database.url,
      "SELECT count(*)::int AS n FROM bounce_events WHERE recipient = 'not an email'",
    );
    expect(rows[0].n).toBe(0);
  });
});

describe("scopes on nested fields of every mutation payload", () => {
  it("an ingest-only key cannot read campaigns through ingestBounces { events { campaign } }, and stores nothing trying", async () => {
    const key = ok(
      await gql(`mutation { createApiKey(input: { name: "ingest", scopes: [INGEST] }) { secret } }`),
      "createApiKey",
    ).secret;
    const ingestOnly = graphqlClient(app.url, key);
    const before = await storedEvents();
    const leak = await ingestOnly(
      `mutation($input: IngestBouncesInput!) { ingestBounces(input: $input) { inserted events { id campaign { name status domain { name } stats { sent } } } } }`,
      {
        input: { events: [{ ...good(), eventKey: "scope-1" }] },
      },
    );
    expect(leak.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect(leak.data?.ingestBounces ?? null).toBeNull();
    expect(await storedEvents()).toBe(before);
    // Ids and counts are what it gets back.
    const r = ok(
      await ingestOnly(
        `mutation($input: IngestBouncesInput!) { ingestBounces(input: $input) { inserted duplicates events { id } suppressions { id } userErrors { code } } }`,
        {
          input: { events: [{ ...good(), eventKey: "scope-2" }] },
        },
      ),
      "ingestBounces",
    );
    expect(r.inserted).toBe(1);
    expect(r.events[0].id).toBeTruthy();
  });

  it("holds for every mutation: a key without read selects only ids inside a payload's objects", async () => {
    const key = ok(
      await gql(`mutation { createApiKey(input: { name: "no read", scopes: [WRITE, INGEST] }) { secret } }`),
      "createApiKey",
    ).secret;
    const noRead = graphqlClient(app.url, key);
    const schema = ok(
      await gql(`{ __schema { mutationType { fields { name args { name type { kind ofType { name } } } type { ofType { name } name } } }
      types { name kind interfaces { name } fields { name type { kind name ofType { kind name ofType { kind name ofType { name } } } } } } } }`),
    ).__schema;
    const types = new Map<string, any>(schema.types.map((t: any) => [t.name, t]));
    const named = (t: any): string => (t.ofType ? named(t.ofType) : t.name);
    const isNode = (name: string) => (types.get(name)?.interfaces ?? []).some((i: any) => i.name === "Node");
    let checked = 0;
    for (const m of schema.mutationType.fields) {
      const payload = types.get(m.type.ofType?.name ?? m.type.name);
      const nested = (payload?.fields ?? []).find((f: any) => isNode(named(f.type)));
      if (!nested) continue;
      const target = types.get(named(nested.type));
      const scalar = target.fields.find(
        (f: any) =>
          f.name !== "id" && ["SCALAR", "ENUM"].includes(f.type.kind === "NON_NULL" ? f.type.ofType.kind : f.type.kind),
      );
      const inputType = m.args.find((a: any) => a.name === "input")?.type.ofType?.name;
      const head = inputType ? `mutation($input: ${inputType}!) { ${m.name}(input: $input)` : `mutation { ${m.name}`;
      const res = await noRead(`${head} { ${nested.name} { id ${scalar.name} } } }`, { input: {} });
      expect({ mutation: m.name, code: res.errors?.[0]?.extensions?.code }).toEqual({
        mutation: m.name,
        code: "FORBIDDEN",
      });
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(15);
  });
});
