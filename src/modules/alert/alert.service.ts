import { In } from "typeorm";
import { WITHIN_TENANT_TRANSACTION } from "../../platform/db/tenant-transaction";
import {
  authRegression,
  bounceZoneChanges,
  burstChanges,
  complaintChanges,
  countsTowardBurst,
  rampExceeded,
  severityRank,
  type AlertDraft,
  type AlertKind,
  type AlertSeverity,
  type AuthCheckStatus,
  type StateChange,
} from "../../core/alert-rules";
import { resolveThresholds, type BenchmarkKey, type RateCounts } from "../../core/benchmarks";
import { checkRamp } from "../../core/warmup";
import { MAILBOX_PROVIDERS } from "../../core/providers";
import type { RequestContext } from "../../platform/context";
import type { Connection } from "../../platform/graphql/connection";
import { fail, CommonErrorCode } from "../../platform/graphql/user-error";
import { NEWEST_FIRST, pageOf } from "../../platform/db/keyset";
import { bounceService } from "../bounce";
import { campaignService } from "../campaign";
import type { AfterCounters, IngestBatch } from "../ingest";
import { publishAfterCommit } from "../../platform/realtime/realtime.service";
import { deliveryCounterService, type DeliveryTotals } from "../delivery";
import { tenantService } from "../tenant";
import { Alert } from "./alert.entity";
import { runAlertRaisedHooks } from "./alert.hooks";
import { campaignById } from "../campaign";
import { inboxById } from "../inbox";
import { loadedRows } from "../../platform/db/loaded-rows";

export interface AlertFilter {
  since?: Date | null;
  severity?: AlertSeverity | null;
  kind?: AlertKind | null;
  acknowledged?: boolean | null;
  campaignUuid?: string | null;
}

/** Burst rules look this far back. */
const BURST_WINDOW_HOURS = 24;
/** Inbox zones are judged over a rolling week. */
const INBOX_WINDOW_DAYS = 7;

/** The zone states a subject was last in, per benchmark key. */
function zonePrevious(
  subject: string,
  prev: (subject: string, rule: string) => string | null,
): Partial<Record<BenchmarkKey, string>> {
  const out: Partial<Record<BenchmarkKey, string>> = {};
  for (const key of ["OVERALL", ...MAILBOX_PROVIDERS] as BenchmarkKey[]) {
    const s = prev(subject, `bounce-zone:${key}`);
    if (s) out[key] = s;
  }
  return out;
}

function countsOf(totals: DeliveryTotals): Partial<Record<BenchmarkKey, RateCounts>> {
  const counts: Partial<Record<BenchmarkKey, RateCounts>> = {
    OVERALL: { events: totals.total.hardBounces, sent: totals.total.sent },
  };
  for (const p of MAILBOX_PROVIDERS) {
    const c = totals.byProvider[p];
    if (c && c.sent > 0) counts[p] = { events: c.hardBounces, sent: c.sent };
  }
  return counts;
}

export class AlertService {
  async findByIds(ctx: RequestContext, uuids: readonly string[]): Promise<Alert[]> {
    if (uuids.length === 0) return [];
    const em = await ctx.db();
    return em.getRepository(Alert).find({ where: { tenantId: ctx.tenantId, uuid: In([...uuids]) } });
  }

  async findById(ctx: RequestContext, uuid: string): Promise<Alert | null> {
    return (await this.findByIds(ctx, [uuid]))[0] ?? null;
  }

  async list(
    ctx: RequestContext,
    args: { first: number; after?: string | null },
    filter: AlertFilter,
    direction: "ASC" | "DESC" = "DESC",
  ): Promise<Connection<Alert>> {
    return pageOf(await this.listQuery(ctx, filter), "a", args, { ...NEWEST_FIRST, direction });
  }

  /** The tenant's alerts meeting a filter (kind, severity and open/acknowledged have their indexes). */
  async listQuery(ctx: RequestContext, filter: AlertFilter) {
    const em = await ctx.db();
    const qb = em
      .getRepository(Alert)
      .createQueryBuilder("a")
      .where("a.tenant_id = :tenantId", { tenantId: ctx.tenantId });
    if (filter.since) qb.andWhere("a.created_at >= :since", { since: filter.since });
    if (filter.severity) qb.andWhere("a.severity = :severity", { severity: filter.severity });
    if (filter.kind) qb.andWhere("a.kind = :kind", { kind: filter.kind });
    if (filter.acknowledged === true) qb.andWhere("a.acknowledged_at IS NOT NULL");
    if (filter.acknowledged === false) qb.andWhere("a.acknowledged_at IS NULL");
    if (filter.campaignUuid) qb.andWhere("a.campaign_id = :campaignId", { campaignId: filter.campaignUuid });
    return qb;
  }

  async acknowledge(ctx: RequestContext, uuid: string | null): Promise<Alert> {
    const alert = uuid ? await this.findById(ctx, uuid) : null;
    if (!alert) fail(CommonErrorCode.NOT_FOUND, "No alert with that id.", ["input", "id"]);
    if (!alert.acknowledgedAt) {
      const em = await ctx.db();
      await em.query(
        "UPDATE alerts SET acknowledged_at = now() WHERE tenant_id = $1 AND id = $2 AND acknowledged_at IS NULL",
        [ctx.tenantId, alert.uuid],
      );
    }
    return (await this.findById(ctx, alert.uuid))!;
  }

  /** Stores alerts and announces them once the transaction commits. */
  async raise(ctx: RequestContext, drafts: AlertDraft[]): Promise<Alert[]> {
    if (drafts.length === 0) return [];
    const em = await ctx.db();
    const repo = em.getRepository(Alert);
    const saved = await repo.save(
      drafts.map((d) =>
        repo.create({
          tenantId: ctx.tenantId,
          kind: d.kind,
          severity: d.severity,
          campaignId: d.campaignId,
          inboxId: d.inboxId,
          domainId: d.domainId,
          message: d.message,
          action: d.action,
          evidence: { ...d.evidence, recommendPause: d.recommendPause },
        }),
      ),
      WITHIN_TENANT_TRANSACTION,
    );
    await publishAfterCommit(
      ctx,
      "alert",
      saved.map((a) => a.uuid),
    );
    await runAlertRaisedHooks(ctx, saved);
    return saved;
  }

  private async states(ctx: RequestContext, subjects: string[]): Promise<Map<string, string>> {
    const em = await ctx.db();
    const rows: Array<{ subject: string; rule: string; state: string }> = await em.query(
      "SELECT subject, rule, state FROM alert_states WHERE tenant_id = $1 AND subject = ANY($2::text[])",
      [ctx.tenantId, subjects],
    );
    return new Map(rows.map((r) => [`${r.subject}|${r.rule}`, r.state]));
  }

  /**
   * Applies state changes as compare-and-set: a change takes effect only if the state is still
   * the one this transaction read (an absent row stays absent until inserted). Of concurrent
   * ingests that push the same subject over the same threshold, the first to commit wins the
   * row; the others wait on its row lock, find the state already moved, and raise nothing.
   * So no lock is held while evaluating, and an alert is raised once per change of state.
   * Returns the changes that took effect.
   */
  private async applyStates(ctx: RequestContext, changes: StateChange[]): Promise<StateChange[]> {
    if (changes.length === 0) return [];
    const em = await ctx.db();
    const rows: Array<{ subject: string; rule: string }> = await em.query(
      `WITH wanted AS (
         SELECT * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[]) AS t(subject, rule, from_state, to_state)
          ORDER BY subject, rule),
       inserted AS (
         INSERT INTO alert_states (tenant_id, subject, rule, state)
         SELECT $1, subject, rule, to_state FROM wanted WHERE from_state IS NULL
         ON CONFLICT (tenant_id, subject, rule) DO NOTHING
         RETURNING subject, rule),
       updated AS (
         UPDATE alert_states s SET state = w.to_state, updated_at = now()
           FROM wanted w
          WHERE s.tenant_id = $1 AND s.subject = w.subject AND s.rule = w.rule
            AND w.from_state IS NOT NULL AND s.state = w.from_state
         RETURNING s.subject, s.rule)
       SELECT subject, rule FROM inserted UNION ALL SELECT subject, rule FROM updated`,
      [
        ctx.tenantId,
        changes.map((c) => c.subject),
        changes.map((c) => c.rule),
        changes.map((c) => c.from),
        changes.map((c) => c.to),
      ],
    );
    const applied = new Set(rows.map((r) => `${r.subject}|${r.rule}`));
    return changes.filter((c) => applied.has(`${c.subject}|${c.rule}`));
  }

  /**
   * The alert rules over the campaigns and inboxes an ingest batch touched, inside its
   * transaction, in the two steps of an ingest hook (see ingest.hooks.ts): this reads what
   * does not depend on the counters; the step it returns reads the states and the counts
   * once the counters have moved, decides, and writes only when a state changes.
   */
  async prepareIngest(ctx: RequestContext, batch: IngestBatch): Promise<AfterCounters | undefined> {
    const campaignIds = batch.campaignIds;
    const inboxIds = batch.inboxIds;
    if (campaignIds.length === 0 && inboxIds.length === 0) return undefined;
    const subjects = [...campaignIds.map((id) => `campaign:${id}`), ...inboxIds.map((id) => `inbox:${id}`)];

    const now = new Date();
    const settings = await tenantService.settings(ctx);
    const thresholds = resolveThresholds(settings.benchmarkOverrides);
    const campaigns = loadedRows(await campaignById(ctx).loadMany(campaignIds));
    const inboxes = loadedRows(await inboxById(ctx).loadMany(inboxIds));
    // Burst counts (a scan of the campaign's last 24 hours) only for a batch with an event
    // that counts toward a burst: only such a batch can make one fire, and a burst that
    // went quiet is noticed at the next such event, before it could fire again.
    const burstCampaigns = campaignIds.filter((id) =>
      batch.events.some((e) => e.campaignId === id && countsTowardBurst(e)),
    );
    const faults = await bounceService.recentFaultCounts(
      ctx,
      burstCampaigns,
      new Date(now.getTime() - BURST_WINDOW_HOURS * 3_600_000),
    );
    const tippingIds = batch.events
      .filter((e) => e.bounceType === "HARD")
      .slice(-5)
      .map((e) => e.uuid);

    return async () => {
      // The states first, then the counts: a concurrent ingest that committed in between is
      // then in the counts too, and its state change makes ours a failed compare-and-set,
      // never a spurious "recovered". This batch's counter rows are locked by now, so the
      // counts are final for every ingest of the same rows. One after another: they share
      // the transaction's one connection.
      const previous = await this.states(ctx, subjects);
      const prev = (subject: string, rule: string) => previous.get(`${subject}|${rule}`) ?? null;
      const totals = await deliveryCounterService.alertTotals(
        ctx,
        campaignIds,
        inboxIds,
        new Date(now.getTime() - (INBOX_WINDOW_DAYS - 1) * 86_400_000),
        batch.channel === "SENDS" ? now : null,
      );
      const changes: StateChange[] = [];
      for (const c of campaigns) {
        const subject = `campaign:${c.uuid}`;
        const t = totals.campaigns.get(c.uuid);
        if (!t) continue;
        const ref = { campaignId: c.uuid, inboxId: null, domainId: c.domainId };
        changes.push(
          ...bounceZoneChanges({
            ...ref,
            scope: "campaign",
            name: c.name,
            subject,
            counts: countsOf(t),
            thresholds,
            minSends: settings.minSendsForZone,
            previous: zonePrevious(subject, prev),
            recentEventIds: tippingIds,
          }),
          ...complaintChanges({
            ...ref,
            name: c.name,
            subject,
            counts: { events: t.total.complaints, sent: t.total.sent },
            minSends: settings.minSendsForZone,
            previous: prev(subject, "complaint-rate"),
          }),
        );
        if (burstCampaigns.includes(c.uuid)) {
          const f = faults.get(c.uuid);
          changes.push(
            ...burstChanges({
              ...ref,
              name: c.name,
              subject,
              counts: {
                authFailures: f?.authFailures ?? 0,
                blocklistRejections: f?.blocklistRejections ?? 0,
                catchAllBlocks: f?.catchAllBlocks ?? 0,
                windowHours: BURST_WINDOW_HOURS,
              },
              previous: {
                auth: prev(subject, "burst:auth") ?? undefined,
                blocklist: prev(subject, "burst:blocklist") ?? undefined,
                "catch-all": prev(subject, "burst:catch-all") ?? undefined,
              },
              exampleEventIds: f?.exampleEventIds,
            }),
          );
        }
      }
      for (const i of inboxes) {
        const subject = `inbox:${i.uuid}`;
        const t = totals.inboxes.get(i.uuid);
        if (t) {
          changes.push(
            ...bounceZoneChanges({
              campaignId: null,
              inboxId: i.uuid,
              domainId: i.domainId,
              scope: "inbox",
              name: i.address,
              subject,
              counts: countsOf(t),
              thresholds,
              minSends: settings.minSendsForZone,
              previous: zonePrevious(subject, prev),
              recentEventIds: tippingIds,
            }),
          );
        }
        const today = totals.inboxesToday?.get(i.uuid);
        if (today) {
          const ramp = checkRamp(today.total.sent, i.warmupStartedAt, now, i.dailyLimit);
          const rule = `ramp:${now.toISOString().slice(0, 10)}`;
          if (ramp.exceeded && prev(subject, rule) !== "EXCEEDED") {
            changes.push({
              subject,
              rule,
              from: prev(subject, rule),
              to: "EXCEEDED",
              alert: rampExceeded(
                { inboxId: i.uuid, domainId: i.domainId, address: i.address },
                today.total.sent,
                ramp.limit,
                ramp.stage,
              ),
            });
          }
        }
      }

      const applied = await this.applyStates(ctx, changes);
      const drafts = applied.map((c) => c.alert).filter((a): a is AlertDraft => a !== null);
      await this.raise(ctx, drafts);

      if (settings.autoPause) {
        const toPause = new Set(drafts.filter((d) => d.recommendPause && d.campaignId).map((d) => d.campaignId!));
        for (const c of campaigns) {
          if (toPause.has(c.uuid) && (c.status === "ACTIVE" || c.status === "DRAFT"))
            await campaignService.setStatus(ctx, c.uuid, "PAUSED");
        }
      }
    };
  }

  /** "DNS authentication regressed": called after a domain audit is stored. */
  async evaluateAudit(
    ctx: RequestContext,
    domain: { domainId: string; name: string },
    previous: readonly AuthCheckStatus[] | null,
    current: readonly AuthCheckStatus[],
  ): Promise<void> {
    const draft = authRegression(domain, previous, current);
    if (draft) await this.raise(ctx, [draft]);
  }

  /** Whether an alert passes a subscriber's filter. */
  matches(
    alert: Alert,
    filter: { minSeverity?: AlertSeverity | null; kinds?: AlertKind[] | null; campaignUuid?: string | null },
  ): boolean {
    if (filter.minSeverity && severityRank(alert.severity) < severityRank(filter.minSeverity)) return false;
    if (filter.kinds?.length && !filter.kinds.includes(alert.kind)) return false;
    if (filter.campaignUuid && alert.campaignId !== filter.campaignUuid) return false;
    return true;
  }
}

export const alertService = new AlertService();
