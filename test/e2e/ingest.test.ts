import "reflect-metadata";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { RequestContext } from "../../src/platform/context";
import { INGEST_HOOKS, type IngestBatch, type IngestHook } from "../../src/modules/ingest";
import { deliveryCounterService } from "../../src/modules/delivery/delivery-counter.service";
import { ok, type Gql } from "../support/graphql-client";
import { graphqlClient } from "../support/graphql-client";
import { startAnotherApp, startTestApp, type TestApp } from "../support/test-app";
import {
  arfMessage,
  autoReplyMessage,
  countersAndRecount,
  createSetup,
  dsnMessage,
  EVENT_FIELDS,
  sql,
  uuidFromGlobal,
  type Setup,
} from "./ingest-support";

let app: TestApp;
let gql: Gql;
let tenantUuid: string;
let apiKey: string;
let s: Setup;

beforeAll(async () => {
  app = await startTestApp("ingest");
  const t = await app.newTenant("ingest");
  gql = t.gql;
  apiKey = t.apiKey;
  tenantUuid = uuidFromGlobal(t.tenantId);
  s = await createSetup(gql, "ingest");
});
afterAll(() => app?.close());

const RECORD_SENDS = `mutation($input: RecordSendsInput!) { recordSends(input: $input) { recorded byProvider { provider count } replayed userErrors { field message code } } }`;
const INGEST = `mutation($input: IngestBouncesInput!) { ingestBounces(input: $input) { inserted duplicates events { ${EVENT_FIELDS} } suppressions { value scope reason } replayed userErrors { field message code } } }`;
const INGEST_MESSAGE = `mutation($input: IngestBounceMessageInput!) { ingestBounceMessage(input: $input) { messageKind inserted duplicates events { ${EVENT_FIELDS} } replayed userErrors { field message code } } }`;

function ctxFor(): RequestContext {
  return new RequestContext(app.running.app, { tenantId: tenantUuid, keyId: "test", scopes: ["read"] });
}

async function withCtx<T>(fn: (ctx: RequestContext) => Promise<T>): Promise<T> {
  const ctx = ctxFor();
  try {
    return await fn(ctx);
  } finally {
    await ctx.tx.rollback();
  }
}

describe("recordSends", () => {
  it("counts recipients per campaign, inbox and recipient provider", async () => {
    const r = ok(
      await gql(RECORD_SENDS, {
        input: {
          campaignId: s.campaignId,
          inboxId: s.inboxId,
          recipients: [
            "a@gmail.com",
            "B@GoogleMail.com",
            "c@outlook.com",
            "d@yahoo.com",
            "e@custom.example",
            "f@icloud.com",
          ],
        },
      }),
      "recordSends",
    );
    expect(r.recorded).toBe(6);
    expect(r.byProvider).toEqual([
      { provider: "APPLE", count: 1 },
      { provider: "GMAIL", count: 2 },
      { provider: "MICROSOFT", count: 1 },
      { provider: "OTHER", count: 1 },
      { provider: "YAHOO", count: 1 },
    ]);
    const totals = await withCtx((ctx) => deliveryCounterService.campaignTotals(ctx, [uuidFromGlobal(s.campaignId)]));
    const t = totals.get(uuidFromGlobal(s.campaignId))!;
    expect(t.total.sent).toBe(6);
    expect(t.byProvider.GMAIL.sent).toBe(2);
    expect(t.byProvider.MICROSOFT.sent).toBe(1);
  });

  it("rejects bad input with userErrors and records nothing", async () => {
    const before = await withCtx((ctx) => deliveryCounterService.tenantTotals(ctx));
    const cases: Array<[Record<string, unknown>, string, string[]]> = [
      [
        {
          campaignId: "Q2FtcGFpZ246MDAwMDAwMDAtMDAwMC0wMDAwLTAwMDAtMDAwMDAwMDAwMDAw",
          inboxId: s.inboxId,
          recipients: ["a@gmail.com"],
        },
        "NOT_FOUND",
        ["input", "campaignId"],
      ],
      [{ campaignId: s.campaignId, inboxId: "nope", recipients: ["a@gmail.com"] }, "NOT_FOUND", ["input", "inboxId"]],
      [
        { campaignId: s.campaignId, inboxId: s.inboxId, recipients: ["a@gmail.com", "not an address"] },
        "INVALID_EMAIL",
        ["input", "recipients", "1"],
      ],
      [
        {
          campaignId: s.campaignId,
          inboxId: s.inboxId,
          recipients: Array.from({ length: 10_001 }, (_, i) => `r${i}@gmail.com`),
        },
        "TOO_MANY_RECIPIENTS",
        ["input", "recipients"],
      ],
    ];
    for (const [input, code, field] of cases) {
      const res = await gql(RECORD_SENDS, { input });
      expect(res.errors).toBeUndefined();
      expect(res.data.recordSends).toMatchObject({ recorded: 0, byProvider: [], replayed: false });
      expect(res.data.recordSends.userErrors[0]).toMatchObject({ code, field });
    }
    const other = await createSetup(gql, "other");
    const mismatch = await gql(RECORD_SENDS, {
      input: { campaignId: s.campaignId, inboxId: other.inboxId, recipients: ["a@gmail.com"] },
    });
    expect(mismatch.data.recordSends.userErrors[0].code).toBe("INBOX_DOMAIN_MISMATCH");
    const after = await withCtx((ctx) => deliveryCounterService.tenantTotals(ctx));
    expect(after.total.sent).toBe(before.total.sent);
  });

  it("takes 10,000 recipients in one call and an idempotencyKey makes a retry count once", async () => {
    const recipients = Array.from({ length: 10_000 }, (_, i) => `bulk${i}@${i % 2 ? "gmail.com" : "outlook.com"}`);
    const input = { campaignId: s.campaign2Id, inboxId: s.inboxId, recipients, idempotencyKey: "sends-bulk-1" };
    const first = ok(await gql(RECORD_SENDS, { input }), "recordSends");
    const retry = ok(await gql(RECORD_SENDS, { input }), "recordSends");
    expect(first.replayed).toBe(false);
    expect(retry).toEqual({ ...first, replayed: true });
    const reused = await gql(RECORD_SENDS, { input: { ...input, recipients: recipients.slice(1) } });
    expect(reused.data.recordSends.userErrors[0]).toMatchObject({
      code: "IDEMPOTENCY_KEY_REUSED",
      field: ["input", "idempotencyKey"],
    });
    // A refused call still answers every non-null field: nothing recorded, nothing replayed.
    expect(reused.data.recordSends).toMatchObject({ recorded: 0, byProvider: [], replayed: false });
    const totals = await withCtx((ctx) => deliveryCounterService.campaignTotals(ctx, [uuidFromGlobal(s.campaign2Id)]));
    expect(totals.get(uuidFromGlobal(s.campaign2Id))!.total.sent).toBe(10_000);
    expect(totals.get(uuidFromGlobal(s.campaign2Id))!.byProvider.GMAIL.sent).toBe(5_000);
  });

  it("needs the ingest scope", async () => {
    const created = ok(
      await gql(`mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret userErrors { code } } }`, {
        input: { name: "reader", scopes: ["READ"] },
      }),
      "createApiKey",
    );
    const reader = graphqlClient(app.url, created.secret);
    const res = await reader(RECORD_SENDS, {
      input: { campaignId: s.campaignId, inboxId: s.inboxId, recipients: ["a@gmail.com"] },
    });
    expect(res.errors?.[0].extensions?.code).toBe("FORBIDDEN");
  });
});

describe("ingestBounces", () => {
  it("stores each event with its diagnosis, exactly once per eventKey", async () => {
    const events = [
      {
        recipient: "gone@gmail.com",
        campaignId: s.campaignId,
        inboxId: s.inboxId,
        smtpResponse: "550 5.1.1 <gone@gmail.com>: Recipient address rejected: User unknown",
        eventKey: "k-1",
        occurredAt: "2026-11-20T10:00:00.000Z",
      },
      {
        recipient: "full@outlook.com",
        campaignId: s.campaignId,
        kind: "DEFERRAL",
        status: "4.2.2",
        diagnosticCode: "smtp; 452 4.2.2 Mailbox full",
        eventKey: "k-2",
      },
      {
        recipient: "blocked@yahoo.com",
        campaignId: s.campaignId,
        smtpResponse: "554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org",
        eventKey: "k-3",
      },
    ];
    const first = ok(await gql(INGEST, { input: { events } }), "ingestBounces");
    expect(first.inserted).toBe(3);
    expect(first.duplicates).toBe(0);
    expect(
      first.events.map((e: any) => [e.recipient, e.source, e.reason, e.bounceType, e.hardBounce, e.fault]),
    ).toEqual([
      ["gone@gmail.com", "API", "USERUNKNOWN", "HARD", true, "RECIPIENT_ADDRESS"],
      ["full@outlook.com", "API", "MAILBOXFULL", "SOFT", false, "RECIPIENT_MAILBOX"],
      ["blocked@yahoo.com", "API", "BLOCKED", "HARD", false, "SENDER_REPUTATION"],
    ]);
    expect(first.events[0]).toMatchObject({
      recipientDomain: "gmail.com",
      recipientProvider: "GMAIL",
      variant: "USER_UNKNOWN",
      status: "5.1.1",
      replyCode: 550,
      occurredAt: "2026-11-20T10:00:00.000Z",
      campaign: { id: s.campaignId },
      inbox: { id: s.inboxId },
    });
    expect(first.events[0].ruleVersion).toMatch(/\d/);
    expect(first.events[0].evidence.length).toBeGreaterThan(0);
    expect(first.suppressions).toEqual([{ value: "gone@gmail.com", scope: "ADDRESS", reason: "HARD_BOUNCE" }]);

    // Sent again (and one new): the old ones are duplicates answered with the stored rows.
    const again = ok(
      await gql(INGEST, {
        input: {
          events: [...events, { recipient: "new@gmail.com", smtpResponse: "550 5.1.1 user unknown", eventKey: "k-4" }],
        },
      }),
      "ingestBounces",
    );
    expect(again.inserted).toBe(1);
    expect(again.duplicates).toBe(3);
    expect(again.events.slice(0, 3).map((e: any) => e.id)).toEqual(first.events.map((e: any) => e.id));
    expect(again.suppressions).toEqual([{ value: "new@gmail.com", scope: "ADDRESS", reason: "HARD_BOUNCE" }]);

    // The same key twice in one batch is one event.
    const twice = ok(
      await gql(INGEST, {
        input: {
          events: [
            { recipient: "x@gmail.com", smtpResponse: "550 5.1.1 user unknown", eventKey: "k-5" },
            { recipient: "x@gmail.com", smtpResponse: "550 5.1.1 user unknown", eventKey: "k-5" },
          ],
        },
      }),
      "ingestBounces",
    );
    expect([twice.inserted, twice.duplicates]).toEqual([1, 1]);
    expect(twice.events[0].id).toBe(twice.events[1].id);

    const rows = await sql(
      app.database.url,
      "SELECT dedupe_key FROM bounce_events WHERE tenant_id = $1 AND dedupe_key LIKE 'api:k-%' ORDER BY 1",
      [tenantUuid],
    );
    expect(rows.map((r) => r.dedupe_key)).toEqual(["api:k-1", "api:k-2", "api:k-3", "api:k-4", "api:k-5"]);
  });

  it("without eventKey, a resent identical event is a duplicate", async () => {
    const event = {
      recipient: "same@gmail.com",
      smtpResponse: "452 4.2.2 over quota",
      occurredAt: "2026-11-21T00:00:00.000Z",
    };
    expect(ok(await gql(INGEST, { input: { events: [event] } }), "ingestBounces").inserted).toBe(1);
    expect(ok(await gql(INGEST, { input: { events: [event] } }), "ingestBounces").duplicates).toBe(1);
    expect(
      ok(
        await gql(INGEST, { input: { events: [{ ...event, occurredAt: "2026-11-22T00:00:00.000Z" }] } }),
        "ingestBounces",
      ).inserted,
    ).toBe(1);
  });

  it("rejects bad input with userErrors and stores nothing", async () => {
    const count = async () =>
      Number(
        (await sql(app.database.url, "SELECT count(*) FROM bounce_events WHERE tenant_id = $1", [tenantUuid]))[0].count,
      );
    const before = await count();
    const good = { recipient: "ok@gmail.com", smtpResponse: "550 5.1.1 user unknown", eventKey: "never-stored" };
    const cases: Array<[unknown[], string, string[]]> = [
      [
        [good, { recipient: "nope", smtpResponse: "550 5.1.1 x" }],
        "INVALID_EMAIL",
        ["input", "events", "1", "recipient"],
      ],
      [[good, { recipient: "a@gmail.com" }], "MISSING_DIAGNOSIS", ["input", "events", "1"]],
      [
        [{ ...good, campaignId: "Q2FtcGFpZ246MDAwMDAwMDAtMDAwMC0wMDAwLTAwMDAtMDAwMDAwMDAwMDAw" }],
        "NOT_FOUND",
        ["input", "events", "0", "campaignId"],
      ],
      [[{ ...good, inboxId: s.campaignId }], "NOT_FOUND", ["input", "events", "0", "inboxId"]],
      [[{ ...good, eventKey: "x".repeat(256) }], "INVALID_EVENT_KEY", ["input", "events", "0", "eventKey"]],
      [
        Array.from({ length: 1_001 }, (_, i) => ({ ...good, eventKey: `many-${i}` })),
        "TOO_MANY_EVENTS",
        ["input", "events"],
      ],
    ];
    for (const [events, code, field] of cases) {
      const res = await gql(INGEST, { input: { events } });
      expect(res.errors).toBeUndefined();
      expect(res.data.ingestBounces).toMatchObject({
        inserted: 0,
        duplicates: 0,
        events: [],
        suppressions: [],
        replayed: false,
      });
      expect(res.data.ingestBounces.userErrors[0]).toMatchObject({ code, field });
    }
    // Another tenant's campaign is simply not found.
    const other = await app.newTenant("other");
    const otherSetup = await createSetup(other.gql, "foreign");
    const foreign = await gql(INGEST, { input: { events: [{ ...good, campaignId: otherSetup.campaignId }] } });
    expect(foreign.data.ingestBounces.userErrors[0]).toMatchObject({ code: "NOT_FOUND" });
    expect(await count()).toBe(before);
  });

  it("an idempotencyKey returns the stored result for the same events and refuses different ones", async () => {
    const events = [{ recipient: "idem@gmail.com", smtpResponse: "550 5.1.1 user unknown", eventKey: "idem-1" }];
    const first = ok(await gql(INGEST, { input: { events, idempotencyKey: "batch-77" } }), "ingestBounces");
    const retry = ok(await gql(INGEST, { input: { events, idempotencyKey: "batch-77" } }), "ingestBounces");
    expect(first.replayed).toBe(false);
    expect(retry).toEqual({ ...first, replayed: true });
    expect(retry.inserted).toBe(1);
    // Without a key a repeat is not a replay: it runs, and finds the event a duplicate.
    const unkeyed = ok(await gql(INGEST, { input: { events } }), "ingestBounces");
    expect(unkeyed).toMatchObject({ inserted: 0, duplicates: 1, replayed: false });
    const reused = await gql(INGEST, {
      input: { events: [{ ...events[0], eventKey: "idem-2" }], idempotencyKey: "batch-77" },
    });
    expect(reused.data.ingestBounces.userErrors).toEqual([
      { code: "IDEMPOTENCY_KEY_REUSED", field: ["input", "idempotencyKey"], message: expect.any(String) },
    ]);
    expect(reused.data.ingestBounces).toMatchObject({
      inserted: 0,
      duplicates: 0,
      events: [],
      suppressions: [],
      replayed: false,
    });
    const other = await gql(RECORD_SENDS, {
      input: { campaignId: s.campaignId, inboxId: s.inboxId, recipients: ["a@gmail.com"], idempotencyKey: "batch-77" },
    });
    expect(other.data.recordSends.userErrors[0].code).toBe("IDEMPOTENCY_KEY_REUSED");
  });

  it("keeps counters equal to a recount and serves batched totals", async () => {
    const { counters, recount } = await countersAndRecount(app.database.url, tenantUuid);
    expect(counters.length).toBeGreaterThan(0);
    expect(counters).toEqual(recount);
    const c1 = uuidFromGlobal(s.campaignId);
    const c2 = uuidFromGlobal(s.campaign2Id);
    const byCampaign = await withCtx((ctx) => deliveryCounterService.campaignTotals(ctx, [c1, c2]));
    expect([...byCampaign.keys()]).toEqual([c1, c2]);
    const t1 = byCampaign.get(c1)!;
    expect(t1.total).toMatchObject({ sent: 6, hardBounces: 2, softBounces: 1 });
    expect(t1.byProvider.GMAIL).toMatchObject({ sent: 2, hardBounces: 1 });
    expect(t1.byProvider.YAHOO).toMatchObject({ sent: 1, hardBounces: 1 });
    expect(t1.byProvider.MICROSOFT).toMatchObject({ sent: 1, softBounces: 1 });
    const domain = await withCtx((ctx) => deliveryCounterService.domainTotals(ctx, [uuidFromGlobal(s.domainId)]));
    expect(domain.get(uuidFromGlobal(s.domainId))!.total.sent).toBe(10_006);
    const inbox = await withCtx((ctx) => deliveryCounterService.inboxTotals(ctx, [uuidFromGlobal(s.inboxId)]));
    expect(inbox.get(uuidFromGlobal(s.inboxId))!.total.hardBounces).toBe(1); // only k-1 named the inbox
    // A since-date after the 2026-11-20 bounce leaves it out.
    const since = await withCtx((ctx) =>
      deliveryCounterService.campaignTotals(ctx, [c1], { since: new Date("2026-11-21T12:00:00Z") }),
    );
    expect(since.get(c1)!.total.hardBounces).toBe(1);
    const daily = await withCtx((ctx) => deliveryCounterService.dailyTotals(ctx, { kind: "campaign", id: c1 }));
    expect(daily[0].day).toBe("2026-11-20");
    expect(daily[0].total.hardBounces).toBe(1);
  });
});

describe("ingestBounceMessage", () => {
  it("stores a DSN per recipient, finds the campaign from the tenant's header, and dedupes a resend", async () => {
    const raw = dsnMessage({
      messageId: "dsn-1@mta.sender.example",
      recipients: [
        {
          address: "Nobody@Gmail.com",
          status: "5.1.1",
          diagnostic: "550 5.1.1 The email account that you tried to reach does not exist.",
        },
        { address: "later@outlook.com", status: "4.2.2", diagnostic: "452 4.2.2 Mailbox full", action: "delayed" },
      ],
      originalHeaders: { "X-Rebound-Campaign": s.campaign2Id },
    });
    const r = ok(await gql(INGEST_MESSAGE, { input: { raw, inboxId: s.inboxId } }), "ingestBounceMessage");
    expect(r).toMatchObject({ messageKind: "BOUNCE", inserted: 2, duplicates: 0 });
    expect(
      r.events.map((e: any) => [e.recipient, e.source, e.reason, e.hardBounce, e.campaign?.id, e.inbox?.id]),
    ).toEqual([
      ["nobody@gmail.com", "DSN", "USERUNKNOWN", true, s.campaign2Id, s.inboxId],
      ["later@outlook.com", "DSN", "MAILBOXFULL", false, s.campaign2Id, s.inboxId],
    ]);
    const again = ok(await gql(INGEST_MESSAGE, { input: { raw, inboxId: s.inboxId } }), "ingestBounceMessage");
    expect(again).toMatchObject({ inserted: 0, duplicates: 2 });
    expect(again.events.map((e: any) => e.id)).toEqual(r.events.map((e: any) => e.id));
  });

  it("uses a changed campaignHeader setting, and an explicit campaign wins", async () => {
    const res = await gql(
      `mutation($s: TenantSettingsInput!) { updateTenantSettings(input: { settings: $s }) { userErrors { code } } }`,
      { s: { campaignHeader: "X-Camp" } },
    );
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    const raw = dsnMessage({
      messageId: "dsn-2@mta",
      recipients: [{ address: "h1@gmail.com", status: "5.1.1", diagnostic: "550 5.1.1 no such user" }],
      originalHeaders: { "X-Camp": uuidFromGlobal(s.campaignId) },
    });
    const r = ok(await gql(INGEST_MESSAGE, { input: { raw } }), "ingestBounceMessage");
    expect(r.events[0].campaign).toEqual({ id: s.campaignId });
    const raw2 = dsnMessage({
      messageId: "dsn-3@mta",
      recipients: [{ address: "h2@gmail.com", status: "5.1.1", diagnostic: "550 5.1.1 no such user" }],
      originalHeaders: { "X-Camp": s.campaignId },
    });
    const r2 = ok(
      await gql(INGEST_MESSAGE, { input: { raw: raw2, campaignId: s.campaign2Id } }),
      "ingestBounceMessage",
    );
    expect(r2.events[0].campaign).toEqual({ id: s.campaign2Id });
    // A header naming nothing of this tenant is ignored, not an error.
    const raw3 = dsnMessage({
      messageId: "dsn-4@mta",
      recipients: [{ address: "h3@gmail.com", status: "5.1.1", diagnostic: "550 5.1.1 no such user" }],
      originalHeaders: { "X-Camp": "00000000-0000-4000-8000-000000000000" },
    });
    const r3 = ok(await gql(INGEST_MESSAGE, { input: { raw: raw3 } }), "ingestBounceMessage");
    expect(r3.events[0].campaign).toBeNull();
  });

  it("stores an ARF report as a complaint, stores nothing for an auto-reply, and refuses an unreadable message", async () => {
    const arf = ok(
      await gql(INGEST_MESSAGE, {
        input: { raw: arfMessage({ messageId: "arf-1@fbl", recipient: "angry@yahoo.com" }), campaignId: s.campaignId },
      }),
      "ingestBounceMessage",
    );
    expect(arf).toMatchObject({ messageKind: "FEEDBACK", inserted: 1 });
    expect(arf.events[0]).toMatchObject({ reason: "FEEDBACK", recipient: "angry@yahoo.com", source: "DSN" });
    const vacation = ok(
      await gql(INGEST_MESSAGE, { input: { raw: autoReplyMessage("ooo-1@customer") } }),
      "ingestBounceMessage",
    );
    expect(vacation).toMatchObject({ messageKind: "VACATION", inserted: 0, duplicates: 0, events: [] });
    const junk = await gql(INGEST_MESSAGE, { input: { raw: "hello world" } });
    expect(junk.data.ingestBounceMessage.userErrors[0]).toMatchObject({
      code: "NOT_A_BOUNCE",
      field: ["input", "raw"],
    });
    expect(junk.data.ingestBounceMessage).toMatchObject({ inserted: 0, duplicates: 0, events: [], replayed: false });
    const keyed = { raw: autoReplyMessage("ooo-2@customer"), idempotencyKey: "message-ooo-2" };
    const once = ok(await gql(INGEST_MESSAGE, { input: keyed }), "ingestBounceMessage");
    const twice = ok(await gql(INGEST_MESSAGE, { input: keyed }), "ingestBounceMessage");
    expect(once).toMatchObject({ messageKind: "VACATION", replayed: false });
    expect(twice).toEqual({ ...once, replayed: true });
    const { counters, recount } = await countersAndRecount(app.database.url, tenantUuid);
    expect(counters).toEqual(recount);
    const t = await withCtx((ctx) => deliveryCounterService.campaignTotals(ctx, [uuidFromGlobal(s.campaignId)]));
    expect(t.get(uuidFromGlobal(s.campaignId))!.byProvider.YAHOO.complaints).toBe(1);
  });
});

describe("ingest hooks", () => {
  // Plugged once into this test's app, after the app's own hooks; each case sets what it does.
  let hook: IngestHook | null = null;
  beforeAll(() => {
    app.running.app.extensions.register(INGEST_HOOKS, (ctx, batch) => hook?.(ctx, batch) ?? Promise.resolve());
  });
  afterEach(() => {
    hook = null;
  });

  it("see each new event once, inside the transaction, and a throwing hook stores nothing", async () => {
    const seen: IngestBatch[] = [];
    hook = async (ctx, batch) => {
      // Inside the transaction: the new rows are visible through ctx.
      const em = await ctx.db();
      const rows = await em.query(
        "SELECT count(*)::int AS n FROM bounce_events WHERE tenant_id = $1 AND id = ANY($2::uuid[])",
        [ctx.tenantId, batch.events.map((e) => e.uuid)],
      );
      expect(rows[0].n).toBe(batch.events.length);
      seen.push(batch);
    };
    try {
      const events = [
        {
          recipient: "hook1@gmail.com",
          campaignId: s.campaignId,
          inboxId: s.inboxId,
          smtpResponse: "550 5.1.1 user unknown",
          eventKey: "hook-1",
        },
        {
          recipient: "hook2@gmail.com",
          campaignId: s.campaign2Id,
          kind: "DEFERRAL",
          smtpResponse: "452 4.2.2 full",
          eventKey: "hook-2",
        },
      ];
      ok(await gql(INGEST, { input: { events } }), "ingestBounces");
      ok(await gql(INGEST, { input: { events } }), "ingestBounces");
      expect(seen).toHaveLength(1);
      expect(seen[0].channel).toBe("API");
      expect(seen[0].events.map((e) => e.recipient)).toEqual(["hook1@gmail.com", "hook2@gmail.com"]);
      expect(seen[0].campaignIds.sort()).toEqual([uuidFromGlobal(s.campaignId), uuidFromGlobal(s.campaign2Id)].sort());
      expect(seen[0].inboxIds).toEqual([uuidFromGlobal(s.inboxId)]);
      expect(seen[0].suppressions.map((x) => x.value)).toEqual(["hook1@gmail.com"]);

      ok(
        await gql(RECORD_SENDS, {
          input: { campaignId: s.campaignId, inboxId: s.inboxId, recipients: ["x@gmail.com", "y@gmail.com"] },
        }),
        "recordSends",
      );
      expect(seen[1]).toMatchObject({ channel: "SENDS", sent: 2, events: [] });
    } finally {
      hook = null;
    }

    hook = async () => {
      throw new Error("hook failed");
    };
    try {
      const res = await gql(INGEST, {
        input: {
          events: [
            { recipient: "rolled@gmail.com", smtpResponse: "550 5.1.1 user unknown", eventKey: "hook-rollback" },
          ],
        },
      });
      expect(res.errors?.[0].extensions?.code).toBe("INTERNAL_SERVER_ERROR");
    } finally {
      hook = null;
    }
    expect(
      await sql(app.database.url, "SELECT 1 FROM bounce_events WHERE dedupe_key = 'api:hook-rollback'"),
    ).toHaveLength(0);
    expect(await sql(app.database.url, "SELECT 1 FROM suppressions WHERE value = 'rolled@gmail.com'")).toHaveLength(0);
    const { counters, recount } = await countersAndRecount(app.database.url, tenantUuid);
    expect(counters).toEqual(recount);
  });

  it("belong to the app they were plugged into: another app in the process has only its own wiring", async () => {
    const seen: string[] = [];
    hook = async (_ctx, batch) => {
      seen.push(...batch.events.map((e) => e.recipient));
    };
    const other = await startAnotherApp(app);
    try {
      const mine = app.running.app.extensions.of(INGEST_HOOKS);
      expect(other.app.extensions.of(INGEST_HOOKS)).toEqual(mine.slice(0, -1));
      const otherGql = graphqlClient(other.server.url.replace("localhost", "127.0.0.1"), apiKey);
      const event = (recipient: string, eventKey: string) => ({
        recipient,
        campaignId: s.campaignId,
        smtpResponse: "452 4.2.2 mailbox full",
        kind: "DEFERRAL",
        eventKey,
      });
      expect(
        ok(
          await otherGql(INGEST, { input: { events: [event("other-app@gmail.com", "hook-other-app")] } }),
          "ingestBounces",
        ).inserted,
      ).toBe(1);
      expect(seen).toEqual([]);
      ok(await gql(INGEST, { input: { events: [event("this-app@gmail.com", "hook-this-app")] } }), "ingestBounces");
      expect(seen).toEqual(["this-app@gmail.com"]);
    } finally {
      await other.close();
    }
  });
});
