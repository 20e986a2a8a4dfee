import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ReplayCache } from "../../src/core/webhooks/replay-cache";
import { webhookDependencies } from "../../src/modules/webhook/webhook-dependencies";
import { webhookFixture, webhookFixtureText } from "../fixtures/webhooks";
import { ok, type Gql } from "../support/graphql-client";
import { startTestApp, type TestApp } from "../support/test-app";
import {
  basicAuthHeader,
  createSendgridTestKeys,
  createSnsTestSigner,
  sendgridSignatureHeaders,
  signedMailgunBody,
  type SendgridTestKeys,
  type SnsTestSigner,
} from "../support/webhook-signers";
import { countersAndRecount, createSetup, sql, uuidFromGlobal, type Setup } from "./ingest-support";

// Every ESP channel over real HTTP into real PostgreSQL, with each vendor's payload shapes
// and its own authentication, made here with real keys: SNS RSA signatures (certificate
// served by an injected fetcher: tests have no internet), SendGrid ECDSA, Mailgun HMAC with
// its replay guard, Postmark basic auth.

const TOPIC = "arn:aws:sns:us-east-1:123456789012:rebound-ses-events";
const MAILGUN_KEY = "key-3ax6xnjp29jd6fds4gc373sgvjxteol0";
const POSTMARK_USER = "postmark-hooks";
const POSTMARK_PASSWORD = "correct-horse-battery-staple";

let app: TestApp;
let gql: Gql;
let tenantUuid: string;
let s: Setup;
let base: string;
let sns: SnsTestSigner;
let sendgridKeys: SendgridTestKeys;
const confirmed: string[] = [];
const paths: Record<"SES" | "SENDGRID" | "MAILGUN" | "POSTMARK", string> = {
  SES: "",
  SENDGRID: "",
  MAILGUN: "",
  POSTMARK: "",
};

const CREATE = `mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) {
  webhookEndpoint { id provider name path allowedTopicArns postmarkUsername campaign { id } } userErrors { field message code } } }`;

beforeAll(async () => {
  app = await startTestApp("webhook");
  const t = await app.newTenant("webhook");
  gql = t.gql;
  tenantUuid = uuidFromGlobal(t.tenantId);
  s = await createSetup(gql, "webhook");
  base = app.url.replace(/\/graphql$/, "");
  sns = createSnsTestSigner();
  sendgridKeys = createSendgridTestKeys();
  const deps = webhookDependencies(app.running.app);
  deps.fetchCertificate = sns.fetchCertificate;
  deps.httpGet = async (url) => {
    confirmed.push(url);
    return { status: 200 };
  };
  const inputs = {
    SES: { provider: "SES", name: "ses us-east-1", campaignId: s.campaignId, snsTopicArns: [TOPIC] },
    SENDGRID: { provider: "SENDGRID", campaignId: s.campaignId, sendgridPublicKey: sendgridKeys.publicKeyBase64 },
    MAILGUN: { provider: "MAILGUN", campaignId: s.campaignId, mailgunSigningKey: MAILGUN_KEY },
    POSTMARK: {
      provider: "POSTMARK",
      campaignId: s.campaignId,
      postmarkUsername: POSTMARK_USER,
      postmarkPassword: POSTMARK_PASSWORD,
    },
  } as const;
  for (const [provider, input] of Object.entries(inputs)) {
    paths[provider as keyof typeof paths] = ok(
      await gql(CREATE, { input }),
      "createWebhookEndpoint",
    ).webhookEndpoint.path;
  }
});
afterAll(() => app?.close());

async function post(path: string, body: string | Buffer, headers: Record<string, string> = {}, method = "POST") {
  const res = await fetch(base + path, {
    method,
    headers: { "content-type": "application/json", ...headers },
    body: method === "GET" ? undefined : body,
  });
  const text = await res.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, json, headers: res.headers };
}

async function storedCount(source?: string): Promise<number> {
  const rows = await sql(
    app.database.url,
    `SELECT count(*)::int AS n FROM bounce_events WHERE tenant_id = $1 ${source ? "AND source = $2" : ""}`,
    source ? [tenantUuid, source] : [tenantUuid],
  );
  return rows[0].n;
}

async function event(dedupeKey: string) {
  return (
    await sql(app.database.url, "SELECT * FROM bounce_events WHERE tenant_id = $1 AND dedupe_key = $2", [
      tenantUuid,
      dedupeKey,
    ])
  )[0];
}

describe("createWebhookEndpoint", () => {
  it("returns the endpoint with its path and never its secrets", async () => {
    const ses = ok(
      await gql(
        `{ webhookEndpoints(first: 10) { edges { node { id provider path allowedTopicArns postmarkUsername campaign { id } } } } }`,
      ),
    ).webhookEndpoints.edges.map((e: any) => e.node);
    expect(ses).toHaveLength(4);
    for (const e of ses) expect(e.path).toMatch(new RegExp(`^/webhooks/${e.provider.toLowerCase()}/[0-9a-f-]{36}$`));
    expect(ses.find((e: any) => e.provider === "SES").allowedTopicArns).toEqual([TOPIC]);
    expect(ses.find((e: any) => e.provider === "POSTMARK").postmarkUsername).toBe(POSTMARK_USER);
    const fields = ok(await gql(`{ __type(name: "WebhookEndpoint") { fields { name } } }`)).__type.fields.map(
      (f: any) => f.name,
    );
    expect(fields).not.toContain("secrets");
    expect(fields.filter((f: string) => /password|signingkey|publickey/i.test(f))).toEqual([]);
  });

  it("refuses incomplete or wrong settings with userErrors", async () => {
    const cases: Array<[Record<string, unknown>, string, string[]]> = [
      [{ provider: "SES" }, "REQUIRED", ["input", "snsTopicArns"]],
      [{ provider: "SES", snsTopicArns: ["not-an-arn"] }, "INVALID_TOPIC_ARN", ["input", "snsTopicArns", "0"]],
      [
        { provider: "SENDGRID", sendgridPublicKey: "bm90IGEga2V5" },
        "INVALID_PUBLIC_KEY",
        ["input", "sendgridPublicKey"],
      ],
      [{ provider: "MAILGUN", mailgunSigningKey: "short" }, "INVALID_SIGNING_KEY", ["input", "mailgunSigningKey"]],
      [
        { provider: "POSTMARK", postmarkUsername: "a:b", postmarkPassword: "x".repeat(20) },
        "INVALID_USERNAME",
        ["input", "postmarkUsername"],
      ],
      [
        { provider: "POSTMARK", postmarkUsername: "ab", postmarkPassword: "short" },
        "WEAK_PASSWORD",
        ["input", "postmarkPassword"],
      ],
      [
        { provider: "MAILGUN", mailgunSigningKey: MAILGUN_KEY, snsTopicArns: [TOPIC] },
        "NOT_FOR_PROVIDER",
        ["input", "snsTopicArns"],
      ],
      [
        { provider: "MAILGUN", mailgunSigningKey: MAILGUN_KEY, campaignId: "nope" },
        "NOT_FOUND",
        ["input", "campaignId"],
      ],
    ];
    for (const [input, code, field] of cases) {
      const res = await gql(CREATE, { input });
      expect(res.errors).toBeUndefined();
      expect(res.data.createWebhookEndpoint.webhookEndpoint).toBeNull();
      expect(res.data.createWebhookEndpoint.userErrors[0]).toMatchObject({ code, field });
    }
  });
});

describe("SES through SNS", () => {
  const notify = (message: unknown, topicArn = TOPIC) =>
    JSON.stringify(sns.notification({ topicArn, message, timestamp: new Date() }));

  it("confirms a subscription through the injected fetcher", async () => {
    const envelope = sns.subscriptionConfirmation({ topicArn: TOPIC, timestamp: new Date() });
    const res = await post(paths.SES, JSON.stringify(envelope));
    expect(res.status).toBe(200);
    expect(res.json.subscriptionConfirmed).toBe(true);
    expect(confirmed).toEqual([envelope.SubscribeURL]);
    expect(sns.fetchedUrls).toContain(sns.certUrl);
  });

  it("stores one event per bounced recipient, re-classified, with the raw vendor fields", async () => {
    const message = webhookFixture("ses/bounce-permanent-two-recipients.json");
    const res = await post(paths.SES, notify(message));
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ received: 2, inserted: 2, duplicates: 0 });
    const key = `ses:${message.bounce.feedbackId}:jane.doe@example.com`;
    const jane = await event(key);
    expect(jane).toMatchObject({
      source: "SES",
      reason: "userunknown",
      bounce_type: "HARD",
      hard_bounce: true,
      status: "5.1.1",
      campaign_id: uuidFromGlobal(s.campaignId),
    });
    expect(jane.vendor_fields.mail.messageId).toBe(message.mail.messageId);
    expect(jane.vendor_fields.bounce.bounceType).toBe("Permanent");
    // No DSN for the second recipient: SES said Permanent, but nothing proves the address bad.
    const richard = await event(`ses:${message.bounce.feedbackId}:richard.roe@example.org`);
    expect(richard).toMatchObject({ recipient: "richard.roe@example.org", hard_bounce: false });

    // SNS retries: same events, nothing new.
    const retry = await post(paths.SES, notify(message));
    expect(retry.json).toMatchObject({ received: 2, inserted: 0, duplicates: 2 });
  });

  it("does not trust SES's Transient label: 5.4.4 Invalid domain suppresses the domain", async () => {
    const message = webhookFixture("ses/bounce-transient-544-event-publishing.json");
    const res = await post(paths.SES, notify(message));
    expect(res.status).toBe(200);
    const [row] = await sql(
      app.database.url,
      "SELECT * FROM bounce_events WHERE tenant_id = $1 AND source = 'SES' AND status = '5.4.4'",
      [tenantUuid],
    );
    expect(row).toMatchObject({ reason: "hostunknown", bounce_type: "HARD", hard_bounce: true });
    expect(row.vendor_fields.bounce.bounceType).toBe("Transient");
    const sup = await sql(
      app.database.url,
      "SELECT scope, value, reason, event_id FROM suppressions WHERE tenant_id = $1 AND value = $2",
      [tenantUuid, row.recipient_domain],
    );
    expect(sup).toEqual([{ scope: "DOMAIN", value: row.recipient_domain, reason: "UNKNOWN_DOMAIN", event_id: row.id }]);
  });

  it("stores complaints as complaints and SES's own suppressions as not counted", async () => {
    const complaint = await post(paths.SES, notify(webhookFixture("ses/complaint.json")));
    expect(complaint.json.inserted).toBeGreaterThan(0);
    const onList = await post(paths.SES, notify(webhookFixture("ses/bounce-on-account-suppression-list.json")));
    expect(onList.json.inserted).toBe(1);
    const rows = await sql(
      app.database.url,
      "SELECT reason FROM bounce_events WHERE tenant_id = $1 AND source = 'SES' ORDER BY created_at",
      [tenantUuid],
    );
    expect(rows.map((r) => r.reason)).toContain("feedback");
    expect(rows.map((r) => r.reason)).toContain("suppressed");
  });

  it("refuses wrong topics, bad signatures, unfetchable certificates, bad JSON and oversized bodies, storing nothing", async () => {
    const before = await storedCount();
    const message = webhookFixture("ses/bounce-permanent-two-recipients.json");
    message.bounce.feedbackId = "never-stored";

    const wrongTopic = await post(paths.SES, notify(message, "arn:aws:sns:us-east-1:999999999999:attacker"));
    expect(wrongTopic.status).toBe(403);
    expect(wrongTopic.json.error.code).toBe("TOPIC_NOT_ALLOWED");

    const tampered = JSON.parse(notify(message));
    tampered.Message = tampered.Message.replace("5.1.1", "5.1.2");
    const badSig = await post(paths.SES, JSON.stringify(tampered));
    expect(badSig.status).toBe(403);
    expect(badSig.json.error.code).toBe("BAD_SIGNATURE");

    const other = createSnsTestSigner(); // signs with a key whose certificate is not served
    const noCert = await post(
      paths.SES,
      JSON.stringify(other.notification({ topicArn: TOPIC, message, timestamp: new Date() })),
    );
    expect(noCert.status).toBe(503);
    expect(noCert.json.error.code).toBe("CERT_UNAVAILABLE");

    const stale = await post(
      paths.SES,
      JSON.stringify(sns.notification({ topicArn: TOPIC, message, timestamp: new Date(Date.now() - 3 * 3600_000) })),
    );
    expect(stale.status).toBe(403);
    expect(stale.json.error.code).toBe("STALE");

    const malformed = await post(paths.SES, "{ not json");
    expect(malformed.status).toBe(400);

    const huge = await post(paths.SES, JSON.stringify({ padding: "x".repeat(5 * 1024 * 1024) }));
    expect(huge.status).toBe(413);

    expect((await post(paths.SES, "", {}, "GET")).status).toBe(405);
    expect((await post(paths.SES.replace("/ses/", "/sendgrid/"), notify(message))).status).toBe(404);
    expect((await post("/webhooks/ses/00000000-0000-4000-8000-000000000000", notify(message))).status).toBe(404);
    expect((await post("/webhooks/ses/not-a-uuid", notify(message))).status).toBe(404);
    expect(await storedCount()).toBe(before);
  });
});

describe("SendGrid", () => {
  it("stores a signed batch: bounces re-classified, dropped as SendGrid's own suppression, other events skipped", async () => {
    const body = webhookFixtureText("sendgrid/batch.json");
    const batch = JSON.parse(body);
    const res = await post(paths.SENDGRID, body, sendgridSignatureHeaders(sendgridKeys.privateKey, body, new Date()));
    expect(res.status).toBe(200);
    const kept = batch.filter((e: any) =>
      ["bounce", "dropped", "deferred", "delivered", "spamreport"].includes(e.event),
    );
    expect(res.json).toMatchObject({ received: kept.length, inserted: kept.length, duplicates: 0 });
    const byEvent = async (e: any) => event(`sendgrid:${e.sg_event_id}`);
    const blocked = await byEvent(batch.find((e: any) => e.type === "blocked"));
    expect(blocked).toMatchObject({ reason: "blocked", hard_bounce: false, fault: "SENDER_REPUTATION" });
    expect(blocked.vendor_fields.bounce_classification).toBe("Reputation");
    expect((await byEvent(batch.find((e: any) => e.event === "dropped"))).reason).toBe("suppressed");
    expect((await byEvent(batch.find((e: any) => e.event === "delivered"))).reason).toBe("delivered");
    expect((await byEvent(batch.find((e: any) => e.event === "spamreport"))).reason).toBe("feedback");
    // SendGrid retries the whole batch, signed anew: all duplicates.
    const retry = await post(paths.SENDGRID, body, sendgridSignatureHeaders(sendgridKeys.privateKey, body, new Date()));
    expect(retry.json).toMatchObject({ inserted: 0, duplicates: kept.length });
  });

  it("refuses bad signatures, missing headers and malformed JSON, storing nothing", async () => {
    const before = await storedCount();
    const body = JSON.stringify([
      {
        email: "x@example.com",
        timestamp: 1772618442,
        event: "bounce",
        sg_event_id: "never-stored",
        reason: "550 5.1.1 unknown",
      },
    ]);
    const headers = sendgridSignatureHeaders(sendgridKeys.privateKey, body, new Date());
    const tampered = await post(paths.SENDGRID, body.replace("5.1.1", "5.1.2"), headers);
    expect(tampered.status).toBe(403);
    expect(tampered.json.error.code).toBe("BAD_SIGNATURE");
    const otherKey = createSendgridTestKeys();
    expect(
      (await post(paths.SENDGRID, body, sendgridSignatureHeaders(otherKey.privateKey, body, new Date()))).status,
    ).toBe(403);
    const missing = await post(paths.SENDGRID, body);
    expect(missing.status).toBe(403);
    expect(missing.json.error.code).toBe("MISSING_HEADERS");
    const notJson = "[{ truncated";
    const malformed = await post(
      paths.SENDGRID,
      notJson,
      sendgridSignatureHeaders(sendgridKeys.privateKey, notJson, new Date()),
    );
    expect(malformed.status).toBe(400);
    const wrongShape = JSON.stringify({ email: "x@example.com" });
    expect(
      (
        await post(
          paths.SENDGRID,
          wrongShape,
          sendgridSignatureHeaders(sendgridKeys.privateKey, wrongShape, new Date()),
        )
      ).status,
    ).toBe(400);
    expect(await storedCount()).toBe(before);
  });
});

describe("Mailgun", () => {
  it("stores a signed event and answers a replayed token 200 with nothing stored, even after a restart", async () => {
    const data = webhookFixture("mailgun/failed-permanent.json");
    const body = JSON.stringify(signedMailgunBody(MAILGUN_KEY, data, new Date()));
    const first = await post(paths.MAILGUN, body);
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ received: 1, inserted: 1 });
    const row = await event(`mailgun:${data.id}:${data.timestamp}`);
    expect(row).toMatchObject({
      source: "MAILGUN",
      reason: "userunknown",
      hard_bounce: true,
      reply_code: 550,
      remote_mta: "aspmx.l.google.com",
    });
    expect(row.vendor_fields.severity).toBe("permanent");

    const replay = await post(paths.MAILGUN, body);
    expect(replay.status).toBe(200);
    expect(replay.json).toMatchObject({ replayed: true, inserted: 0 });

    // A fresh process has an empty cache: the durable token guard still refuses the replay.
    webhookDependencies(app.running.app).mailgunReplayCache = new ReplayCache({ ttlMs: 3_600_000, maxEntries: 1000 });
    const afterRestart = await post(paths.MAILGUN, body);
    expect(afterRestart.json).toMatchObject({ replayed: true, inserted: 0 });

    // Mailgun's own retry is signed anew: accepted, and deduplicated by the event id.
    const resigned = await post(paths.MAILGUN, JSON.stringify(signedMailgunBody(MAILGUN_KEY, data, new Date())));
    expect(resigned.json).toMatchObject({ inserted: 0, duplicates: 1 });
    const tokens = await sql(
      app.database.url,
      "SELECT count(*)::int AS n FROM webhook_replay_tokens WHERE tenant_id = $1",
      [tenantUuid],
    );
    expect(tokens[0].n).toBe(2);
  });

  it("stores a temporary failure as a soft bounce and Mailgun's last word ('old') as final", async () => {
    const temp = { ...webhookFixture("mailgun/failed-temporary.json"), timestamp: Math.floor(Date.now() / 1000) };
    const res = await post(paths.MAILGUN, JSON.stringify(signedMailgunBody(MAILGUN_KEY, temp, new Date())));
    expect(res.json.inserted).toBe(1);
    const row = await event(`mailgun:${temp.id}:${temp.timestamp}`);
    expect(row.bounce_type).toBe("SOFT");
    expect(row.hard_bounce).toBe(false);
    // One recent over-quota deferral suppresses nobody; the pre-send check calls it risky.
    const check = async (a: string) =>
      ok(await gql(`query($a: [String!]!) { checkRecipients(addresses: $a) { verdict reason } }`, { a: [a] }))
        .checkRecipients[0];
    expect((await check("full.box@gmail.com")).verdict).toBe("RISKY");

    // After its retries ran out on a domain with no MX, Mailgun says "temporary" + "old":
    // final, and the address must not be mailed again.
    const old = webhookFixture("mailgun/failed-old-no-mx.json");
    expect(
      (await post(paths.MAILGUN, JSON.stringify(signedMailgunBody(MAILGUN_KEY, old, new Date())))).json.inserted,
    ).toBe(1);
    expect((await check("ops@nosuchdomain-rebound.example")).verdict).toBe("SUPPRESSED");
  });

  it("refuses bad signatures, stale timestamps and malformed bodies, storing nothing", async () => {
    const before = await storedCount();
    const data = { ...webhookFixture("mailgun/failed-permanent.json"), id: "never-stored" };
    const wrongKey = await post(
      paths.MAILGUN,
      JSON.stringify(signedMailgunBody("key-wrong-wrong-wrong", data, new Date())),
    );
    expect(wrongKey.status).toBe(403);
    expect(wrongKey.json.error.code).toBe("BAD_SIGNATURE");
    const stale = await post(
      paths.MAILGUN,
      JSON.stringify(signedMailgunBody(MAILGUN_KEY, data, new Date(Date.now() - 3600_000))),
    );
    expect(stale.status).toBe(403);
    expect(stale.json.error.code).toBe("STALE");
    expect((await post(paths.MAILGUN, JSON.stringify({ "event-data": data }))).status).toBe(400);
    expect((await post(paths.MAILGUN, "signature=abc&token=def")).status).toBe(400);
    expect(await storedCount()).toBe(before);
  });
});

describe("Postmark", () => {
  const auth = { authorization: basicAuthHeader(POSTMARK_USER, POSTMARK_PASSWORD) };

  it("stores a bounce with its exact 64-bit ID and skips auto-replies", async () => {
    const body = webhookFixtureText("postmark/hard-bounce.json");
    const res = await post(paths.POSTMARK, body, auth);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ received: 1, inserted: 1 });
    const row = await event("postmark:4323372036854775807");
    expect(row).toMatchObject({ source: "POSTMARK", reason: "userunknown", hard_bounce: true });
    expect(row.vendor_fields.ID).toBe("4323372036854775807");
    expect((await post(paths.POSTMARK, body, auth)).json).toMatchObject({ inserted: 0, duplicates: 1 });

    const auto = await post(paths.POSTMARK, webhookFixtureText("postmark/auto-responder.json"), auth);
    expect(auto.status).toBe(200);
    expect(auto.json).toMatchObject({ received: 1, inserted: 0, ignored: 1 });
  });

  it("answers wrong or missing credentials 401 with a Basic challenge, and bad JSON 400, storing nothing", async () => {
    const before = await storedCount();
    const body = webhookFixtureText("postmark/transient.json");
    const wrong = await post(paths.POSTMARK, body, {
      authorization: basicAuthHeader(POSTMARK_USER, "wrong-password-wrong"),
    });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get("www-authenticate")).toMatch(/^Basic /);
    expect((await post(paths.POSTMARK, body)).status).toBe(401);
    expect(
      (await post(paths.POSTMARK, body, { authorization: basicAuthHeader("someone-else", POSTMARK_PASSWORD) })).status,
    ).toBe(401);
    expect((await post(paths.POSTMARK, "{ nope", auth)).status).toBe(400);
    expect(
      (await post(paths.POSTMARK, JSON.stringify({ RecordType: "Bounce", Email: "x@example.com" }), auth)).status,
    ).toBe(400);
    expect(await storedCount()).toBe(before);
  });
});

describe("all channels together", () => {
  it("leave counters equal to a recount of the stored events", async () => {
    const { counters, recount } = await countersAndRecount(app.database.url, tenantUuid);
    expect(counters.length).toBeGreaterThan(0);
    expect(counters).toEqual(recount);
    // Events without a campaign in their metadata fell back to the endpoint's campaign.
    const unattributed = await sql(
      app.database.url,
      "SELECT count(*)::int AS n FROM bounce_events WHERE tenant_id = $1 AND campaign_id IS NULL",
      [tenantUuid],
    );
    expect(unattributed[0].n).toBe(0);
  });
});
