import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RequestContext } from "../../src/platform/context";
import { recipientProvider } from "../../src/core/providers";
import { deliveryCounterService } from "../../src/modules/delivery/delivery-counter.service";
import { webhookDependencies } from "../../src/modules/webhook/webhook-dependencies";
import { ok, type Gql } from "../support/graphql-client";
import { startTestApp, type TestApp } from "../support/test-app";
import {
  createSendgridTestKeys,
  createSnsTestSigner,
  sendgridSignatureHeaders,
  signedMailgunBody,
  basicAuthHeader,
  type SendgridTestKeys,
  type SnsTestSigner,
} from "../support/webhook-signers";
import {
  arfMessage,
  countersAndRecount,
  createSetup,
  dsnMessage,
  sql,
  uuidFromGlobal,
  type Setup,
} from "./ingest-support";

// At-least-once in, exactly-once effects: 10,000 events over every channel (ingestBounces,
// ingestBounceMessage, SES, SendGrid, Mailgun, Postmark), each request sent three times (an
// identical retry, and a vendor-style retry signed anew), all shuffled and fired by 8
// concurrent clients. Exactly 10,000 rows, every counter exact, every suppression once.

const TOPIC = "arn:aws:sns:eu-west-1:123456789012:replay";
const MAILGUN_KEY = "key-replay-0123456789abcdef";
const PM_USER = "pm";
const PM_PASS = "replay-password-0123456789";
const CLIENTS = 8;

type Category = "HARD_ADDR" | "SENDER_BLOCK" | "SENDER_AUTH" | "SOFT" | "DELIVERED" | "COMPLAINT" | "HOST_UNKNOWN";
interface Logical {
  n: number;
  channel: "API" | "SENDGRID" | "SES" | "MAILGUN" | "POSTMARK" | "DSN";
  category: Category;
  recipient: string;
  campaign: "A" | "B";
}

const DOMAINS = ["gmail.com", "outlook.com", "yahoo.com", "corp-mail.example"];
const TEXT: Record<Category, { status: string; reply: string }> = {
  HARD_ADDR: { status: "5.1.1", reply: "550 5.1.1 The email account that you tried to reach does not exist." },
  SENDER_BLOCK: {
    status: "5.7.1",
    reply: "554 5.7.1 Service unavailable; Client host [192.0.2.7] blocked using zen.spamhaus.org",
  },
  SENDER_AUTH: {
    status: "5.7.26",
    reply:
      "550 5.7.26 This mail is unauthenticated, which poses a security risk to the sender and Gmail users, and has been blocked. DMARC policy fail",
  },
  SOFT: { status: "4.2.2", reply: "452 4.2.2 The email account that you tried to reach is over quota." },
  DELIVERED: { status: "2.0.0", reply: "250 2.0.0 OK 1772618401 accepted" },
  COMPLAINT: { status: "", reply: "" },
  HOST_UNKNOWN: { status: "5.1.2", reply: "550 5.1.2 Host unknown: the recipient domain does not exist" },
};

/** 10,000 logical events; categories per channel as each vendor can express them. */
function generate(): Logical[] {
  const plan: Array<[Logical["channel"], number, Category[]]> = [
    ["API", 4000, ["HARD_ADDR", "SENDER_BLOCK", "SENDER_AUTH", "SOFT", "DELIVERED", "HOST_UNKNOWN"]],
    ["SENDGRID", 3000, ["HARD_ADDR", "SENDER_BLOCK", "SOFT", "DELIVERED", "COMPLAINT", "HOST_UNKNOWN"]],
    // SES: ten recipients per notification, one category per notification.
    ["SES", 1500, ["HARD_ADDR", "SENDER_AUTH", "SOFT", "DELIVERED", "COMPLAINT"]],
    ["MAILGUN", 500, ["HARD_ADDR", "SENDER_BLOCK", "SOFT", "DELIVERED", "COMPLAINT"]],
    ["POSTMARK", 500, ["HARD_ADDR", "SENDER_BLOCK", "SOFT", "DELIVERED", "COMPLAINT"]],
    // DSN: 200 messages of two recipients (one category each), then 100 ARF complaints.
    ["DSN", 500, ["HARD_ADDR", "SOFT", "HOST_UNKNOWN"]],
  ];
  const out: Logical[] = [];
  let n = 0;
  for (const [channel, count, cats] of plan) {
    for (let i = 0; i < count; i++, n++) {
      let category: Category;
      if (channel === "SES") category = cats[Math.floor(i / 10) % cats.length];
      else if (channel === "DSN") category = i >= 400 ? "COMPLAINT" : cats[Math.floor(i / 2) % cats.length];
      else category = cats[i % cats.length];
      const domain = DOMAINS[n % DOMAINS.length];
      const recipient =
        category === "HOST_UNKNOWN"
          ? `r${n}@dead${n % 37}.example`
          : `${category.toLowerCase().replace("_", "-")}${n}@${domain}`;
      // One campaign per message: an SES notification (10 recipients) or a DSN (2) names one.
      const message = channel === "SES" ? Math.floor(i / 10) : channel === "DSN" && i < 400 ? Math.floor(i / 2) : n;
      out.push({ n, channel, category, recipient, campaign: message % 2 ? "B" : "A" });
    }
  }
  // Soft bounces go round-robin to groups of two or three events per recipient (the threes
  // reach the limit, the twos do not), never twice to one recipient in one message.
  const soft = out.filter((e) => e.category === "SOFT");
  const groups = Math.ceil(soft.length / 2.6);
  soft.forEach((e, j) => {
    const g = j % groups;
    e.recipient = `soft${g}@${DOMAINS[g % DOMAINS.length]}`;
  });
  return out;
}

interface Request {
  label: string;
  send(pass: number): Promise<void>;
}

let app: TestApp;
let gql: Gql;
let tenantUuid: string;
let s: Setup;
let sns: SnsTestSigner;
let sgKeys: SendgridTestKeys;
const paths: Record<string, string> = {};

beforeAll(async () => {
  app = await startTestApp("replay");
  const t = await app.newTenant("replay");
  gql = t.gql;
  tenantUuid = uuidFromGlobal(t.tenantId);
  s = await createSetup(gql, "replay");
  sns = createSnsTestSigner({ region: "eu-west-1" });
  sgKeys = createSendgridTestKeys();
  webhookDependencies(app.running.app).fetchCertificate = sns.fetchCertificate;
  const create = async (input: Record<string, unknown>) =>
    ok(
      await gql(
        `mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { webhookEndpoint { path } userErrors { code message } } }`,
        { input },
      ),
      "createWebhookEndpoint",
    ).webhookEndpoint.path;
  paths.SES = await create({ provider: "SES", snsTopicArns: [TOPIC] });
  paths.SENDGRID = await create({ provider: "SENDGRID", sendgridPublicKey: sgKeys.publicKeyBase64 });
  paths.MAILGUN = await create({ provider: "MAILGUN", mailgunSigningKey: MAILGUN_KEY });
  paths.POSTMARK = await create({ provider: "POSTMARK", postmarkUsername: PM_USER, postmarkPassword: PM_PASS });
});
afterAll(() => app?.close());

function buildRequests(events: Logical[], at: Date): Request[] {
  const base = app.url.replace(/\/graphql$/, "");
  const camp = (e: Logical) => (e.campaign === "A" ? s.campaignId : s.campaign2Id);
  const campUuid = (e: Logical) => uuidFromGlobal(camp(e));
  const unix = Math.floor(at.getTime() / 1000);
  let retries = 0;

  async function withRetry(label: string, fn: () => Promise<boolean>): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      if (await fn()) return;
      retries++;
      if (attempt >= 5) throw new Error(`${label} kept failing`);
    }
  }
  const postJson = (path: string, body: string, headers: Record<string, string> = {}) =>
    withRetry(path, async () => {
      const res = await fetch(base + path, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body,
      });
      await res.text();
      if (res.status >= 500) return false;
      if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
      return true;
    });
  const mutate = (query: string, variables: Record<string, unknown>, field: string) =>
    withRetry(field, async () => {
      const res = await gql(query, variables);
      if (res.errors?.some((e) => e.extensions?.code === "INTERNAL_SERVER_ERROR")) return false;
      ok(res, field);
      return true;
    });

  const requests: Request[] = [];
  const by = (c: Logical["channel"]) => events.filter((e) => e.channel === c);
  const chunk = <T>(xs: T[], size: number) =>
    Array.from({ length: Math.ceil(xs.length / size) }, (_, i) => xs.slice(i * size, (i + 1) * size));

  for (const batch of chunk(by("API"), 500)) {
    const input = {
      events: batch.map((e) => ({
        recipient: e.recipient,
        campaignId: camp(e),
        inboxId: s.inboxId,
        // Each as the pipeline saw it: a soft failure while still retrying is a DEFERRAL
        // (as SES's DeliveryDelay), a 250 a DELIVERY, the rest final bounces.
        kind: e.category === "SOFT" ? "DEFERRAL" : e.category === "DELIVERED" ? "DELIVERY" : "BOUNCE",
        smtpResponse: TEXT[e.category].reply,
        occurredAt: at.toISOString(),
        eventKey: `evt-${e.n}`,
      })),
    };
    requests.push({
      label: "api",
      send: () =>
        mutate(
          `mutation($input: IngestBouncesInput!) { ingestBounces(input: $input) { inserted userErrors { code message } } }`,
          { input },
          "ingestBounces",
        ),
    });
  }

  for (const batch of chunk(by("SENDGRID"), 500)) {
    const body = JSON.stringify(
      batch.map((e) => {
        const common = {
          email: e.recipient,
          timestamp: unix,
          sg_event_id: `sg-${e.n}`,
          sg_message_id: `msg-${e.n}.filter0001`,
          campaign_id: campUuid(e),
        };
        switch (e.category) {
          case "SOFT":
            return { ...common, event: "deferred", response: TEXT.SOFT.reply, attempt: "1" };
          case "DELIVERED":
            return { ...common, event: "delivered", response: TEXT.DELIVERED.reply };
          case "COMPLAINT":
            return { ...common, event: "spamreport" };
          case "SENDER_BLOCK":
            return {
              ...common,
              event: "bounce",
              type: "blocked",
              reason: TEXT.SENDER_BLOCK.reply,
              status: "5.7.1",
              bounce_classification: "Reputation",
            };
          default:
            return {
              ...common,
              event: "bounce",
              type: "bounce",
              reason: TEXT[e.category].reply,
              status: TEXT[e.category].status,
              bounce_classification: "Invalid Address",
            };
        }
      }),
    );
    requests.push({
      label: "sendgrid",
      send: () => postJson(paths.SENDGRID, body, sendgridSignatureHeaders(sgKeys.privateKey, body, new Date())),
    });
  }

  for (const group of chunk(by("SES"), 10)) {
    const e0 = group[0];
    const mail = {
      timestamp: at.toISOString(),
      source: "sam@replay.example",
      messageId: `ses-msg-${e0.n}`,
      destination: group.map((e) => e.recipient),
      tags: { campaign_id: [campUuid(e0)] },
    };
    let message: unknown;
    switch (e0.category) {
      case "SOFT":
        message = {
          eventType: "DeliveryDelay",
          mail,
          deliveryDelay: {
            timestamp: at.toISOString(),
            delayType: "MailboxFull",
            delayedRecipients: group.map((e) => ({
              emailAddress: e.recipient,
              status: "4.2.2",
              diagnosticCode: `smtp; ${TEXT.SOFT.reply}`,
            })),
          },
        };
        break;
      case "DELIVERED":
        message = {
          eventType: "Delivery",
          mail,
          delivery: {
            timestamp: at.toISOString(),
            recipients: group.map((e) => e.recipient),
            smtpResponse: TEXT.DELIVERED.reply,
            remoteMtaIp: "203.0.113.9",
          },
        };
        break;
      case "COMPLAINT":
        message = {
          notificationType: "Complaint",
          mail,
          complaint: {
            feedbackId: `ses-fb-${e0.n}`,
            timestamp: at.toISOString(),
            complainedRecipients: group.map((e) => ({ emailAddress: e.recipient })),
            complaintFeedbackType: "abuse",
          },
        };
        break;
      default:
        message = {
          notificationType: "Bounce",
          mail,
          bounce: {
            bounceType: "Permanent",
            bounceSubType: "General",
            feedbackId: `ses-fb-${e0.n}`,
            timestamp: at.toISOString(),
            bouncedRecipients: group.map((e) => ({
              emailAddress: e.recipient,
              action: "failed",
              status: TEXT[e.category].status,
              diagnosticCode: `smtp; ${TEXT[e.category].reply}`,
            })),
          },
        };
    }
    const identical = JSON.stringify(sns.notification({ topicArn: TOPIC, message, timestamp: new Date() }));
    requests.push({
      label: "ses",
      send: (pass) =>
        postJson(
          paths.SES,
          pass < 2 ? identical : JSON.stringify(sns.notification({ topicArn: TOPIC, message, timestamp: new Date() })),
        ),
    });
  }

  for (const e of by("MAILGUN")) {
    const common = {
      id: `mg-${e.n}`,
      timestamp: unix + 0.5,
      recipient: e.recipient,
      "user-variables": { campaign_id: campUuid(e) },
      message: { headers: { "message-id": `mg-msg-${e.n}@mg.replay.example` } },
    };
    const data =
      e.category === "DELIVERED"
        ? { ...common, event: "delivered", "delivery-status": { code: 250, message: "OK" } }
        : e.category === "COMPLAINT"
          ? { ...common, event: "complained" }
          : e.category === "SOFT"
            ? {
                ...common,
                event: "failed",
                severity: "temporary",
                reason: "generic",
                "delivery-status": { code: 452, message: TEXT.SOFT.reply.slice(4) },
              }
            : {
                ...common,
                event: "failed",
                severity: "permanent",
                reason: "bounce",
                "delivery-status": {
                  code: Number(TEXT[e.category].reply.slice(0, 3)),
                  message: TEXT[e.category].reply.slice(4),
                },
              };
    const identical = JSON.stringify(signedMailgunBody(MAILGUN_KEY, data, new Date()));
    // Pass 1 repeats the same token (a replay: answered 200, nothing stored); pass 2 is Mailgun re-signing.
    requests.push({
      label: "mailgun",
      send: (pass) =>
        postJson(
          paths.MAILGUN,
          pass < 2 ? identical : JSON.stringify(signedMailgunBody(MAILGUN_KEY, data, new Date())),
        ),
    });
  }

  const pmAuth = { authorization: basicAuthHeader(PM_USER, PM_PASS) };
  for (const e of by("POSTMARK")) {
    const id = 9_000_000_000_000_000_000n + BigInt(e.n); // beyond 2^53: must stay exact
    const meta = { campaign_id: campUuid(e) };
    const body =
      e.category === "DELIVERED"
        ? JSON.stringify({
            RecordType: "Delivery",
            MessageID: `pm-msg-${e.n}`,
            Recipient: e.recipient,
            DeliveredAt: at.toISOString(),
            Details: `smtp;${TEXT.DELIVERED.reply}`,
            Metadata: meta,
          })
        : `{"RecordType":"${e.category === "COMPLAINT" ? "SpamComplaint" : "Bounce"}","ID":${id},` +
          JSON.stringify({
            Type:
              e.category === "COMPLAINT"
                ? "SpamComplaint"
                : e.category === "SOFT"
                  ? "Transient"
                  : e.category === "SENDER_BLOCK"
                    ? "Blocked"
                    : "HardBounce",
            TypeCode:
              e.category === "COMPLAINT"
                ? 100001
                : e.category === "SOFT"
                  ? 2
                  : e.category === "SENDER_BLOCK"
                    ? 100006
                    : 1,
            MessageID: `pm-msg-${e.n}`,
            Email: e.recipient,
            BouncedAt: at.toISOString(),
            Details: e.category === "COMPLAINT" ? "" : `smtp;${TEXT[e.category].reply}`,
            Metadata: meta,
          }).slice(1);
    requests.push({ label: "postmark", send: () => postJson(paths.POSTMARK, body, pmAuth) });
  }

  const dsn = by("DSN");
  for (const pair of chunk(
    dsn.filter((e) => e.category !== "COMPLAINT"),
    2,
  )) {
    const e0 = pair[0];
    const raw = dsnMessage({
      messageId: `dsn-${e0.n}@mta.replay.example`,
      recipients: pair.map((e) => ({
        address: e.recipient,
        status: TEXT[e.category].status,
        diagnostic: TEXT[e.category].reply,
        action: e.category === "SOFT" ? "delayed" : "failed",
      })),
      originalHeaders: { "X-Rebound-Campaign": camp(e0) },
      date: at,
    });
    requests.push({
      label: "dsn",
      send: () =>
        mutate(
          `mutation($input: IngestBounceMessageInput!) { ingestBounceMessage(input: $input) { inserted userErrors { code message } } }`,
          { input: { raw } },
          "ingestBounceMessage",
        ),
    });
  }
  for (const e of dsn.filter((x) => x.category === "COMPLAINT")) {
    const raw = arfMessage({
      messageId: `arf-${e.n}@fbl.replay.example`,
      recipient: e.recipient,
      originalHeaders: { "X-Rebound-Campaign": camp(e) },
    });
    requests.push({
      label: "arf",
      send: () =>
        mutate(
          `mutation($input: IngestBounceMessageInput!) { ingestBounceMessage(input: $input) { inserted userErrors { code message } } }`,
          { input: { raw } },
          "ingestBounceMessage",
        ),
    });
  }

  // The denominators too: 10,000 sends in four idempotent calls.
  for (let k = 0; k < 4; k++) {
    const recipients = Array.from({ length: 2500 }, (_, i) => `sent${k * 2500 + i}@${DOMAINS[i % DOMAINS.length]}`);
    const input = {
      campaignId: k % 2 ? s.campaign2Id : s.campaignId,
      inboxId: s.inboxId,
      recipients,
      idempotencyKey: `replay-sends-${k}`,
      sentAt: at.toISOString(),
    };
    requests.push({
      label: "sends",
      send: () =>
        mutate(
          `mutation($input: RecordSendsInput!) { recordSends(input: $input) { recorded userErrors { code message } } }`,
          { input },
          "recordSends",
        ),
    });
  }
  (requests as Request[] & { retries?: () => number }).retries = () => retries;
  return requests;
}

/** Deterministic shuffle (mulberry32), so a failure can be reproduced. */
function shuffle<T>(xs: T[], seed: number): T[] {
  let a = seed;
  const rnd = () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

describe("replay", () => {
  it(
    "10,000 events sent three times by 8 concurrent clients are stored, counted and acted on exactly once",
    { timeout: 180_000 },
    async () => {
      const at = new Date(Date.now() - 60_000);
      const events = generate();
      expect(events).toHaveLength(10_000);
      const requests = buildRequests(events, at);
      const work = shuffle(
        requests.flatMap((r) => [0, 1, 2].map((pass) => ({ r, pass }))),
        20261128,
      );
      let next = 0;
      const started = Date.now();
      await Promise.all(
        Array.from({ length: CLIENTS }, async () => {
          while (next < work.length) {
            const { r, pass } = work[next++];
            await r.send(pass);
          }
        }),
      );
      const seconds = (Date.now() - started) / 1000;
      const retries = (requests as any).retries();
      console.log(
        `replay: ${work.length} requests by ${CLIENTS} clients in ${seconds.toFixed(1)} s, ${retries} retried after a 5xx`,
      );

      // Exactly 10,000 rows, one per logical event.
      const rows = await sql(
        app.database.url,
        "SELECT count(*)::int AS n, count(DISTINCT dedupe_key)::int AS k FROM bounce_events WHERE tenant_id = $1",
        [tenantUuid],
      );
      expect(rows[0]).toEqual({ n: 10_000, k: 10_000 });
      const perSource = await sql(
        app.database.url,
        "SELECT source, count(*)::int AS n FROM bounce_events WHERE tenant_id = $1 GROUP BY 1 ORDER BY 1",
        [tenantUuid],
      );
      expect(perSource).toEqual([
        { source: "API", n: 4000 },
        { source: "DSN", n: 500 },
        { source: "MAILGUN", n: 500 },
        { source: "POSTMARK", n: 500 },
        { source: "SENDGRID", n: 3000 },
        { source: "SES", n: 1500 },
      ]);

      // Every counter exact: against the generator's own expectation, and against a recount.
      const expected = new Map<
        string,
        { sent: number; delivered: number; hardBounces: number; softBounces: number; complaints: number }
      >();
      const bucket = (campaign: string, provider: string) => {
        const key = `${campaign}|${provider}`;
        if (!expected.has(key))
          expected.set(key, { sent: 0, delivered: 0, hardBounces: 0, softBounces: 0, complaints: 0 });
        return expected.get(key)!;
      };
      for (const e of events) {
        const b = bucket(
          e.campaign === "A" ? uuidFromGlobal(s.campaignId) : uuidFromGlobal(s.campaign2Id),
          recipientProvider(e.recipient.split("@")[1]),
        );
        if (e.category === "DELIVERED") b.delivered++;
        else if (e.category === "COMPLAINT") b.complaints++;
        else if (e.category === "SOFT") b.softBounces++;
        else b.hardBounces++;
      }
      for (let k = 0; k < 4; k++) {
        for (let i = 0; i < 2500; i++)
          bucket(
            k % 2 ? uuidFromGlobal(s.campaign2Id) : uuidFromGlobal(s.campaignId),
            recipientProvider(DOMAINS[i % DOMAINS.length]),
          ).sent++;
      }
      const ctx = new RequestContext(app.running.app, { tenantId: tenantUuid, keyId: "test", scopes: ["read"] });
      try {
        const totals = await deliveryCounterService.campaignTotals(ctx, [
          uuidFromGlobal(s.campaignId),
          uuidFromGlobal(s.campaign2Id),
        ]);
        for (const [campaign, t] of totals) {
          for (const [provider, counts] of Object.entries(t.byProvider)) {
            expect({ campaign, provider, ...counts }).toEqual({
              campaign,
              provider,
              ...(expected.get(`${campaign}|${provider}`) ?? {
                sent: 0,
                delivered: 0,
                hardBounces: 0,
                softBounces: 0,
                complaints: 0,
              }),
            });
          }
        }
      } finally {
        await ctx.tx.rollback();
      }
      const { counters, recount } = await countersAndRecount(app.database.url, tenantUuid);
      expect(counters).toEqual(recount);

      // Every suppression exactly once, and only the ones the rules call for.
      const softCounts = new Map<string, number>();
      for (const e of events)
        if (e.category === "SOFT") softCounts.set(e.recipient, (softCounts.get(e.recipient) ?? 0) + 1);
      const want = new Map<string, string>();
      for (const e of events) {
        if (e.category === "HARD_ADDR") want.set(`ADDRESS|${e.recipient}`, "HARD_BOUNCE");
        if (e.category === "COMPLAINT") want.set(`ADDRESS|${e.recipient}`, "COMPLAINT");
        if (e.category === "HOST_UNKNOWN") want.set(`DOMAIN|${e.recipient.split("@")[1]}`, "UNKNOWN_DOMAIN");
      }
      for (const [recipient, n] of softCounts) if (n >= 3) want.set(`ADDRESS|${recipient}`, "SOFT_BOUNCE_LIMIT");
      expect([...softCounts.values()].filter((n) => n < 3).length).toBeGreaterThan(0);
      const got = await sql(app.database.url, "SELECT scope, value, reason FROM suppressions WHERE tenant_id = $1", [
        tenantUuid,
      ]);
      const gotKeys = got.map((g) => `${g.scope}|${g.value}`);
      expect(new Set(gotKeys).size).toBe(gotKeys.length);
      expect(got.length).toBe(want.size);
      for (const g of got) expect(g.reason).toBe(want.get(`${g.scope}|${g.value}`));
    },
  );
});
