// Outgoing webhooks end to end: a real server on a real PostgreSQL, a real receiver on
// loopback that verifies every request with the standardwebhooks package (Webhook.verify),
// real ingestion through the API. REBOUND_WEBHOOK_ALLOW_PRIVATE=1 lets the server reach the
// loopback receiver; the safety file checks what is refused without it.

import "reflect-metadata";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { INGEST_HOOKS } from "../../src/modules/ingest";
import { startDnsServer, testDnsEnv, type TestDnsServer } from "../support/dns-server";
import { graphqlClient, ok, type Gql } from "../support/graphql-client";
import { startTestApp, type TestApp } from "../support/test-app";
import { startWebhookReceiver, verifyWith, type WebhookReceiver } from "../support/webhook-receiver";
import { createSetup, sql, uuidFromGlobal, type Setup } from "./ingest-support";

let app: TestApp;
let dns: TestDnsServer;
let gql: Gql;
let s: Setup;
let tenantUuid: string;
let receiver: WebhookReceiver;

export const SUBSCRIPTION_FIELDS = `id url events status disabledReason description campaign { id } failingSince previousSecretExpiresAt`;
export const CREATE = `mutation($input: CreateWebhookSubscriptionInput!) { createWebhookSubscription(input: $input) {
  webhookSubscription { ${SUBSCRIPTION_FIELDS} } secret userErrors { field message code } } }`;
const INGEST = `mutation($input: IngestBouncesInput!) { ingestBounces(input: $input) { inserted events { id } suppressions { id } userErrors { field code message } } }`;
const DELIVERIES = `query($id: ID!, $filter: WebhookDeliveryFilter) { node(id: $id) { ... on WebhookSubscription {
  deliveries(first: 100, filter: $filter) { edges { node { id webhookId type status body createdAt nextAttemptAt deliveredAt
    attempts { attempt attemptedAt httpStatus latencyMs error } } } pageInfo { hasNextPage } } } } }`;

const ALL_EVENTS = [
  "BOUNCE_RECEIVED",
  "ALERT_RAISED",
  "CAMPAIGN_HEALTH_CHANGED",
  "SUPPRESSION_ADDED",
  "SUPPRESSION_REMOVED",
  "DOMAIN_AUTH_CHANGED",
];

let seq = 0;
const bounce = (recipient: string, smtpResponse = "550 5.1.1 <x> User unknown") => ({
  recipient,
  campaignId: s.campaignId,
  smtpResponse,
  eventKey: `ow-${process.pid}-${++seq}`,
});

async function subscribe(url: string, events = ALL_EVENTS, extra: Record<string, unknown> = {}) {
  const r = ok(await gql(CREATE, { input: { url, events, ...extra } }), "createWebhookSubscription");
  return { id: r.webhookSubscription.id as string, secret: r.secret as string, subscription: r.webhookSubscription };
}

const bodies = (r: WebhookReceiver) => [...r.delivered().values()].map((w) => JSON.parse(w.body));

beforeAll(async () => {
  dns = await startDnsServer({});
  app = await startTestApp("outgoing_webhooks", {
    ...testDnsEnv(dns),
    REBOUND_WEBHOOK_ALLOW_PRIVATE: "1",
    REBOUND_WEBHOOK_RETRY_SECONDS: "0.2,0.4,0.8",
    REBOUND_WEBHOOK_POLL_MS: "100",
    REBOUND_WEBHOOK_WORKERS: "16",
    REBOUND_WEBHOOK_GIVE_UP_HOURS: "0.002",
  });
  const t = await app.newTenant("webhooks");
  gql = t.gql;
  tenantUuid = uuidFromGlobal(t.tenantId);
  s = await createSetup(gql, "hooks");
}, 60_000);
afterAll(async () => {
  await receiver?.close();
  await app?.close();
  await dns?.close();
});

describe("every event type, signed", () => {
  let sub: { id: string; secret: string };

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    sub = await subscribe(receiver.url);
    receiver.secrets = [sub.secret];
  });

  it("returns the secret once, whsec_-prefixed, and never again", async () => {
    expect(sub.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    const listed = ok(await gql(`{ webhookSubscriptions(first: 10) { edges { node { id url events status } } } }`));
    expect(JSON.stringify(listed)).not.toContain(sub.secret.slice(6));
    const stored = await sql(app.database.url, "SELECT secret FROM webhook_subscriptions WHERE tenant_id = $1", [
      tenantUuid,
    ]);
    expect(stored[0].secret).toMatch(/^v1\./);
    expect(stored[0].secret).not.toContain(sub.secret.slice(6));
  });

  it("bounce.received, suppression.added and campaign.health_changed after an ingest, each verified", async () => {
    const r = ok(await gql(INGEST, { input: { events: [bounce("gone1@acme.example")] } }), "ingestBounces");
    expect(r.inserted).toBe(1);
    const wanted = ["bounce.received", "suppression.added", "campaign.health_changed"];
    await receiver.waitFor(
      () => wanted.every((t) => bodies(receiver).some((b) => b.type === t)),
      15_000,
      "the three ingest events",
    );
    expect(receiver.requests.every((w) => w.verified)).toBe(true);
    const got = bodies(receiver);
    const bounceBody = got.find((b) => b.type === "bounce.received");
    expect(bounceBody.data.id).toBe(r.events[0].id);
    expect(bounceBody.data.recipient).toBe("gone1@acme.example");
    // The same field names and values as the GraphQL type, and an id node(id:) finds.
    const viaApi = ok(
      await gql(
        `query($id: ID!) { node(id: $id) { ... on BounceEvent { id recipient reason fault bounceType variant campaign { id } } } }`,
        {
          id: bounceBody.data.id,
        },
      ),
    ).node;
    expect({
      id: bounceBody.data.id,
      recipient: bounceBody.data.recipient,
      reason: bounceBody.data.reason,
      fault: bounceBody.data.fault,
      bounceType: bounceBody.data.bounceType,
      variant: bounceBody.data.variant,
      campaign: bounceBody.data.campaign,
    }).toEqual(viaApi);
    const supp = got.find((b) => b.type === "suppression.added");
    expect(supp.data.id).toBe(r.suppressions[0].id);
    expect(supp.data.value).toBe("gone1@acme.example");
    const health = got.find((b) => b.type === "campaign.health_changed");
    expect(health.data.id).toBe(s.campaignId);
    expect(typeof bounceBody.timestamp).toBe("string");
  });

  it("suppression.removed after removeSuppression", async () => {
    const suppressed = bodies(receiver).find((b) => b.type === "suppression.added");
    ok(
      await gql(
        `mutation($i: RemoveSuppressionInput!) { removeSuppression(input: $i) { suppression { id } userErrors { code message } } }`,
        { i: { id: suppressed.data.id } },
      ),
      "removeSuppression",
    );
    await receiver.waitFor(() => bodies(receiver).some((b) => b.type === "suppression.removed"), 15_000, "removal");
    const removed = bodies(receiver).find((b) => b.type === "suppression.removed");
    expect(removed.data.id).toBe(suppressed.data.id);
    expect(removed.data.removedAt).not.toBeNull();
  });

  it("alert.raised when a campaign enters BLOCKING", async () => {
    ok(
      await gql(`mutation($i: RecordSendsInput!) { recordSends(input: $i) { recorded userErrors { code message } } }`, {
        i: {
          campaignId: s.campaignId,
          inboxId: s.inboxId,
          recipients: Array.from({ length: 100 }, (_, i) => `r${i}@acme.example`),
        },
      }),
      "recordSends",
    );
    ok(
      await gql(INGEST, { input: { events: Array.from({ length: 10 }, (_, i) => bounce(`r${i}@acme.example`)) } }),
      "ingestBounces",
    );
    await receiver.waitFor(() => bodies(receiver).some((b) => b.type === "alert.raised"), 15_000, "an alert");
    const alert = bodies(receiver).find((b) => b.type === "alert.raised");
    const viaApi = ok(
      await gql(`query($id: ID!) { node(id: $id) { ... on Alert { id kind severity message } } }`, {
        id: alert.data.id,
      }),
    ).node;
    expect(viaApi).toEqual({
      id: alert.data.id,
      kind: alert.data.kind,
      severity: alert.data.severity,
      message: alert.data.message,
    });
  });

  it("domain.auth_changed after a DNS audit", async () => {
    ok(
      await gql(
        `mutation($id: ID!) { refreshDomainAuth(input: { domainId: $id }) { authentication { status } userErrors { code message } } }`,
        { id: s.domainId },
      ),
      "refreshDomainAuth",
    );
    await receiver.waitFor(() => bodies(receiver).some((b) => b.type === "domain.auth_changed"), 15_000, "audit");
    const audit = bodies(receiver).find((b) => b.type === "domain.auth_changed");
    expect(audit.data.id).toBe(s.domainId);
    expect(receiver.requests.every((w) => w.verified)).toBe(true);
  });

  it("nodes(ids:) reads the same objects in order, null for ids that name none, at most 100", async () => {
    const got = bodies(receiver);
    const ids = [
      got.find((b) => b.type === "bounce.received").data.id,
      "QmFkOjAwMDAwMDAwLTAwMDAtMDAwMC0wMDAwLTAwMDAwMDAwMDAwMA",
      got.find((b) => b.type === "alert.raised").data.id,
      got.find((b) => b.type === "suppression.added").data.id,
    ];
    const nodes = ok(await gql(`query($ids: [ID!]!) { nodes(ids: $ids) { id __typename } }`, { ids })).nodes;
    expect(nodes).toEqual([
      { id: ids[0], __typename: "BounceEvent" },
      null,
      { id: ids[2], __typename: "Alert" },
      { id: ids[3], __typename: "Suppression" },
    ]);
    const other = await app.newTenant("other");
    expect(ok(await other.gql(`query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids })).nodes).toEqual([
      null,
      null,
      null,
      null,
    ]);
    const tooMany = await gql(`query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids: Array(101).fill(ids[0]) });
    expect(tooMany.errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
  });

  it("a tampered body fails verification", () => {
    const w = [...receiver.delivered().values()][0];
    expect(verifyWith(sub.secret, w.body, w.headers)).toBe(true);
    const tampered = w.body.replace(/"type":"[a-z._]+"/, '"type":"bounce.forged"');
    expect(tampered).not.toBe(w.body);
    expect(verifyWith(sub.secret, tampered, w.headers)).toBe(false);
    expect(verifyWith("whsec_" + Buffer.alloc(24, 7).toString("base64"), w.body, w.headers)).toBe(false);
  });

  it("lists deliveries with their attempts, filtered by type and status", async () => {
    const all = ok(await gql(DELIVERIES, { id: sub.id })).node.deliveries.edges.map((e: any) => e.node);
    expect(all.length).toBe(receiver.delivered().size);
    for (const d of all) {
      expect(d.status).toBe("SUCCEEDED");
      expect(d.webhookId).toMatch(/^msg_[0-9a-f]{32}$/);
      expect(receiver.delivered().get(d.webhookId)?.body).toBe(d.body);
      expect(d.attempts.length).toBeGreaterThanOrEqual(1);
      expect(d.attempts.at(-1).httpStatus).toBe(200);
      expect(d.attempts.at(-1).latencyMs).toBeGreaterThanOrEqual(0);
    }
    const bounces = ok(await gql(DELIVERIES, { id: sub.id, filter: { type: "BOUNCE_RECEIVED", status: "SUCCEEDED" } }))
      .node.deliveries.edges;
    expect(bounces.length).toBe(bodies(receiver).filter((b) => b.type === "bounce.received").length);
    expect(ok(await gql(DELIVERIES, { id: sub.id, filter: { status: "FAILED" } })).node.deliveries.edges).toEqual([]);
  });

  it("redeliverWebhook sends the same message with the same webhook-id; sendTestWebhook sends webhook.test", async () => {
    const first = ok(await gql(DELIVERIES, { id: sub.id, filter: { type: "BOUNCE_RECEIVED" } })).node.deliveries
      .edges[0].node;
    const before = receiver.requests.filter((w) => w.id === first.webhookId).length;
    const r = ok(
      await gql(
        `mutation($i: RedeliverWebhookInput!) { redeliverWebhook(input: $i) { delivery { id webhookId status } userErrors { code message } } }`,
        { i: { deliveryId: first.id } },
      ),
      "redeliverWebhook",
    );
    expect(r.delivery.webhookId).toBe(first.webhookId);
    await receiver.waitFor(
      () => receiver.requests.filter((w) => w.id === first.webhookId).length === before + 1,
      10_000,
      "the redelivery",
    );
    const again = receiver.requests.filter((w) => w.id === first.webhookId).at(-1)!;
    expect(again.body).toBe(first.body);
    expect(again.verified).toBe(true);

    const t = ok(
      await gql(
        `mutation($i: SendTestWebhookInput!) { sendTestWebhook(input: $i) { delivery { webhookId type } userErrors { code message } } }`,
        { i: { subscriptionId: sub.id } },
      ),
      "sendTestWebhook",
    );
    expect(t.delivery.type).toBe("TEST");
    await receiver.waitFor(() => receiver.delivered().has(t.delivery.webhookId), 10_000, "the test message");
    expect(JSON.parse(receiver.delivered().get(t.delivery.webhookId)!.body).type).toBe("webhook.test");
  });

  it("during a rotation both secrets verify every message, each alone", async () => {
    const r = ok(
      await gql(
        `mutation($i: RotateWebhookSecretInput!) { rotateWebhookSecret(input: $i) { secret webhookSubscription { previousSecretExpiresAt } userErrors { code message } } }`,
        { i: { id: sub.id } },
      ),
      "rotateWebhookSecret",
    );
    expect(r.secret).not.toBe(sub.secret);
    const overlap = new Date(r.webhookSubscription.previousSecretExpiresAt).getTime() - Date.now();
    expect(overlap).toBeGreaterThan(23.9 * 3_600_000);
    expect(overlap).toBeLessThanOrEqual(24 * 3_600_000);
    receiver.secrets = [sub.secret, r.secret];
    const seen = receiver.requests.length;
    ok(
      await gql(INGEST, { input: { events: [bounce("rot@acme.example", "452 4.2.2 Mailbox full")] } }),
      "ingestBounces",
    );
    await receiver.waitFor(() => receiver.requests.length > seen, 10_000, "a message after the rotation");
    for (const w of receiver.requests.slice(seen)) {
      expect(w.verifiedBy).toEqual([0, 1]);
      expect(w.signature.split(" ")).toHaveLength(2);
    }
  });

  it("only an admin key manages subscriptions", async () => {
    const key = ok(
      await gql(
        `mutation { createApiKey(input: { name: "reader", scopes: [READ, WRITE, INGEST] }) { apiKey { id } secret userErrors { code message } } }`,
      ),
      "createApiKey",
    );
    const reader = graphqlClient(app.url, key.secret);
    const r = await reader(CREATE, { input: { url: receiver.url, events: ["BOUNCE_RECEIVED"] } });
    expect(r.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const read = await reader(`query($id: ID!) { node(id: $id) { id } }`, { id: sub.id });
    expect(read.data.node).toBeNull();
  });
});

describe("transactions", () => {
  it("a rolled-back ingest sends nothing; a committed one is sent", async () => {
    const local = await startWebhookReceiver();
    try {
      const sub = await subscribe(local.url, ["BOUNCE_RECEIVED"]);
      local.secrets = [sub.secret];
      // Plugged into this app after its own hooks, and switched off once it has failed the ingest.
      let failing = true;
      app.running.app.extensions.register(INGEST_HOOKS, async (_ctx, batch) => {
        if (failing && batch.events.some((e) => e.recipient.startsWith("rollback")))
          throw new Error("rolled back on purpose");
      });
      try {
        const r = await gql(INGEST, { input: { events: [bounce("rollback@acme.example")] } });
        expect(r.errors?.length).toBeGreaterThan(0);
      } finally {
        failing = false;
      }
      ok(await gql(INGEST, { input: { events: [bounce("committed@acme.example")] } }), "ingestBounces");
      await local.waitFor(() => local.delivered().size >= 1, 10_000, "the committed event");
      // Long enough for a stray message to be sent too: the committed one came after it.
      await new Promise((r) => setTimeout(r, 500));
      const recipients = [...local.delivered().values()].map((w) => JSON.parse(w.body).data.recipient);
      expect(recipients).toEqual(["committed@acme.example"]);
      const rows = await sql(
        app.database.url,
        "SELECT id, body FROM webhook_deliveries WHERE tenant_id = $1 AND subscription_id = $2",
        [tenantUuid, uuidFromGlobal(sub.id)],
      );
      expect(rows).toHaveLength(1);
      // Its pg-boss job, made in the ingest's transaction, is completed once the success is recorded.
      const jobs = async () =>
        sql(
          app.database.url,
          "SELECT state, data FROM pgboss.job WHERE name = 'webhook-delivery' AND data->>'deliveryId' = $1",
          [rows[0].id],
        );
      for (let i = 0; i < 50 && (await jobs())[0]?.state !== "completed"; i++)
        await new Promise((r) => setTimeout(r, 100));
      expect(await jobs()).toEqual([
        { state: "completed", data: { tenantId: tenantUuid, deliveryId: rows[0].id, attempt: 0 } },
      ]);
      // The tenant role may enqueue, and read or change no job.
      const [grants] = await sql(
        app.database.url,
        `SELECT has_table_privilege('rebound_app', 'pgboss.job', 'INSERT') AS enqueue,
                has_table_privilege('rebound_app', 'pgboss.job', 'SELECT') AS read,
                has_table_privilege('rebound_app', 'pgboss.job', 'UPDATE') AS change`,
      );
      expect(grants).toEqual({ enqueue: true, read: false, change: false });
    } finally {
      await local.close();
    }
  });
});

describe("durability", () => {
  it("a receiver answering 503, then refusing connections, gets every event once it is back, once per webhook-id", async () => {
    const down = await startWebhookReceiver();
    try {
      const sub = await subscribe(down.url, ["BOUNCE_RECEIVED"]);
      down.secrets = [sub.secret];
      down.setMode({ kind: "status", status: 503 });
      const recipients = Array.from({ length: 30 }, (_, i) => `outage${i}@acme.example`);
      ok(
        await gql(INGEST, { input: { events: recipients.slice(0, 20).map((r) => bounce(r, "451 4.3.0 Try later")) } }),
        "ingestBounces",
      );
      await down.waitFor(() => down.requests.length >= 20, 10_000, "the first 503s");
      await down.refuse();
      ok(
        await gql(INGEST, { input: { events: recipients.slice(20).map((r) => bounce(r, "451 4.3.0 Try later")) } }),
        "ingestBounces",
      );
      await new Promise((r) => setTimeout(r, 1500));
      down.setMode({ kind: "ok" });
      await down.listen();
      await down.waitFor(() => down.delivered().size === 30, 20_000, "all 30 events after the outage");
      await new Promise((r) => setTimeout(r, 1000));
      const delivered = [...down.delivered().values()];
      expect(delivered).toHaveLength(30);
      expect(delivered.every((w) => w.verified)).toBe(true);
      expect(delivered.map((w) => JSON.parse(w.body).data.recipient).sort()).toEqual([...recipients].sort());
      // Exactly once per webhook-id: no message was answered 2xx twice.
      const successes = down.requests.filter((w) => w.answered < 300);
      expect(successes).toHaveLength(30);
      // The 503s and refused connections are on record, and retries kept the webhook-id.
      const rows = await sql(
        app.database.url,
        `SELECT d.status, d.attempts, array_agg(a.http_status ORDER BY a.attempt) AS statuses, array_agg(a.error ORDER BY a.attempt) AS errors
           FROM webhook_deliveries d JOIN webhook_delivery_attempts a ON a.tenant_id = d.tenant_id AND a.delivery_id = d.id
          WHERE d.tenant_id = $1 AND d.subscription_id = $2 GROUP BY d.id, d.status, d.attempts`,
        [tenantUuid, uuidFromGlobal(sub.id)],
      );
      expect(rows).toHaveLength(30);
      expect(rows.every((r) => r.status === "SUCCEEDED" && r.statuses.at(-1) === 200)).toBe(true);
      expect(rows.filter((r) => r.statuses.includes(503)).length).toBeGreaterThanOrEqual(20);
      expect(rows.some((r) => r.errors.some((e: string | null) => e && /ECONNREFUSED/.test(e)))).toBe(true);
      const ids = new Set(down.requests.map((w) => w.id));
      expect(ids.size).toBe(30);
    } finally {
      await down.close();
    }
  }, 40_000);

  it("410 Gone disables the subscription and raises WEBHOOK_ENDPOINT_DISABLED; resuming sends what waited", async () => {
    const gone = await startWebhookReceiver();
    try {
      const sub = await subscribe(gone.url, ["BOUNCE_RECEIVED"]);
      gone.secrets = [sub.secret];
      gone.setMode({ kind: "status", status: 410 });
      ok(await gql(INGEST, { input: { events: [bounce("gone410@acme.example")] } }), "ingestBounces");
      await gone.waitFor(() => gone.requests.length >= 1, 10_000, "the 410");
      const read = async () =>
        ok(
          await gql(`query($id: ID!) { node(id: $id) { ... on WebhookSubscription { status disabledReason } } }`, {
            id: sub.id,
          }),
        ).node;
      await waitUntil(async () => (await read()).status === "DISABLED", "the subscription disabled");
      expect((await read()).disabledReason).toMatch(/410/);
      const alerts = ok(
        await gql(
          `{ alerts(first: 20, filter: { kind: WEBHOOK_ENDPOINT_DISABLED }) { edges { node { kind severity message evidence } } } }`,
        ),
      ).alerts.edges.map((e: any) => e.node);
      expect(alerts.some((a: any) => a.evidence.subscriptionId === sub.id && a.severity === "CRITICAL")).toBe(true);
      // Disabled: nothing more is attempted.
      const seen = gone.requests.length;
      await new Promise((r) => setTimeout(r, 1000));
      expect(gone.requests.length).toBe(seen);
      gone.setMode({ kind: "ok" });
      ok(
        await gql(
          `mutation($i: ResumeWebhookSubscriptionInput!) { resumeWebhookSubscription(input: $i) { webhookSubscription { status } userErrors { code message } } }`,
          {
            i: { id: sub.id },
          },
        ),
        "resumeWebhookSubscription",
      );
      await gone.waitFor(() => gone.delivered().size === 1, 10_000, "the waiting message after resuming");
      expect(JSON.parse([...gone.delivered().values()][0].body).data.recipient).toBe("gone410@acme.example");
    } finally {
      await gone.close();
    }
  }, 30_000);

  it("an endpoint failing for the give-up period is disabled, its message FAILED, and an alert raised", async () => {
    const failing = await startWebhookReceiver();
    try {
      const sub = await subscribe(failing.url, ["BOUNCE_RECEIVED"]);
      failing.setMode({ kind: "status", status: 500 });
      ok(await gql(INGEST, { input: { events: [bounce("failing@acme.example")] } }), "ingestBounces");
      // REBOUND_WEBHOOK_GIVE_UP_HOURS=0.002: 7.2 seconds.
      await waitUntil(
        async () =>
          ok(await gql(`query($id: ID!) { node(id: $id) { ... on WebhookSubscription { status } } }`, { id: sub.id }))
            .node.status === "DISABLED",
        "the failing subscription disabled",
        20_000,
      );
      const d = ok(await gql(DELIVERIES, { id: sub.id })).node.deliveries.edges[0].node;
      expect(d.status).toBe("FAILED");
      expect(d.attempts.length).toBeGreaterThanOrEqual(4);
      expect(d.attempts.every((a: any) => a.httpStatus === 500)).toBe(true);
      const alerts = ok(
        await gql(`{ alerts(first: 20, filter: { kind: WEBHOOK_ENDPOINT_DISABLED }) { edges { node { evidence } } } }`),
      ).alerts.edges;
      expect(alerts.some((e: any) => e.node.evidence.subscriptionId === sub.id)).toBe(true);
    } finally {
      await failing.close();
    }
  }, 30_000);

  it("pausing stops sending; events while paused are never sent", async () => {
    const paused = await startWebhookReceiver();
    try {
      const sub = await subscribe(paused.url, ["BOUNCE_RECEIVED"]);
      const mutate = (name: string) =>
        gql(
          `mutation($i: ${name[0].toUpperCase()}${name.slice(1)}Input!) { ${name}(input: $i) { webhookSubscription { status } userErrors { code message } } }`,
          {
            i: { id: sub.id },
          },
        );
      expect(ok(await mutate("pauseWebhookSubscription"), "pauseWebhookSubscription").webhookSubscription.status).toBe(
        "PAUSED",
      );
      ok(await gql(INGEST, { input: { events: [bounce("whilepaused@acme.example")] } }), "ingestBounces");
      expect(
        ok(await mutate("resumeWebhookSubscription"), "resumeWebhookSubscription").webhookSubscription.status,
      ).toBe("ACTIVE");
      ok(await gql(INGEST, { input: { events: [bounce("afterresume@acme.example")] } }), "ingestBounces");
      await paused.waitFor(() => paused.delivered().size >= 1, 10_000, "the message after resuming");
      await new Promise((r) => setTimeout(r, 500));
      expect([...paused.delivered().values()].map((w) => JSON.parse(w.body).data.recipient)).toEqual([
        "afterresume@acme.example",
      ]);
    } finally {
      await paused.close();
    }
  });
});

describe("metrics", () => {
  it("exposes attempts, failures, latency and queue depth", async () => {
    const text = await (await fetch(app.url.replace("/graphql", "/metrics"))).text();
    expect(text).toMatch(/rebound_webhook_attempts_total\{outcome="succeeded"\} [1-9]/);
    expect(text).toMatch(/rebound_webhook_attempts_total\{outcome="gone"\} [1-9]/);
    expect(text).toMatch(/rebound_webhook_failures_total\{kind="endpoint_disabled"\} [1-9]/);
    expect(text).toMatch(/rebound_webhook_delivery_latency_seconds_count [1-9]/);
    expect(text).toMatch(/rebound_webhook_attempt_duration_seconds_count [1-9]/);
    expect(text).toMatch(/rebound_webhook_queue_depth \d+/);
  });
});

async function waitUntil(check: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
