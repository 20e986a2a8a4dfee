import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ok, type Gql } from "../support/graphql-client";
import { startTestApp, type TestApp } from "../support/test-app";
import { createSendgridTestKeys, sendgridSignatureHeaders, type SendgridTestKeys } from "../support/webhook-signers";
import { countersAndRecount, createSetup, sql, uuidFromGlobal, type Setup } from "./ingest-support";

// BounceEventInput.kind: a pipeline that reports through the API alone records deliveries,
// deferrals and complaints, and each kind is counted, classified and acted on exactly as
// the same event arriving from an ESP webhook (SendGrid here, signed with a real key).

let app: TestApp;
let gql: Gql;
let tenantUuid: string;
let viaWebhook: Setup;
let viaApi: Setup;
let sendgridKeys: SendgridTestKeys;
let sendgridPath: string;

beforeAll(async () => {
  app = await startTestApp("ingestkinds");
  const t = await app.newTenant("kinds");
  gql = t.gql;
  tenantUuid = uuidFromGlobal(t.tenantId);
  viaWebhook = await createSetup(gql, "kinds-hook");
  viaApi = await createSetup(gql, "kinds-api");
  sendgridKeys = createSendgridTestKeys();
  sendgridPath = ok(
    await gql(
      `mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { webhookEndpoint { path } userErrors { code message } } }`,
      {
        input: {
          provider: "SENDGRID",
          campaignId: viaWebhook.campaignId,
          sendgridPublicKey: sendgridKeys.publicKeyBase64,
        },
      },
    ),
    "createWebhookEndpoint",
  ).webhookEndpoint.path;
});
afterAll(() => app?.close());

const AT = Math.floor(Date.now() / 1000) - 600;

// One story per recipient: what SendGrid would post, and the same event as an API caller reports it.
const STORIES = [
  {
    local: "delivered",
    sendgrid: { event: "delivered", response: "250 2.0.0 OK 1772618401 gsmtp" },
    api: { kind: "DELIVERY" },
  },
  {
    local: "deferred",
    sendgrid: { event: "deferred", response: "452 4.2.2 The email account that you tried to reach is over quota." },
    api: { kind: "DEFERRAL", smtpResponse: "452 4.2.2 The email account that you tried to reach is over quota." },
  },
  {
    local: "unknown",
    sendgrid: {
      event: "bounce",
      type: "bounce",
      status: "5.1.1",
      reason: "550 5.1.1 The email account does not exist.",
    },
    api: { kind: "BOUNCE", status: "5.1.1", smtpResponse: "550 5.1.1 The email account does not exist." },
  },
  {
    local: "gaveup",
    sendgrid: { event: "bounce", type: "bounce", status: "4.2.2", reason: "452 4.2.2 Mailbox full, retries exhausted" },
    api: { smtpResponse: "452 4.2.2 Mailbox full, retries exhausted", status: "4.2.2" }, // kind defaults to BOUNCE
  },
  {
    local: "complainer",
    sendgrid: { event: "spamreport" },
    api: { kind: "COMPLAINT" },
  },
];

const INGEST = `mutation($input: IngestBouncesInput!) { ingestBounces(input: $input) {
  inserted events { recipient reason bounceType } suppressions { value reason } userErrors { field code message } } }`;

async function postSendgrid(body: string) {
  const res = await fetch(app.url.replace(/\/graphql$/, "") + sendgridPath, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...sendgridSignatureHeaders(sendgridKeys.privateKey, body, new Date()),
    },
    body,
  });
  return res.status;
}

describe("event kinds in ingestBounces", () => {
  it("counts deliveries, deferrals, bounces and complaints from the API exactly as from an ESP webhook", async () => {
    const hookBody = JSON.stringify(
      STORIES.map((s, i) => ({
        email: `${s.local}@gmail.com`,
        timestamp: AT,
        sg_event_id: `kinds-${i}`,
        ...s.sendgrid,
      })),
    );
    expect(await postSendgrid(hookBody)).toBe(200);
    const api = ok(
      await gql(INGEST, {
        input: {
          events: STORIES.map((s, i) => ({
            recipient: `${s.local}@yahoo.com`,
            campaignId: viaApi.campaignId,
            occurredAt: new Date(AT * 1000).toISOString(),
            eventKey: `kinds-${i}`,
            ...s.api,
          })),
        },
      }),
      "ingestBounces",
    );
    expect(api.inserted).toBe(STORIES.length);
    expect(api.events.map((e: any) => e.reason)).toEqual([
      "DELIVERED",
      "MAILBOXFULL",
      "USERUNKNOWN",
      "MAILBOXFULL",
      "FEEDBACK",
    ]);

    // The same counters (but for the campaign and the recipient provider of each side).
    const { counters, recount } = await countersAndRecount(app.database.url, tenantUuid);
    expect(counters).toEqual(recount);
    const side = (campaign: string) =>
      counters
        .filter((c) => c.campaign_id === uuidFromGlobal(campaign))
        .map(({ delivered, hard_bounces, soft_bounces, complaints }) => ({
          delivered,
          hard_bounces,
          soft_bounces,
          complaints,
        }));
    expect(side(viaApi.campaignId)).toEqual(side(viaWebhook.campaignId));
    expect(side(viaApi.campaignId)).toEqual([{ delivered: 1, hard_bounces: 1, soft_bounces: 2, complaints: 1 }]);

    // The same suppressions: the bad address, the soft bounce whose retries were over and the
    // complainant; not the deferral (one try among more), not the delivery.
    const suppressed = await sql<{ value: string; reason: string }>(
      app.database.url,
      "SELECT value, reason FROM suppressions WHERE tenant_id = $1 AND removed_at IS NULL ORDER BY value",
      [tenantUuid],
    );
    const bySide = (domain: string) =>
      suppressed.filter((r) => r.value.endsWith(domain)).map((r) => [r.value.split("@")[0], r.reason]);
    expect(bySide("@yahoo.com")).toEqual(bySide("@gmail.com"));
    expect(bySide("@yahoo.com").map(([local]) => local)).toEqual(["complainer", "gaveup", "unknown"]);
  });

  it("needs a reply for BOUNCE and DEFERRAL only, and refuses an unknown kind", async () => {
    const missing = await gql(INGEST, {
      input: {
        events: [
          { recipient: "a@gmail.com", kind: "DEFERRAL" },
          { recipient: "b@gmail.com", kind: "DELIVERY" },
          { recipient: "c@gmail.com", kind: "COMPLAINT" },
          { recipient: "d@gmail.com" },
        ],
      },
    });
    expect(missing.data.ingestBounces.userErrors.map((e: any) => [e.code, e.field])).toEqual([
      ["MISSING_DIAGNOSIS", ["input", "events", "0"]],
      ["MISSING_DIAGNOSIS", ["input", "events", "3"]],
    ]);
    const unknown = await gql(INGEST, { input: { events: [{ recipient: "a@gmail.com", kind: "OPEN" }] } });
    expect(unknown.status).toBe(400);
    expect(unknown.errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
  });

  it("keeps a delivery and a bounce with the same content apart when no eventKey is given", async () => {
    const base = { recipient: "same@outlook.com", campaignId: viaApi.campaign2Id, smtpResponse: "250 2.0.0 OK" };
    const r = ok(
      await gql(INGEST, {
        input: {
          events: [
            { ...base, kind: "DELIVERY" },
            { ...base, kind: "DEFERRAL" },
          ],
        },
      }),
      "ingestBounces",
    );
    expect(r.inserted).toBe(2);
  });
});
