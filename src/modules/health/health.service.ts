import type { BenchmarkRow, BenchmarkZone } from "../../core/benchmarks";
import { preSendChecklist, type Checklist } from "../../core/checklist";
import type { ProviderRequirements } from "../../core/dns/sender-requirements";
import type { DnsblResult } from "../../core/dns/dnsbl";
import { parseDomainName } from "../../core/domain-name";
import { checkRamp, domainAge, warmupStage, type DomainAge, type RampCheck, type WarmupStage } from "../../core/warmup";
import type { RequestContext } from "../../context";
import type { DomainAuditReport } from "../../dns/audit";
import { MxProviderCache, type MxProviderAnswer } from "../../dns/mx-provider";
import { badInput } from "../../errors";
import { fail } from "../../graphql/user-error";
import { uuidOf } from "../../graphql/global-id";
import type { Campaign } from "../campaign/campaign.entity";
import { campaignService } from "../campaign/campaign.service";
import type { Domain } from "../domain/domain.entity";
import type { Inbox } from "../inbox/inbox.entity";
import { suppressionService } from "../suppression/suppression.service";
import type { DeliveryTotals } from "../send/delivery-counter.service";
import { domainAuditService } from "./domain-audit.service";
import { healthLoaders } from "./health-loaders";
import { benchmarksView, checklistInput, requirementsView, statsView, zoneView, type AuditSummary, type DeliveryStatsView, type RecipientCheckSummary } from "./health-view";
import type { HealthWindow } from "./health.enums";

// Benchmarks, warm-up and readiness of campaigns, inboxes and domains, as the API shows
// them. Every read goes through the health loaders (one statement per page, not per row);
// decisions are the core's. Tables owned here: campaign_recipient_checks.

export interface PreviousCampaign {
  uuid: string;
  name: string;
}

/** What readiness reads per campaign besides counters, domain and inboxes. */
export interface ReadinessRecords {
  campaignUuid: string;
  previous: PreviousCampaign | null;
  recipientCheck: RecipientCheckSummary | null;
  /** The domain's last audit, as far as the checklist needs it; null when never audited. */
  audit: AuditSummary | null;
}

export interface RampView extends RampCheck {
  sentToday: number;
  /** Plain-words warning when today's sends exceed the ramp; null within it. */
  warning: string | null;
}

/** Recipient check verdicts counted per campaign (verifyCampaignRecipients). */
export const MAX_VERIFY_ADDRESSES = 10_000;

let fallbackMx: MxProviderCache | null = null;

export class HealthService {
  // ------------------------------------------------------------------------------ counters

  private async view<T>(ctx: RequestContext, totals: Promise<DeliveryTotals>, shape: (t: DeliveryTotals, s: Awaited<ReturnType<ReturnType<typeof healthLoaders>["settings"]>>) => T): Promise<T> {
    const [t, s] = await Promise.all([totals, healthLoaders(ctx).settings()]);
    return shape(t, s);
  }

  private campaignTotals(ctx: RequestContext, campaign: Campaign) {
    return healthLoaders(ctx).campaignTotals.load(campaign.uuid);
  }

  campaignStats(ctx: RequestContext, campaign: Campaign): Promise<DeliveryStatsView> {
    return this.view(ctx, this.campaignTotals(ctx, campaign), (t, s) => statsView(t, s.minSends));
  }

  campaignBenchmarks(ctx: RequestContext, campaign: Campaign): Promise<BenchmarkRow[]> {
    return this.view(ctx, this.campaignTotals(ctx, campaign), (t, s) => benchmarksView(t, s.thresholds, s.minSends));
  }

  campaignZone(ctx: RequestContext, campaign: Campaign): Promise<BenchmarkZone> {
    return this.view(ctx, this.campaignTotals(ctx, campaign), (t, s) => zoneView(t, s.thresholds, s.minSends));
  }

  inboxStats(ctx: RequestContext, inbox: Inbox, window: HealthWindow): Promise<DeliveryStatsView> {
    return this.view(ctx, healthLoaders(ctx).inboxTotals(window).load(inbox.uuid), (t, s) => statsView(t, s.minSends));
  }

  inboxBenchmarks(ctx: RequestContext, inbox: Inbox, window: HealthWindow): Promise<BenchmarkRow[]> {
    return this.view(ctx, healthLoaders(ctx).inboxTotals(window).load(inbox.uuid), (t, s) => benchmarksView(t, s.thresholds, s.minSends));
  }

  inboxZone(ctx: RequestContext, inbox: Inbox, window: HealthWindow): Promise<BenchmarkZone> {
    return this.view(ctx, healthLoaders(ctx).inboxTotals(window).load(inbox.uuid), (t, s) => zoneView(t, s.thresholds, s.minSends));
  }

  domainStats(ctx: RequestContext, domain: Domain, window: HealthWindow): Promise<DeliveryStatsView> {
    return this.view(ctx, healthLoaders(ctx).domainTotals(window).load(domain.uuid), (t, s) => statsView(t, s.minSends));
  }

  domainBenchmarks(ctx: RequestContext, domain: Domain, window: HealthWindow): Promise<BenchmarkRow[]> {
    return this.view(ctx, healthLoaders(ctx).domainTotals(window).load(domain.uuid), (t, s) => benchmarksView(t, s.thresholds, s.minSends));
  }

  domainZone(ctx: RequestContext, domain: Domain, window: HealthWindow): Promise<BenchmarkZone> {
    return this.view(ctx, healthLoaders(ctx).domainTotals(window).load(domain.uuid), (t, s) => zoneView(t, s.thresholds, s.minSends));
  }

  // ------------------------------------------------------------------------------ warm-up

  warmup(ctx: RequestContext, inbox: Inbox): WarmupStage {
    return warmupStage(inbox.warmupStartedAt, healthLoaders(ctx).now, inbox.dailyLimit);
  }

  async sentToday(ctx: RequestContext, inbox: Inbox): Promise<number> {
    return (await healthLoaders(ctx).inboxToday().load(inbox.uuid)).total.sent;
  }

  async ramp(ctx: RequestContext, inbox: Inbox): Promise<RampView> {
    const sentToday = await this.sentToday(ctx, inbox);
    const check = checkRamp(sentToday, inbox.warmupStartedAt, healthLoaders(ctx).now, inbox.dailyLimit);
    return {
      ...check,
      sentToday,
      warning: check.exceeded
        ? `${inbox.address} sent ${sentToday} messages today; its warm-up ramp (${check.stage}) allows ${check.limit}. Slow down: sending past the ramp burns the inbox's reputation.`
        : null,
    };
  }

  domainAge(ctx: RequestContext, domain: Domain): DomainAge {
    return domainAge(domain.registeredAt, healthLoaders(ctx).now);
  }

  // ------------------------------------------------------------------------------ DNS audit (stored)

  async authentication(ctx: RequestContext, domain: Domain): Promise<DomainAuditReport | null> {
    return (await healthLoaders(ctx).audits.load(domain.uuid))?.audit.report ?? null;
  }

  async blocklists(ctx: RequestContext, domain: Domain): Promise<DnsblResult[] | null> {
    return (await healthLoaders(ctx).audits.load(domain.uuid))?.audit.report.blocklists ?? null;
  }

  async lastAuditedAt(ctx: RequestContext, domain: Domain): Promise<Date | null> {
    return (await healthLoaders(ctx).audits.load(domain.uuid))?.checkedAt ?? null;
  }

  /** The stored audit's requirement inputs with the domain's last 30 days of bounces and complaints. */
  async senderRequirements(ctx: RequestContext, domain: Domain): Promise<ProviderRequirements[] | null> {
    const loaders = healthLoaders(ctx);
    const [stored, totals] = await Promise.all([loaders.audits.load(domain.uuid), loaders.domainTotals("DAYS_30").load(domain.uuid)]);
    return stored ? requirementsView(stored.audit, totals.total) : null;
  }

  /** The recipient provider of a domain: public list, else MX hosts (cached with their TTL, shared with ingest). */
  async mailboxProvider(ctx: RequestContext, domain: string): Promise<MxProviderAnswer & { domain: string }> {
    const parsed = parseDomainName(domain);
    if (!parsed.ok) throw badInput(parsed.message, "domain");
    const cache = ctx.app.mxProviders ?? (fallbackMx ??= new MxProviderCache((await import("../../dns/resolver")).resolverFromEnv()));
    return { domain: parsed.ascii, ...(await cache.providerFor(parsed.ascii)) };
  }

  // ------------------------------------------------------------------------------ DNS audit (writes)

  /** refreshDomainAuth: audit now (DNS), store, and show the new result in the rest of the response. */
  async refreshDomainAuth(ctx: RequestContext, domainUuid: string | null): Promise<{ domain: Domain; authentication: DomainAuditReport }> {
    const { domain, stored } = await domainAuditService.refresh(ctx, domainUuid);
    healthLoaders(ctx).audits.clear(domain.uuid).prime(domain.uuid, stored);
    return { domain, authentication: stored.audit.report };
  }

  async updateDomainAuthSettings(ctx: RequestContext, domainUuid: string | null, input: { sendingIps?: string[] | null; dkimSelectors?: string[] | null }): Promise<Domain> {
    const domain = await domainAuditService.updateSettings(ctx, domainUuid, input);
    healthLoaders(ctx).authSettings.clear(domain.uuid);
    return domain;
  }

  async updateInboxAlignment(ctx: RequestContext, inboxUuid: string | null, input: { returnPathDomain?: string | null; dkimDomain?: string | null }): Promise<Inbox> {
    const inbox = await domainAuditService.updateInboxAlignment(ctx, inboxUuid, input);
    healthLoaders(ctx).inboxAlignment.clear(inbox.uuid);
    return inbox;
  }

  // ------------------------------------------------------------------------------ readiness

  /**
   * The pre-send checklist of a campaign, from stored facts only (no DNS). Planned volume per
   * inbox is its configured daily limit: what the sender set it up to send each day.
   */
  async readiness(ctx: RequestContext, campaign: Campaign): Promise<Checklist> {
    const loaders = healthLoaders(ctx);
    const [domain, inboxes, records] = await Promise.all([
      ctx.loaders.domainById.load(campaign.domainId),
      ctx.loaders.inboxesByCampaign.load(campaign.uuid),
      loaders.readinessRequested(campaign),
    ]);
    const previousTotals = records.previous ? await loaders.totalsOfPrevious(records.previous.uuid) : null;
    return preSendChecklist(checklistInput({
      now: loaders.now,
      domain: { name: domain?.name ?? "(deleted domain)", registeredAt: domain?.registeredAt ?? null },
      audit: records.audit,
      inboxes: inboxes.map((i) => ({ address: i.address, warmupStartedAt: i.warmupStartedAt, dailyLimit: i.dailyLimit })),
      recipientCheck: records.recipientCheck,
      previousCampaign: records.previous && previousTotals ? { name: records.previous.name, sent: previousTotals.total.sent, hardBounces: previousTotals.total.hardBounces } : null,
    }));
  }

  /**
   * For a page of campaigns, in one statement: the campaign created just before each on the
   * same domain, its last recipient check, and its domain's stored audit. The previous
   * campaign is read from the campaigns table (the campaign module's) because CampaignService
   * has no batched "previous on the same domain" yet; move it there when it does.
   */
  async readinessRecordsOf(ctx: RequestContext, keys: ReadonlyArray<{ campaignUuid: string; domainUuid: string }>): Promise<Map<string, ReadinessRecords>> {
    const result = new Map<string, ReadinessRecords>(keys.map((k) => [k.campaignUuid, { campaignUuid: k.campaignUuid, previous: null, recipientCheck: null, audit: null }]));
    if (keys.length === 0) return result;
    const em = await ctx.db();
    const rows: Array<{ kind: "P" | "R" | "A"; key: string; row: any; at: Date | null }> = await em.query(
      `SELECT 'P' AS kind, c.id::text AS key, jsonb_build_object('uuid', p.id, 'name', p.name) AS row, NULL::timestamptz AS at
         FROM campaigns c
         CROSS JOIN LATERAL (
           SELECT p.id, p.name FROM campaigns p
            WHERE p.tenant_id = c.tenant_id AND p.domain_id = c.domain_id AND (p.created_at, p.id) < (c.created_at, c.id)
            ORDER BY p.created_at DESC, p.id DESC LIMIT 1) p
        WHERE c.tenant_id = $1 AND c.id = ANY($2::uuid[])
       UNION ALL
       SELECT 'R', campaign_id::text, jsonb_build_object('checked', checked, 'ok', ok, 'risky', risky, 'invalid', invalid, 'suppressed', suppressed), checked_at
         FROM campaign_recipient_checks WHERE tenant_id = $1 AND campaign_id = ANY($2::uuid[])
       UNION ALL
       SELECT 'A', domain_id::text,
              jsonb_build_object('spf', report #> '{report,spf,status}', 'dkim', report #> '{report,dkim,status}', 'dmarc', report #> '{report,dmarc,status}',
                'blocklistHits', (SELECT coalesce(jsonb_agg(jsonb_build_object('target', b -> 'target', 'zone', b -> 'zone')), '[]'::jsonb)
                                    FROM jsonb_array_elements(report #> '{report,blocklists}') b WHERE b -> 'listed' = 'true'::jsonb)),
              checked_at
         FROM domain_audits WHERE tenant_id = $1 AND domain_id = ANY($3::uuid[]) AND report IS NOT NULL`,
      [ctx.tenantId, [...new Set(keys.map((k) => k.campaignUuid))], [...new Set(keys.map((k) => k.domainUuid))]],
    );
    // Only the audit's summary travels (not the whole report): readiness needs four facts.
    const audits = new Map<string, AuditSummary>();
    for (const r of rows) {
      if (r.kind === "A") audits.set(r.key, r.row);
      else if (r.kind === "P") result.get(r.key)!.previous = r.row;
      else result.get(r.key)!.recipientCheck = { ...r.row, checkedAt: new Date(r.at!) };
    }
    for (const k of keys) result.get(k.campaignUuid)!.audit = audits.get(k.domainUuid) ?? null;
    return result;
  }

  async recipientChecksFor(ctx: RequestContext, campaignUuids: readonly string[]): Promise<Map<string, RecipientCheckSummary>> {
    const result = new Map<string, RecipientCheckSummary>();
    if (campaignUuids.length === 0) return result;
    const em = await ctx.db();
    const rows: Array<{ campaign_id: string; checked: number; ok: number; risky: number; invalid: number; suppressed: number; checked_at: Date }> = await em.query(
      `SELECT campaign_id, checked, ok, risky, invalid, suppressed, checked_at FROM campaign_recipient_checks
        WHERE tenant_id = $1 AND campaign_id = ANY($2::uuid[])`,
      [ctx.tenantId, [...new Set(campaignUuids)]],
    );
    for (const r of rows) result.set(r.campaign_id, { checked: r.checked, ok: r.ok, risky: r.risky, invalid: r.invalid, suppressed: r.suppressed, checkedAt: new Date(r.checked_at) });
    return result;
  }

  /** verifyCampaignRecipients: checkRecipients over the campaign's list, keeping the counts as its last check. */
  async verifyRecipients(ctx: RequestContext, input: { campaignId: string; addresses: string[] }): Promise<{ campaign: Campaign; recipientCheck: RecipientCheckSummary }> {
    const campaign = await campaignService.require(ctx, uuidOf(input.campaignId, "Campaign"), ["input", "campaignId"]);
    if (input.addresses.length > MAX_VERIFY_ADDRESSES) fail("TOO_MANY_ADDRESSES", `At most ${MAX_VERIFY_ADDRESSES} addresses per call.`, ["input", "addresses"]);
    const verdicts = await suppressionService.check(ctx, input.addresses);
    const count = (v: string) => verdicts.filter((r) => r.verdict === v).length;
    const summary = { checked: verdicts.length, ok: count("OK"), risky: count("RISKY"), invalid: count("INVALID"), suppressed: count("SUPPRESSED") };
    const em = await ctx.db();
    const rows: Array<{ checked_at: Date }> = await em.query(
      `INSERT INTO campaign_recipient_checks (tenant_id, campaign_id, checked, ok, risky, invalid, suppressed) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (tenant_id, campaign_id) DO UPDATE SET checked = EXCLUDED.checked, ok = EXCLUDED.ok, risky = EXCLUDED.risky,
         invalid = EXCLUDED.invalid, suppressed = EXCLUDED.suppressed, checked_at = now()
       RETURNING checked_at`,
      [ctx.tenantId, campaign.uuid, summary.checked, summary.ok, summary.risky, summary.invalid, summary.suppressed],
    );
    healthLoaders(ctx).recipientChecks.clear(campaign.uuid);
    return { campaign, recipientCheck: { ...summary, checkedAt: new Date(rows[0].checked_at) } };
  }
}

export const healthService = new HealthService();
