import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ok, type Gql } from "../support/graphql-client";
import { startTestApp, type TestApp } from "../support/test-app";
import { createSetup, sql, uuidFromGlobal, type Setup } from "./ingest-support";
import { COUNTED_AS_SQL } from "../../src/core/counted-as";
import { CreateDeliveryCountersHourly1764300006100 } from "../../migrations/1764300006100-create-delivery-counters-hourly";

// timeline(from, to, interval, provider) on Campaign, Inbox, Domain and viewer, from the
// hourly counters that ingestion moves: sends and outcomes placed in known hours, read back
// per hour and per day, every bucket present.

let app: TestApp;
let gql: Gql;
let s: Setup;
let tenantUuid: string;

const HOUR = 3_600_000;
// Two days ago at 00:00 UTC: the story runs over that day and the next.
const D0 = Math.floor((Date.now() - 2 * 86_400_000) / 86_400_000) * 86_400_000;
const at = (h: number, m = 17) => new Date(D0 + h * HOUR + m * 60_000).toISOString();

const SENDS = `mutation($input: RecordSendsInput!) { recordSends(input: $input) { recorded userErrors { code message } } }`;
const INGEST = `mutation($input: IngestBouncesInput!) { ingestBounces(input: $input) { inserted userErrors { field code message } } }`;
const BUCKET = `start sent delivered hardBounces softBounces deferred complaints hardBounceRate deliveredRate complaintRate`;

beforeAll(async () => {
  app = await startTestApp("timeline");
  const t = await app.newTenant("timeline");
  gql = t.gql;
  tenantUuid = uuidFromGlobal(t.tenantId);
  s = await createSetup(gql, "timeline");
  const send = (recipients: string[], sentAt: string, campaignId = s.campaignId) =>
    gql(SENDS, { input: { campaignId, inboxId: s.inboxId, recipients, sentAt } }).then((r) => ok(r, "recordSends"));
  // Hour 3 of day 0: 4 to Gmail, 2 to Yahoo. Hour 27 (day 1, 03:00): 10 to Gmail. Campaign 2: 5 at hour 3.
  await send(["a@gmail.com", "b@gmail.com", "c@gmail.com", "d@gmail.com", "e@yahoo.com", "f@yahoo.com"], at(3));
  await send(
    Array.from({ length: 10 }, (_, i) => `g${i}@gmail.com`),
    at(27),
  );
  await send(
    Array.from({ length: 5 }, (_, i) => `h${i}@gmail.com`),
    at(3),
    s.campaign2Id,
  );
  const ev = (recipient: string, h: number, kind: string, smtpResponse?: string) => ({
    recipient,
    campaignId: s.campaignId,
    inboxId: s.inboxId,
    kind,
    smtpResponse,
    occurredAt: at(h, 40),
  });
  ok(
    await gql(INGEST, {
      input: {
        events: [
          ev("a@gmail.com", 3, "DELIVERY"),
          ev("b@gmail.com", 3, "DELIVERY"),
          ev("c@gmail.com", 4, "BOUNCE", "550 5.1.1 <c@gmail.com>: user unknown"),
          ev("d@gmail.com", 4, "DEFERRAL", "452 4.2.2 mailbox full"),
          ev("d@gmail.com", 5, "DEFERRAL", "452 4.2.2 mailbox full, still"),
          ev("e@yahoo.com", 4, "COMPLAINT"),
          ev("g1@gmail.com", 27, "BOUNCE", "550 5.1.1 <g1@gmail.com>: user unknown"),
          ev("g2@gmail.com", 28, "DELIVERY"),
        ],
      },
    }),
    "ingestBounces",
  );
});
afterAll(() => app?.close());

describe("timeline", () => {
  it("per hour on a campaign: every bucket present, counts in the hour they happened", async () => {
    const q = `query($id: ID!, $from: DateTimeISO!, $to: DateTimeISO!) { campaign(id: $id) {
      timeline(from: $from, to: $to, interval: HOUR) { ${BUCKET} } } }`;
    const buckets = ok(await gql(q, { id: s.campaignId, from: at(2, 30), to: at(6, 0) })).campaign.timeline;
    expect(buckets.map((b: any) => b.start)).toEqual([2, 3, 4, 5].map((h) => new Date(D0 + h * HOUR).toISOString()));
    expect(
      buckets.map((b: any) => [b.sent, b.delivered, b.hardBounces, b.softBounces, b.deferred, b.complaints]),
    ).toEqual([
      [0, 0, 0, 0, 0, 0],
      [6, 2, 0, 0, 0, 0],
      [0, 0, 1, 1, 1, 1],
      [0, 0, 0, 1, 1, 0],
    ]);
    expect(buckets[1]).toMatchObject({ deliveredRate: 2 / 6, hardBounceRate: 0, complaintRate: 0 });
    expect(buckets[2]).toMatchObject({ deliveredRate: null, hardBounceRate: null });
  });

  it("per day, by provider, on the inbox, the domain and the whole tenant", async () => {
    const from = new Date(D0).toISOString();
    const to = new Date(D0 + 2 * 86_400_000).toISOString();
    const q = `query($i: ID!, $d: ID!, $from: DateTimeISO!, $to: DateTimeISO!) {
      inbox(id: $i) { timeline(from: $from, to: $to) { ${BUCKET} } }
      domain(id: $d) { timeline(from: $from, to: $to, interval: DAY, provider: GMAIL) { ${BUCKET} } }
      viewer { timeline(from: $from, to: $to, provider: YAHOO) { ${BUCKET} } } }`;
    const r = ok(await gql(q, { i: s.inboxId, d: s.domainId, from, to }));
    const counts = (bs: any[]) =>
      bs.map((b) => [b.sent, b.delivered, b.hardBounces, b.softBounces, b.deferred, b.complaints]);
    // The inbox sent for both campaigns: day 0 has 6 + 5 sends, day 1 has 10.
    expect(counts(r.inbox.timeline)).toEqual([
      [11, 2, 1, 2, 2, 1],
      [10, 1, 1, 0, 0, 0],
    ]);
    expect(counts(r.domain.timeline)).toEqual([
      [9, 2, 1, 2, 2, 0],
      [10, 1, 1, 0, 0, 0],
    ]);
    expect(counts(r.viewer.timeline)).toEqual([
      [2, 0, 0, 0, 0, 1],
      [0, 0, 0, 0, 0, 0],
    ]);
    expect(r.viewer.timeline[0].complaintRate).toBe(0.5);
  });

  it("agrees with a recount of the stored events, hour by hour", async () => {
    const [counters, recount] = await Promise.all([
      sql(
        app.database.url,
        `SELECT campaign_id, recipient_provider, hour, delivered::int, hard_bounces::int, soft_bounces::int, complaints::int
           FROM delivery_counters_hourly WHERE tenant_id = $1 AND delivered + hard_bounces + soft_bounces + complaints > 0 ORDER BY 1, 2, 3`,
        [tenantUuid],
      ),
      sql(
        app.database.url,
        `SELECT campaign_id, recipient_provider, date_trunc('hour', occurred_at, 'UTC') AS hour,
                count(*) FILTER (WHERE c = 'DELIVERED')::int AS delivered, count(*) FILTER (WHERE c = 'HARD_BOUNCE')::int AS hard_bounces,
                count(*) FILTER (WHERE c = 'SOFT_BOUNCE')::int AS soft_bounces, count(*) FILTER (WHERE c = 'COMPLAINT')::int AS complaints
           FROM (SELECT *, ${COUNTED_AS_SQL} AS c FROM bounce_events WHERE tenant_id = $1) e WHERE c <> 'NOT_COUNTED'
          GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
        [tenantUuid],
      ),
    ]);
    expect(counters).toEqual(recount);
  });

  it("refuses an empty or too long range with BAD_USER_INPUT", async () => {
    const q = `query($from: DateTimeISO!, $to: DateTimeISO!, $interval: TimelineInterval!) { viewer { timeline(from: $from, to: $to, interval: $interval) { start } } }`;
    const backwards = await gql(q, { from: at(5), to: at(4), interval: "HOUR" });
    expect(backwards.errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
    const tooLong = await gql(q, { from: new Date(D0 - 40 * 86_400_000).toISOString(), to: at(0), interval: "HOUR" });
    expect(tooLong.errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
    expect(tooLong.errors?.[0].message).toMatch(/At most 744 buckets/);
  });

  it("carries existing history over when the migration runs on a database that has some", async () => {
    const read = () =>
      sql(
        app.database.url,
        `SELECT campaign_id, inbox_id, domain_id, recipient_provider, date_trunc('day', hour, 'UTC') AS day,
                sum(sent)::int AS sent, sum(delivered)::int AS delivered, sum(hard_bounces)::int AS hard,
                sum(soft_bounces)::int AS soft, sum(complaints)::int AS complaints
           FROM delivery_counters_hourly WHERE tenant_id = $1 GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5`,
        [tenantUuid],
      );
    const live = await read();
    const bounceHours = `SELECT campaign_id, recipient_provider, hour, delivered, hard_bounces, soft_bounces, complaints
      FROM delivery_counters_hourly WHERE tenant_id = $1 AND delivered + hard_bounces + soft_bounces + complaints > 0 ORDER BY 1, 2, 3`;
    const liveHours = await sql(app.database.url, bounceHours, [tenantUuid]);
    const migration = new CreateDeliveryCountersHourly1764300006100();
    const runner = app.running.app.db.dataSource.createQueryRunner();
    try {
      await migration.down(runner);
      await migration.up(runner);
    } finally {
      await runner.release();
    }
    // Per day the same sends and outcomes; per hour the same outcomes (sends sit at 00:00).
    expect(await read()).toEqual(live);
    expect(await sql(app.database.url, bounceHours, [tenantUuid])).toEqual(liveHours);
  });
});
