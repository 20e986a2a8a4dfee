import type { EntityManager } from "typeorm";
import type { RequestContext } from "../../platform/context";
import { MAILBOX_PROVIDERS, type MailboxProvider } from "../../core/providers";
import type { CountedAs } from "../../core/counted-as";

// Delivery counters per (tenant, campaign, inbox, recipient provider, UTC day): written by
// ingest for newly inserted events and recorded sends only, read by health, benchmarks and
// alerts. Reads are batched: one statement for any number of campaigns (a dashboard lists
// 50), inboxes or domains.

export interface DeliveryCounts {
  sent: number;
  delivered: number;
  /** Permanent (5xx) failures, whoever's fault: the benchmarks' numerator. */
  hardBounces: number;
  /** Transient or undetermined failures, including ESP deferrals. */
  softBounces: number;
  complaints: number;
}

export interface DeliveryTotals {
  /** All providers together. */
  total: DeliveryCounts;
  /** Every provider is present (zeros when nothing was counted for it). */
  byProvider: Record<MailboxProvider, DeliveryCounts>;
}

export interface CounterWindow {
  /** First UTC day counted (the date's UTC day; earlier hours of that day are included). */
  since?: Date | null;
  /** Last UTC day counted, inclusive. */
  until?: Date | null;
}

/** One bucket's increments; campaign/inbox/domain may be unknown. */
export interface CounterDelta {
  campaignId: string | null;
  inboxId: string | null;
  domainId: string | null;
  provider: MailboxProvider;
  /** UTC day, YYYY-MM-DD. */
  day: string;
  sent: number;
  delivered: number;
  hardBounces: number;
  softBounces: number;
  complaints: number;
}

export function zeroCounts(): DeliveryCounts {
  return { sent: 0, delivered: 0, hardBounces: 0, softBounces: 0, complaints: 0 };
}

export function emptyTotals(): DeliveryTotals {
  // Property by property: Object.fromEntries cost several times this, and a dashboard page
  // makes one per campaign.
  const byProvider = {} as Record<MailboxProvider, DeliveryCounts>;
  for (const p of MAILBOX_PROVIDERS) byProvider[p] = zeroCounts();
  return { total: zeroCounts(), byProvider };
}

export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

const KEY_COLUMN = { campaign: "campaign_id", inbox: "inbox_id", domain: "domain_id" } as const;
type KeyKind = keyof typeof KEY_COLUMN;

/** Adds n to the count an event (or a send) moves. */
function bump(c: DeliveryCounts, what: Exclude<CountedAs, "NOT_COUNTED"> | "SENT", n: number): void {
  if (what === "SENT") c.sent += n;
  else if (what === "DELIVERED") c.delivered += n;
  else if (what === "HARD_BOUNCE") c.hardBounces += n;
  else if (what === "SOFT_BOUNCE") c.softBounces += n;
  else c.complaints += n;
}

type BucketKey = Pick<CounterDelta, "campaignId" | "inboxId" | "provider">;

/** Buckets in the order of their unique key (campaign, inbox, provider; then the day or hour). */
function byBucketKey(a: BucketKey, b: BucketKey): number {
  return cmp(a.campaignId, b.campaignId) || cmp(a.inboxId, b.inboxId) || cmp(a.provider, b.provider);
}

/** One hourly bucket's increments (delivery_counters_hourly), deferrals told apart. */
export interface HourlyCounterDelta extends Omit<CounterDelta, "day"> {
  /** The UTC hour, ISO 8601. */
  hour: string;
  deferred: number;
}

/** Accumulates per-bucket deltas in memory so one batch costs one upsert, whatever its size. */
export class CounterDeltas {
  private readonly buckets = new Map<string, CounterDelta>();
  private readonly hourly = new Map<string, HourlyCounterDelta>();

  /**
   * Counts n events (or sends) at `at` in the day's and the hour's buckets. `deferred`: a
   * soft bounce that was one failed try among more (a DEFERRAL, a DSN "delayed"), which the
   * hourly counters tell apart.
   */
  add(
    ref: { campaignId: string | null; inboxId: string | null; domainId: string | null },
    provider: MailboxProvider,
    at: Date,
    what: CountedAs | "SENT",
    n = 1,
    deferred = false,
  ): void {
    if (what === "NOT_COUNTED" || n === 0) return;
    const iso = at.toISOString();
    const day = iso.slice(0, 10);
    const hour = `${iso.slice(0, 13)}:00:00.000Z`;
    const base = `${ref.campaignId ?? ""}|${ref.inboxId ?? ""}|${provider}|`;
    let b = this.buckets.get(base + day);
    if (!b) {
      b = { campaignId: ref.campaignId, inboxId: ref.inboxId, domainId: ref.domainId, provider, day, ...zeroCounts() };
      this.buckets.set(base + day, b);
    }
    let h = this.hourly.get(base + hour);
    if (!h) {
      h = {
        campaignId: ref.campaignId,
        inboxId: ref.inboxId,
        domainId: ref.domainId,
        provider,
        hour,
        ...zeroCounts(),
        deferred: 0,
      };
      this.hourly.set(base + hour, h);
    }
    bump(b, what, n);
    bump(h, what, n);
    if (deferred && what === "SOFT_BOUNCE") h.deferred += n;
  }

  /** The hourly buckets, sorted by their unique key (one lock order). */
  hours(): HourlyCounterDelta[] {
    return [...this.hourly.values()].sort((a, b) => byBucketKey(a, b) || cmp(a.hour, b.hour));
  }

  get size(): number {
    return this.buckets.size;
  }

  /** Sorted by the unique key, so concurrent upserts lock rows in one order (no deadlocks). */
  list(): CounterDelta[] {
    return [...this.buckets.values()].sort((a, b) => byBucketKey(a, b) || cmp(a.day, b.day));
  }

  /** The same increments summed per (campaign, provider), sorted by that key; campaign-less ones left out. */
  campaignTotals(): CampaignTotalDelta[] {
    const byKey = new Map<string, CampaignTotalDelta>();
    for (const b of this.buckets.values()) {
      if (b.campaignId === null) continue;
      const key = `${b.campaignId}|${b.provider}`;
      let t = byKey.get(key);
      if (!t) byKey.set(key, (t = { campaignId: b.campaignId, provider: b.provider, ...zeroCounts() }));
      t.sent += b.sent;
      t.delivered += b.delivered;
      t.hardBounces += b.hardBounces;
      t.softBounces += b.softBounces;
      t.complaints += b.complaints;
    }
    return [...byKey.values()].sort((a, b) => cmp(a.campaignId, b.campaignId) || cmp(a.provider, b.provider));
  }
}

/** A campaign's lifetime increments for one provider (all days and inboxes of a batch). */
export interface CampaignTotalDelta extends DeliveryCounts {
  campaignId: string;
  provider: MailboxProvider;
}

/**
 * The sends and (hard + soft) bounces of each campaign in a batch's totals, in campaign
 * order: what moves the campaign's stored bounce rate. Deliveries and complaints alone move
 * nothing there.
 */
function campaignRateDeltas(
  totals: readonly CampaignTotalDelta[],
): Array<{ campaignId: string; sent: number; bounced: number }> {
  const out: Array<{ campaignId: string; sent: number; bounced: number }> = [];
  for (const t of totals) {
    const bounced = t.hardBounces + t.softBounces;
    if (t.sent === 0 && bounced === 0) continue;
    const last = out[out.length - 1];
    if (last && last.campaignId === t.campaignId) {
      last.sent += t.sent;
      last.bounced += bounced;
    } else out.push({ campaignId: t.campaignId, sent: t.sent, bounced });
  }
  return out;
}

function cmp(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a < b ? -1 : 1;
}

export class DeliveryCounterService {
  /**
   * Adds the deltas in one statement. Call only with counts of rows this transaction newly
   * inserted: the row locks taken here serialise concurrent batches on the same bucket, and
   * the additions commute, so concurrent ingests never lose or double an increment. The
   * locks are held until the transaction ends: callers move the counters as late as they can.
   */
  async apply(ctx: RequestContext, deltas: CounterDeltas): Promise<void> {
    if (deltas.size === 0) return;
    await this.applyWith(await ctx.db(), ctx.tenantId, deltas);
  }

  async applyWith(em: EntityManager, tenantId: string, deltas: CounterDeltas): Promise<void> {
    const rows = deltas.list();
    if (rows.length === 0) return;
    const totals = deltas.campaignTotals();
    const rates = campaignRateDeltas(totals);
    // The hourly counters, the daily counters, the campaigns' lifetime totals
    // (campaign_delivery_totals), then the sends and bounces on the campaign rows that the
    // BOUNCE_RATE order reads, in one statement (one round trip while holding the locks).
    // Each part is sorted by its key and each part's input waits for the previous part to be
    // done (the InitPlans reading "counted_hours", "counted" and "totalled"), so every batch
    // takes hourly, daily, total, then campaign locks, each in one order (campaign rows are
    // locked by a sorted SELECT ... FOR NO KEY UPDATE): concurrent batches cannot deadlock.
    const hours = deltas.hours();
    await em.query(
      `WITH counted_hours AS (
         INSERT INTO delivery_counters_hourly AS h
           (tenant_id, campaign_id, inbox_id, domain_id, recipient_provider, hour, sent, delivered, hard_bounces, soft_bounces, deferred, complaints)
         SELECT $1, x.campaign_id, x.inbox_id, x.domain_id, x.provider, x.hour, x.sent, x.delivered, x.hard, x.soft, x.deferred, x.complaints
           FROM unnest($19::uuid[], $20::uuid[], $21::uuid[], $22::text[], $23::timestamptz[], $24::bigint[], $25::bigint[], $26::bigint[], $27::bigint[], $28::bigint[], $29::bigint[])
                WITH ORDINALITY AS x(campaign_id, inbox_id, domain_id, provider, hour, sent, delivered, hard, soft, deferred, complaints, ord)
          ORDER BY x.ord
         ON CONFLICT (tenant_id, campaign_id, inbox_id, recipient_provider, hour) DO UPDATE SET
           sent = h.sent + EXCLUDED.sent,
           delivered = h.delivered + EXCLUDED.delivered,
           hard_bounces = h.hard_bounces + EXCLUDED.hard_bounces,
           soft_bounces = h.soft_bounces + EXCLUDED.soft_bounces,
           deferred = h.deferred + EXCLUDED.deferred,
           complaints = h.complaints + EXCLUDED.complaints,
           domain_id = coalesce(h.domain_id, EXCLUDED.domain_id)
         RETURNING 1),
       counted AS (
         INSERT INTO delivery_counters AS c
           (tenant_id, campaign_id, inbox_id, domain_id, recipient_provider, day, sent, delivered, hard_bounces, soft_bounces, complaints)
         SELECT $1, x.campaign_id, x.inbox_id, x.domain_id, x.provider, x.day, x.sent, x.delivered, x.hard, x.soft, x.complaints
           FROM unnest($2::uuid[], $3::uuid[], $4::uuid[], $5::text[], $6::date[], $7::bigint[], $8::bigint[], $9::bigint[], $10::bigint[], $11::bigint[])
                WITH ORDINALITY AS x(campaign_id, inbox_id, domain_id, provider, day, sent, delivered, hard, soft, complaints, ord)
          WHERE (SELECT count(*) FROM counted_hours) > 0
          ORDER BY x.ord
         ON CONFLICT (tenant_id, campaign_id, inbox_id, recipient_provider, day) DO UPDATE SET
           sent = c.sent + EXCLUDED.sent,
           delivered = c.delivered + EXCLUDED.delivered,
           hard_bounces = c.hard_bounces + EXCLUDED.hard_bounces,
           soft_bounces = c.soft_bounces + EXCLUDED.soft_bounces,
           complaints = c.complaints + EXCLUDED.complaints,
           domain_id = coalesce(c.domain_id, EXCLUDED.domain_id),
           updated_at = now()
         RETURNING 1),
       totalled AS (
         INSERT INTO campaign_delivery_totals AS t
           (tenant_id, campaign_id, recipient_provider, sent, delivered, hard_bounces, soft_bounces, complaints)
         SELECT $1, x.campaign_id, x.provider, x.sent, x.delivered, x.hard, x.soft, x.complaints
           FROM unnest($12::uuid[], $13::text[], $14::bigint[], $15::bigint[], $16::bigint[], $17::bigint[], $18::bigint[])
                WITH ORDINALITY AS x(campaign_id, provider, sent, delivered, hard, soft, complaints, ord)
          WHERE (SELECT count(*) FROM counted) > 0
          ORDER BY x.ord
         ON CONFLICT (tenant_id, campaign_id, recipient_provider) DO UPDATE SET
           sent = t.sent + EXCLUDED.sent,
           delivered = t.delivered + EXCLUDED.delivered,
           hard_bounces = t.hard_bounces + EXCLUDED.hard_bounces,
           soft_bounces = t.soft_bounces + EXCLUDED.soft_bounces,
           complaints = t.complaints + EXCLUDED.complaints,
           updated_at = now()
         RETURNING 1),
       locked AS (
         SELECT c.id FROM campaigns c
          WHERE c.tenant_id = $1 AND c.id = ANY($30::uuid[]) AND (SELECT count(*) FROM totalled) > 0
          ORDER BY c.id
            FOR NO KEY UPDATE)
       UPDATE campaigns AS c SET sent = c.sent + x.sent, bounced = c.bounced + x.bounced
         FROM locked JOIN unnest($30::uuid[], $31::bigint[], $32::bigint[]) AS x(campaign_id, sent, bounced)
              ON x.campaign_id = locked.id
        WHERE c.tenant_id = $1 AND c.id = locked.id`,
      [
        tenantId,
        rows.map((r) => r.campaignId),
        rows.map((r) => r.inboxId),
        rows.map((r) => r.domainId),
        rows.map((r) => r.provider),
        rows.map((r) => r.day),
        rows.map((r) => r.sent),
        rows.map((r) => r.delivered),
        rows.map((r) => r.hardBounces),
        rows.map((r) => r.softBounces),
        rows.map((r) => r.complaints),
        totals.map((r) => r.campaignId),
        totals.map((r) => r.provider),
        totals.map((r) => r.sent),
        totals.map((r) => r.delivered),
        totals.map((r) => r.hardBounces),
        totals.map((r) => r.softBounces),
        totals.map((r) => r.complaints),
        hours.map((r) => r.campaignId),
        hours.map((r) => r.inboxId),
        hours.map((r) => r.domainId),
        hours.map((r) => r.provider),
        hours.map((r) => r.hour),
        hours.map((r) => r.sent),
        hours.map((r) => r.delivered),
        hours.map((r) => r.hardBounces),
        hours.map((r) => r.softBounces),
        hours.map((r) => r.deferred),
        hours.map((r) => r.complaints),
        rates.map((r) => r.campaignId),
        rates.map((r) => r.sent),
        rates.map((r) => r.bounced),
      ],
    );
  }

  /**
   * Totals per campaign (by provider and overall), one statement for all of them. Without a
   * window they are the campaigns' lifetime totals, read from campaign_delivery_totals (at
   * most five rows a campaign) rather than summed from every daily bucket.
   */
  campaignTotals(
    ctx: RequestContext,
    campaignUuids: readonly string[],
    window: CounterWindow = {},
  ): Promise<Map<string, DeliveryTotals>> {
    if (window.since || window.until) return this.totalsBy(ctx, "campaign", campaignUuids, window);
    return this.lifetimeTotals(ctx, campaignUuids);
  }

  private async lifetimeTotals(
    ctx: RequestContext,
    campaignUuids: readonly string[],
  ): Promise<Map<string, DeliveryTotals>> {
    const result = new Map<string, DeliveryTotals>(campaignUuids.map((id) => [id, emptyTotals()]));
    if (campaignUuids.length === 0) return result;
    const em = await ctx.db();
    const rows: CounterRow[] = await em.query(
      `SELECT campaign_id AS key, recipient_provider, sent, delivered, hard_bounces, soft_bounces, complaints FROM campaign_delivery_totals
        WHERE tenant_id = $1 AND campaign_id = ANY($2::uuid[])`,
      [ctx.tenantId, [...new Set(campaignUuids)]],
    );
    for (const row of rows) {
      const totals = result.get(row.key!);
      if (totals) addRow(totals, row);
    }
    return result;
  }

  /**
   * In one statement: lifetime totals of campaigns, and totals of inboxes since a day (and,
   * when todaySince is given, since today too) — what the alert rules judge an ingest on.
   */
  async alertTotals(
    ctx: RequestContext,
    campaignUuids: readonly string[],
    inboxUuids: readonly string[],
    inboxSince: Date,
    todaySince: Date | null,
  ): Promise<{
    campaigns: Map<string, DeliveryTotals>;
    inboxes: Map<string, DeliveryTotals>;
    inboxesToday: Map<string, DeliveryTotals> | null;
  }> {
    const campaigns = new Map<string, DeliveryTotals>(campaignUuids.map((id) => [id, emptyTotals()]));
    const inboxes = new Map<string, DeliveryTotals>(inboxUuids.map((id) => [id, emptyTotals()]));
    const inboxesToday = todaySince
      ? new Map<string, DeliveryTotals>(inboxUuids.map((id) => [id, emptyTotals()]))
      : null;
    if (campaignUuids.length === 0 && inboxUuids.length === 0) return { campaigns, inboxes, inboxesToday };
    const em = await ctx.db();
    const rows: Array<CounterRow & { part: "C" | "I" | "T" }> = await em.query(
      `SELECT 'C' AS part, campaign_id AS key, recipient_provider, sent, delivered, hard_bounces, soft_bounces, complaints
         FROM campaign_delivery_totals WHERE tenant_id = $1 AND campaign_id = ANY($2::uuid[])
       UNION ALL
       SELECT 'I', inbox_id, recipient_provider, ${SUMS} FROM delivery_counters
        WHERE tenant_id = $1 AND inbox_id = ANY($3::uuid[]) AND day >= $4::date
        GROUP BY inbox_id, recipient_provider
       UNION ALL
       SELECT 'T', inbox_id, recipient_provider, ${SUMS} FROM delivery_counters
        WHERE $5::date IS NOT NULL AND tenant_id = $1 AND inbox_id = ANY($3::uuid[]) AND day >= $5::date
        GROUP BY inbox_id, recipient_provider`,
      [
        ctx.tenantId,
        [...new Set(campaignUuids)],
        [...new Set(inboxUuids)],
        utcDay(inboxSince),
        todaySince ? utcDay(todaySince) : null,
      ],
    );
    for (const row of rows) {
      const totals = (row.part === "C" ? campaigns : row.part === "I" ? inboxes : inboxesToday)?.get(row.key!);
      if (totals) addRow(totals, row);
    }
    return { campaigns, inboxes, inboxesToday };
  }

  /** Totals per sending inbox, one statement for all of them. */
  inboxTotals(
    ctx: RequestContext,
    inboxUuids: readonly string[],
    window: CounterWindow = {},
  ): Promise<Map<string, DeliveryTotals>> {
    return this.totalsBy(ctx, "inbox", inboxUuids, window);
  }

  /** Totals per sending domain (its campaigns' and inboxes' traffic), one statement. */
  domainTotals(
    ctx: RequestContext,
    domainUuids: readonly string[],
    window: CounterWindow = {},
  ): Promise<Map<string, DeliveryTotals>> {
    return this.totalsBy(ctx, "domain", domainUuids, window);
  }

  /** The whole tenant's totals. */
  async tenantTotals(ctx: RequestContext, window: CounterWindow = {}): Promise<DeliveryTotals> {
    const em = await ctx.db();
    const rows: CounterRow[] = await em.query(
      `SELECT NULL AS key, recipient_provider, ${SUMS} FROM delivery_counters
        WHERE tenant_id = $1 AND ($2::date IS NULL OR day >= $2::date) AND ($3::date IS NULL OR day <= $3::date)
        GROUP BY recipient_provider`,
      [ctx.tenantId, window.since ? utcDay(window.since) : null, window.until ? utcDay(window.until) : null],
    );
    const totals = emptyTotals();
    for (const row of rows) addRow(totals, row);
    return totals;
  }

  /** Daily totals of one campaign, inbox or domain, oldest first (for charts and trend rules). */
  async dailyTotals(
    ctx: RequestContext,
    of: { kind: KeyKind; id: string },
    window: CounterWindow = {},
  ): Promise<Array<{ day: string } & DeliveryTotals>> {
    const em = await ctx.db();
    const rows: Array<CounterRow & { day: string }> = await em.query(
      `SELECT NULL AS key, to_char(day, 'YYYY-MM-DD') AS day, recipient_provider, ${SUMS} FROM delivery_counters
        WHERE tenant_id = $1 AND ${KEY_COLUMN[of.kind]} = $2::uuid
          AND ($3::date IS NULL OR day >= $3::date) AND ($4::date IS NULL OR day <= $4::date)
        GROUP BY day, recipient_provider ORDER BY day`,
      [ctx.tenantId, of.id, window.since ? utcDay(window.since) : null, window.until ? utcDay(window.until) : null],
    );
    const byDay = new Map<string, { day: string } & DeliveryTotals>();
    for (const row of rows) {
      let t = byDay.get(row.day);
      if (!t) byDay.set(row.day, (t = { day: row.day, ...emptyTotals() }));
      addRow(t, row);
    }
    return [...byDay.values()];
  }

  private async totalsBy(
    ctx: RequestContext,
    kind: KeyKind,
    ids: readonly string[],
    window: CounterWindow,
  ): Promise<Map<string, DeliveryTotals>> {
    const result = new Map<string, DeliveryTotals>(ids.map((id) => [id, emptyTotals()]));
    if (ids.length === 0) return result;
    const em = await ctx.db();
    const column = KEY_COLUMN[kind];
    const rows: CounterRow[] = await em.query(
      `SELECT ${column} AS key, recipient_provider, ${SUMS} FROM delivery_counters
        WHERE tenant_id = $1 AND ${column} = ANY($2::uuid[])
          AND ($3::date IS NULL OR day >= $3::date) AND ($4::date IS NULL OR day <= $4::date)
        GROUP BY ${column}, recipient_provider`,
      [
        ctx.tenantId,
        [...new Set(ids)],
        window.since ? utcDay(window.since) : null,
        window.until ? utcDay(window.until) : null,
      ],
    );
    for (const row of rows) {
      const totals = result.get(row.key!);
      if (totals) addRow(totals, row);
    }
    return result;
  }
}

const SUMS = `sum(sent)::bigint AS sent, sum(delivered)::bigint AS delivered, sum(hard_bounces)::bigint AS hard_bounces,
  sum(soft_bounces)::bigint AS soft_bounces, sum(complaints)::bigint AS complaints`;

/** A row of summed counts as PostgreSQL returns them (bigint as text). */
export interface CounterRow {
  key: string | null;
  recipient_provider: MailboxProvider;
  sent: string;
  delivered: string;
  hard_bounces: string;
  soft_bounces: string;
  complaints: string;
}

/** Adds one provider's row to totals (its provider and the overall total). */
export function addRow(totals: DeliveryTotals, row: CounterRow): void {
  addCounts(
    totals,
    row.recipient_provider,
    Number(row.sent),
    Number(row.delivered),
    Number(row.hard_bounces),
    Number(row.soft_bounces),
    Number(row.complaints),
  );
}

/** Adds one provider's counts to totals, field by field without an intermediate object: a dashboard page adds hundreds. */
export function addCounts(
  totals: DeliveryTotals,
  provider: MailboxProvider,
  sent: number,
  delivered: number,
  hard: number,
  soft: number,
  complaints: number,
): void {
  const p = totals.byProvider[provider] ?? (totals.byProvider[provider] = zeroCounts());
  const t = totals.total;
  p.sent += sent;
  p.delivered += delivered;
  p.hardBounces += hard;
  p.softBounces += soft;
  p.complaints += complaints;
  t.sent += sent;
  t.delivered += delivered;
  t.hardBounces += hard;
  t.softBounces += soft;
  t.complaints += complaints;
}

export const deliveryCounterService = new DeliveryCounterService();

// ---- time series -----------------------------------------------------------------------

export type TimelineInterval = "HOUR" | "DAY";
export type TimelineScope = "campaign" | "inbox" | "domain" | "tenant";

export interface TimelineCounts extends DeliveryCounts {
  /** Start of the bucket (UTC). */
  start: Date;
  /** Soft bounces that were one failed try among more (deferrals); part of softBounces. */
  deferred: number;
}

/** The most buckets one timeline may have (31 days of hours, a year of days). */
export const MAX_TIMELINE_BUCKETS = { HOUR: 744, DAY: 366 } as const;

const INTERVAL_MS = { HOUR: 3_600_000, DAY: 86_400_000 } as const;

/** Bucket starts from `from` (rounded down to its UTC hour or day) up to `to`, exclusive. */
export function timelineStarts(from: Date, to: Date, interval: TimelineInterval): Date[] {
  const step = INTERVAL_MS[interval];
  const first = Math.floor(from.getTime() / step) * step;
  const out: Date[] = [];
  for (let t = first; t < to.getTime(); t += step) out.push(new Date(t));
  return out;
}

const SCOPE_COLUMN = { campaign: "campaign_id", inbox: "inbox_id", domain: "domain_id", tenant: null } as const;

export async function timeline(
  ctx: RequestContext,
  scope: TimelineScope,
  id: string | null,
  from: Date,
  to: Date,
  interval: TimelineInterval,
  provider: MailboxProvider | null,
): Promise<TimelineCounts[]> {
  const starts = timelineStarts(from, to, interval);
  const buckets = new Map<number, TimelineCounts>(
    starts.map((start) => [start.getTime(), { start, ...zeroCounts(), deferred: 0 }]),
  );
  if (starts.length === 0) return [];
  const column = SCOPE_COLUMN[scope];
  const params: unknown[] = [ctx.tenantId, starts[0], to, interval === "HOUR" ? "hour" : "day"];
  let where = "tenant_id = $1 AND hour >= $2 AND hour < $3";
  if (column) {
    params.push(id);
    where += ` AND ${column} = $${params.length}`;
  }
  if (provider) {
    params.push(provider);
    where += ` AND recipient_provider = $${params.length}`;
  }
  const em = await ctx.db();
  const rows: Array<{
    start: Date;
    sent: string;
    delivered: string;
    hard: string;
    soft: string;
    deferred: string;
    complaints: string;
  }> = await em.query(
    `SELECT date_trunc($4, hour, 'UTC') AS start, sum(sent) AS sent, sum(delivered) AS delivered,
            sum(hard_bounces) AS hard, sum(soft_bounces) AS soft, sum(deferred) AS deferred, sum(complaints) AS complaints
       FROM delivery_counters_hourly WHERE ${where} GROUP BY 1`,
    params,
  );
  for (const r of rows) {
    const b = buckets.get(new Date(r.start).getTime());
    if (!b) continue;
    b.sent = Number(r.sent);
    b.delivered = Number(r.delivered);
    b.hardBounces = Number(r.hard);
    b.softBounces = Number(r.soft);
    b.deferred = Number(r.deferred);
    b.complaints = Number(r.complaints);
  }
  return [...buckets.values()];
}
