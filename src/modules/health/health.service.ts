import type { BenchmarkRow, BenchmarkZone } from "../../core/benchmarks";
import { preSendChecklist, type Checklist } from "../../core/checklist";
import type { ProviderRequirements } from "../../core/dns/sender-requirements";
import type { DnsblResult } from "../../core/dns/dnsbl";
import { parseDomainName } from "../../core/domain-name";
import { checkRamp, domainAge, warmupStage, type DomainAge, type RampCheck, type WarmupStage } from "../../core/warmup";
import type { RequestContext } from "../../platform/context";
import type { DomainAuditReport } from "../../platform/dns/audit";
import type { MxProviderAnswer } from "../../platform/dns/mx-provider";
import { badInput } from "../../platform/graphql/errors";
import { fail } from "../../platform/graphql/user-error";
import { uuidOf } from "../../platform/graphql/global-id";
import type { Campaign } from "../campaign";
import { campaignService } from "../campaign";
import type { Domain } from "../domain";
import type { Inbox } from "../inbox";
import { suppressionService } from "../suppression";
import {
  MAX_TIMELINE_BUCKETS,
  timeline,
  timelineStarts,
  type DeliveryTotals,
  type TimelineCounts,
  type TimelineInterval,
  type TimelineScope,
} from "../delivery";
import type { MailboxProvider } from "../../core/providers";
import { domainAuditService } from "../dns-audit";
import type { ReadinessRecords } from "./health-facts.repository";
import { healthLoaders, type CampaignHealth } from "./health-loaders";
import {
  benchmarksView,
  checklistInput,
  requirementsView,
  statsView,
  zoneView,
  type DeliveryStatsView,
  type RecipientCheckSummary,
} from "./health-view";
import type { HealthWindow } from "./health.enums";
import { HealthErrorCode } from "./health.errors";

// Benchmarks, warm-up and readiness of campaigns, inboxes and domains, as the API shows
// them. Every read goes through the health loaders (one statement per page, not per row);
// decisions are the core's. Tables owned here: campaign_recipient_checks.

export interface RampView extends RampCheck {
  sentToday: number;
  /** Plain-words warning when today's sends exceed the ramp; null within it. */
  warning: string | null;
}

/** Recipient check verdicts counted per campaign (verifyCampaignRecipients). */
export const MAX_VERIFY_ADDRESSES = 10_000;

export interface TimelineArgs {
  from: Date;
  to: Date;
  interval: TimelineInterval;
  provider?: MailboxProvider | null;
}

export class HealthService {
  /**
   * Sends and outcomes per hour or day between from and to (from rounded down to its UTC hour
   * or day), read from the hourly counters: one statement, every bucket present (zeros too).
   */
  async timeline(
    ctx: RequestContext,
    scope: TimelineScope,
    id: string | null,
    args: TimelineArgs,
  ): Promise<TimelineCounts[]> {
    if (!(args.to.getTime() > args.from.getTime())) throw badInput("to must be after from.", "to");
    const buckets = timelineStarts(args.from, args.to, args.interval).length;
    const max = MAX_TIMELINE_BUCKETS[args.interval];
    if (buckets > max) {
      throw badInput(
        `At most ${max} buckets of ${args.interval.toLowerCase()} per timeline (this range has ${buckets}).`,
        "from",
      );
    }
    return timeline(ctx, scope, id, args.from, args.to, args.interval, args.provider ?? null);
  }

  // ------------------------------------------------------------------------------ counters

  private async view<T>(
    ctx: RequestContext,
    totals: Promise<DeliveryTotals>,
    shape: (t: DeliveryTotals, s: Awaited<ReturnType<ReturnType<typeof healthLoaders>["settings"]>>) => T,
  ): Promise<T> {
    const [t, s] = await Promise.all([totals, healthLoaders(ctx).settings()]);
    return shape(t, s);
  }

  // A campaign's health comes with the tenant's settings in one statement: from memory when
  // its page read it (the usual case: no promise per field), else from the loader's batch.

  campaignStats(ctx: RequestContext, campaign: Campaign): DeliveryStatsView | Promise<DeliveryStatsView> {
    return this.campaignHealth(ctx, campaign, (h) => statsView(h.totals, h.settings.thresholds, h.settings.minSends));
  }

  campaignBenchmarks(ctx: RequestContext, campaign: Campaign): BenchmarkRow[] | Promise<BenchmarkRow[]> {
    return this.campaignHealth(ctx, campaign, (h) =>
      benchmarksView(h.totals, h.settings.thresholds, h.settings.minSends),
    );
  }

  campaignZone(ctx: RequestContext, campaign: Campaign): BenchmarkZone | Promise<BenchmarkZone> {
    return this.campaignHealth(ctx, campaign, (h) => zoneView(h.totals, h.settings.thresholds, h.settings.minSends));
  }

  private campaignHealth<T>(ctx: RequestContext, campaign: Campaign, shape: (h: CampaignHealth) => T): T | Promise<T> {
    const loaders = healthLoaders(ctx);
    const paged = loaders.pagedHealth(campaign.uuid);
    return paged ? shape(paged) : loaders.campaigns.load(campaign.uuid).then(shape);
  }

  inboxStats(ctx: RequestContext, inbox: Inbox, window: HealthWindow): Promise<DeliveryStatsView> {
    return this.view(ctx, healthLoaders(ctx).inboxTotals(window).load(inbox.uuid), (t, s) =>
      statsView(t, s.thresholds, s.minSends),
    );
  }

  inboxBenchmarks(ctx: RequestContext, inbox: Inbox, window: HealthWindow): Promise<BenchmarkRow[]> {
    return this.view(ctx, healthLoaders(ctx).inboxTotals(window).load(inbox.uuid), (t, s) =>
      benchmarksView(t, s.thresholds, s.minSends),
    );
  }

  inboxZone(ctx: RequestContext, inbox: Inbox, window: HealthWindow): Promise<BenchmarkZone> {
    return this.view(ctx, healthLoaders(ctx).inboxTotals(window).load(inbox.uuid), (t, s) =>
      zoneView(t, s.thresholds, s.minSends),
    );
  }

  domainStats(ctx: RequestContext, domain: Domain, window: HealthWindow): Promise<DeliveryStatsView> {
    return this.view(ctx, healthLoaders(ctx).domainTotals(window).load(domain.uuid), (t, s) =>
      statsView(t, s.thresholds, s.minSends),
    );
  }

  domainBenchmarks(ctx: RequestContext, domain: Domain, window: HealthWindow): Promise<BenchmarkRow[]> {
    return this.view(ctx, healthLoaders(ctx).domainTotals(window).load(domain.uuid), (t, s) =>
      benchmarksView(t, s.thresholds, s.minSends),
    );
  }

  domainZone(ctx: RequestContext, domain: Domain, window: HealthWindow): Promise<BenchmarkZone> {
    return this.view(ctx, healthLoaders(ctx).domainTotals(window).load(domain.uuid), (t, s) =>
      zoneView(t, s.thresholds, s.minSends),
    );
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
    const [stored, totals] = await Promise.all([
      loaders.audits.load(domain.uuid),
      loaders.domainTotals("DAYS_30").load(domain.uuid),
    ]);
    return stored ? requirementsView(stored.audit, totals.total) : null;
  }

  /** The recipient provider of a domain: public list, else MX hosts (cached with their TTL, shared with ingest). */
  async mailboxProvider(ctx: RequestContext, domain: string): Promise<MxProviderAnswer & { domain: string }> {
    const parsed = parseDomainName(domain);
    if (!parsed.ok) throw badInput(parsed.message, "domain");
    return { domain: parsed.ascii, ...(await ctx.app.mxProviders.providerFor(parsed.ascii)) };
  }

  // ------------------------------------------------------------------------------ DNS audit (writes)

  /** refreshDomainAuth: audit now (DNS), store, and show the new result in the rest of the response. */
  async refreshDomainAuth(
    ctx: RequestContext,
    domainUuid: string | null,
  ): Promise<{ domain: Domain; authentication: DomainAuditReport }> {
    const { domain, stored } = await domainAuditService.refresh(ctx, domainUuid);
    healthLoaders(ctx).audits.clear(domain.uuid).prime(domain.uuid, stored);
    return { domain, authentication: stored.audit.report };
  }

  async updateDomainAuthSettings(
    ctx: RequestContext,
    domainUuid: string | null,
    input: { sendingIps?: string[] | null; dkimSelectors?: string[] | null },
  ): Promise<Domain> {
    const domain = await domainAuditService.updateSettings(ctx, domainUuid, input);
    healthLoaders(ctx).authSettings.clear(domain.uuid);
    return domain;
  }

  async updateInboxAlignment(
    ctx: RequestContext,
    inboxUuid: string | null,
    input: { returnPathDomain?: string | null; dkimDomain?: string | null },
  ): Promise<Inbox> {
    const inbox = await domainAuditService.updateInboxAlignment(ctx, inboxUuid, input);
    healthLoaders(ctx).inboxAlignment.clear(inbox.uuid);
    return inbox;
  }

  // ------------------------------------------------------------------------------ readiness

  /**
   * The pre-send checklist of a campaign, from stored facts only (no DNS). Planned volume per
   * inbox is its configured daily limit: what the sender set it up to send each day.
   */
  readiness(ctx: RequestContext, campaign: Campaign): Checklist | Promise<Checklist> {
    const loaders = healthLoaders(ctx);
    const paged = loaders.pagedReadiness(campaign.uuid);
    return paged
      ? this.checklist(loaders.now, paged)
      : loaders.readiness.load(campaign.uuid).then((r) => this.checklist(loaders.now, r));
  }

  private checklist(now: Date, records: ReadinessRecords): Checklist {
    const domain = records.domain;
    const previous = records.previous;
    return preSendChecklist(
      checklistInput({
        now,
        domain: { name: domain?.name ?? "(deleted domain)", registeredAt: domain?.registeredAt ?? null },
        audit: records.audit,
        inboxes: records.inboxes,
        recipientCheck: records.recipientCheck,
        previousCampaign: previous
          ? { name: previous.name, sent: previous.sent, hardBounces: previous.hardBounces }
          : null,
      }),
    );
  }

  /** verifyCampaignRecipients: checkRecipients over the campaign's list, keeping the counts as its last check. */
  async verifyRecipients(
    ctx: RequestContext,
    input: { campaignId: string; addresses: string[] },
  ): Promise<{ campaign: Campaign; recipientCheck: RecipientCheckSummary }> {
    const campaign = await campaignService.require(ctx, uuidOf(input.campaignId, "Campaign"), ["input", "campaignId"]);
    if (input.addresses.length > MAX_VERIFY_ADDRESSES)
      fail(HealthErrorCode.TOO_MANY_ADDRESSES, `At most ${MAX_VERIFY_ADDRESSES} addresses per call.`, [
        "input",
        "addresses",
      ]);
    const verdicts = await suppressionService.check(ctx, input.addresses);
    const count = (v: string) => verdicts.filter((r) => r.verdict === v).length;
    const summary = {
      checked: verdicts.length,
      ok: count("OK"),
      risky: count("RISKY"),
      invalid: count("INVALID"),
      suppressed: count("SUPPRESSED"),
    };
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
