import DataLoader from "dataloader";
import { resolveThresholds, type BenchmarkThresholds } from "../../core/benchmarks";
import type { RequestContext } from "../../platform/context";
import type { Campaign, CampaignPageRequest } from "../campaign";
import { deliveryCounterService, type CounterWindow, type DeliveryTotals } from "../delivery";
import { TenantSettings, type TenantSettingsValues } from "../tenant";
import { tenantService } from "../tenant";
import {
  domainAuditService,
  type DomainAuthSettingsValues,
  type InboxAlignmentValues,
  type StoredDomainAudit,
} from "../dns-audit";
import { counterWindow, type RecipientCheckSummary } from "./health-view";
import type { HealthWindow } from "./health.enums";
import { healthFacts, type ReadinessRecords } from "./health-facts.repository";

// Per-operation DataLoaders of the health module, so a page of 50 campaigns with stats,
// benchmarks and readiness costs the same statements as a page of 5: every field resolver
// asks a loader, and each loader answers all of the page's keys with one statement.
// Kept in the request context's per-operation state (renewed per event of a subscription)
// rather than in src/app/loaders.ts, so the module owns its batching.

export interface TenantBenchmarkSettings {
  thresholds: BenchmarkThresholds;
  minSends: number;
}

function batch<V>(load: (keys: readonly string[]) => Promise<Map<string, V>>, missing: V) {
  return new DataLoader<string, V>(async (keys) => {
    const map = await load(keys);
    return keys.map((k) => (map.has(k) ? map.get(k)! : missing));
  });
}

/** A campaign's lifetime totals with the settings they are judged on, from the page's statement. */
export interface CampaignHealth {
  totals: DeliveryTotals;
  settings: TenantBenchmarkSettings;
  /** Readiness facts when readiness was asked for this campaign in the same pass; else null. */
  readiness: ReadinessRecords | null;
}

function benchmarkSettings(raw: Partial<TenantSettingsValues> | null): TenantBenchmarkSettings {
  const s = TenantSettings.from(raw);
  return { thresholds: resolveThresholds(s.benchmarkOverrides), minSends: s.minSendsForZone };
}

export class HealthLoaders {
  /** One clock per operation: every field of a response judges against the same instant. */
  readonly now = new Date();
  private settingsPromise: Promise<TenantBenchmarkSettings> | null = null;
  private readonly windowed = new Map<string, DataLoader<string, DeliveryTotals>>();
  /** Campaigns whose readiness this operation resolves (asked before their batch runs). */
  private readonly readinessWanted = new Set<string>();

  /**
   * A page of campaigns' health in one statement (HealthService.campaignFactsOf): lifetime
   * totals, the tenant's settings the first time, and for the keys whose readiness was asked
   * in the same pass (graphql-js resolves every field of a page before the batch runs) the
   * checklist's facts with their previous campaigns' totals. So the dashboard page costs
   * one statement for its health whatever it shows and however long it is.
   */
  readonly campaigns: DataLoader<string, CampaignHealth>;
  /** Readiness asked for a campaign whose totals were loaded earlier without it (another pass). */
  private readonly lateReadiness: DataLoader<string, ReadinessRecords>;
  readonly audits: DataLoader<string, StoredDomainAudit | null>;
  readonly authSettings: DataLoader<string, DomainAuthSettingsValues>;
  readonly inboxAlignment: DataLoader<string, InboxAlignmentValues>;
  readonly recipientChecks: DataLoader<string, RecipientCheckSummary | null>;

  constructor(private readonly ctx: RequestContext) {
    this.campaigns = new DataLoader(async (keys) => {
      const readinessKeys = keys.filter((k) => this.readinessWanted.has(k));
      const withSettings = this.settingsPromise === null;
      const query = healthFacts.campaignFactsOf(ctx, keys, readinessKeys, withSettings);
      if (withSettings) this.settingsPromise = query.then((f) => benchmarkSettings(f.settings));
      const [facts, settings] = await Promise.all([query, this.settingsPromise!]);
      this.primeRecipientChecks(facts.readiness);
      return keys.map((k) => ({ totals: facts.totals.get(k)!, settings, readiness: facts.readiness.get(k) ?? null }));
    });
    this.lateReadiness = new DataLoader(async (keys) => {
      const facts = await healthFacts.campaignFactsOf(ctx, [], keys, false);
      this.primeRecipientChecks(facts.readiness);
      return keys.map((k) => facts.readiness.get(k)!);
    });
    this.audits = batch((keys) => domainAuditService.latestFor(ctx, keys), null);
    this.authSettings = batch((keys) => domainAuditService.settingsFor(ctx, keys), {
      sendingIps: [],
      dkimSelectors: [],
    });
    this.inboxAlignment = batch((keys) => domainAuditService.alignmentFor(ctx, keys), {
      returnPathDomain: null,
      dkimDomain: null,
    });
    this.recipientChecks = batch((keys) => healthFacts.recipientChecksFor(ctx, keys), null);
  }

  private primeRecipientChecks(records: Map<string, ReadinessRecords>): void {
    for (const r of records.values()) this.recipientChecks.prime(r.campaignUuid, r.recipientCheck);
  }

  /** Campaign health already in memory (prefetched with its page), for fields answered without waiting. */
  private readonly loaded = new Map<string, CampaignHealth>();

  /**
   * A page of campaigns read with its health in one statement (HealthService.campaignPageWithFacts):
   * first + 1 rows in keyset order, their health kept in memory for the fields that follow.
   */
  async page(args: CampaignPageRequest, withReadiness: boolean): Promise<Campaign[]> {
    const withSettings = this.settingsPromise === null;
    const { rows, facts } = await healthFacts.campaignPageWithFacts(this.ctx, args, withReadiness, withSettings);
    const settings = withSettings ? benchmarkSettings(facts.settings) : await this.settingsPromise!;
    if (withSettings) this.settingsPromise = Promise.resolve(settings);
    this.primeRecipientChecks(facts.readiness);
    for (const c of rows.slice(0, args.first)) {
      const health: CampaignHealth = {
        totals: facts.totals.get(c.uuid)!,
        settings,
        readiness: facts.readiness.get(c.uuid) ?? null,
      };
      this.campaigns.prime(c.uuid, health);
      this.loaded.set(c.uuid, health);
    }
    return rows;
  }

  /** A campaign's health if already loaded (with readiness facts when those are needed), else null. */
  ready(campaignUuid: string, withReadiness = false): CampaignHealth | null {
    const h = this.loaded.get(campaignUuid);
    return h && (!withReadiness || h.readiness) ? h : null;
  }

  /** Readiness facts of a campaign: with its page's health statement when asked in the same pass. */
  async readinessOf(campaign: Campaign): Promise<ReadinessRecords> {
    this.readinessWanted.add(campaign.uuid);
    const health = await this.campaigns.load(campaign.uuid);
    return health.readiness ?? this.lateReadiness.load(campaign.uuid);
  }

  /** The tenant's thresholds (overrides applied) and minimum sends, read once per operation. */
  settings(): Promise<TenantBenchmarkSettings> {
    this.settingsPromise ??= tenantService.settings(this.ctx).then((s) => benchmarkSettings(s));
    return this.settingsPromise;
  }

  private totals(kind: "inbox" | "domain", key: string, window: CounterWindow): DataLoader<string, DeliveryTotals> {
    let loader = this.windowed.get(`${kind}:${key}`);
    if (!loader) {
      const load =
        kind === "inbox"
          ? deliveryCounterService.inboxTotals.bind(deliveryCounterService)
          : deliveryCounterService.domainTotals.bind(deliveryCounterService);
      loader = new DataLoader(async (keys) => {
        const map = await load(this.ctx, keys, window);
        return keys.map((k) => map.get(k)!);
      });
      this.windowed.set(`${kind}:${key}`, loader);
    }
    return loader;
  }

  inboxTotals(window: HealthWindow): DataLoader<string, DeliveryTotals> {
    return this.totals("inbox", window, counterWindow(window, this.now));
  }

  domainTotals(window: HealthWindow): DataLoader<string, DeliveryTotals> {
    return this.totals("domain", window, counterWindow(window, this.now));
  }

  /** Today's (UTC) totals per inbox: sentToday and the ramp. */
  inboxToday(): DataLoader<string, DeliveryTotals> {
    return this.inboxTotals("DAYS_1");
  }
}

export function healthLoaders(ctx: RequestContext): HealthLoaders {
  return ctx.operationScoped(HealthLoaders, () => new HealthLoaders(ctx));
}
