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

/** A campaign's lifetime totals with the tenant's settings they are judged on, read in one statement. */
export interface CampaignHealth {
  totals: DeliveryTotals;
  settings: TenantBenchmarkSettings;
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

  /**
   * Campaigns' health (stats, benchmarks, zone): their lifetime totals, and the tenant's
   * settings read in the same statement, so that a batch is one statement whatever else
   * the operation asked before or after it.
   */
  readonly campaigns: DataLoader<string, CampaignHealth>;
  /**
   * Campaigns' readiness facts (checklist), with their previous campaigns' totals: one
   * statement per batch of its own. A list asking both health and readiness outside a
   * page costs two statements, sent together; which fields graphql-js resolves first changes
   * neither the statements nor the answers.
   */
  readonly readiness: DataLoader<string, ReadinessRecords>;
  readonly audits: DataLoader<string, StoredDomainAudit | null>;
  readonly authSettings: DataLoader<string, DomainAuthSettingsValues>;
  readonly inboxAlignment: DataLoader<string, InboxAlignmentValues>;
  readonly recipientChecks: DataLoader<string, RecipientCheckSummary | null>;
  /**
   * What a page read with its campaigns (page()), answered from memory without a promise per
   * field: the page path decided from the selection what to read, so nothing here waits.
   */
  private readonly paged = new Map<string, { health: CampaignHealth; readiness: ReadinessRecords | null }>();

  constructor(private readonly ctx: RequestContext) {
    this.campaigns = new DataLoader(async (keys) => {
      const facts = await healthFacts.campaignFactsOf(ctx, keys, [], true);
      const settings = benchmarkSettings(facts.settings);
      return keys.map((k) => ({ totals: facts.totals.get(k)!, settings }));
    });
    this.readiness = new DataLoader(async (keys) => {
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

  /**
   * A page of campaigns read with its health in one statement (HealthService.campaignPageWithFacts):
   * first + 1 rows in keyset order, their totals and the tenant's settings always, their
   * readiness facts when `withReadiness`, kept for the fields that follow.
   */
  async page(args: CampaignPageRequest, withReadiness: boolean): Promise<Campaign[]> {
    const { rows, facts } = await healthFacts.campaignPageWithFacts(this.ctx, args, withReadiness, true);
    const settings = benchmarkSettings(facts.settings);
    this.primeRecipientChecks(facts.readiness);
    for (const c of rows.slice(0, args.first)) {
      const health: CampaignHealth = { totals: facts.totals.get(c.uuid)!, settings };
      const readiness = facts.readiness.get(c.uuid) ?? null;
      this.campaigns.prime(c.uuid, health);
      if (readiness) this.readiness.prime(c.uuid, readiness);
      this.paged.set(c.uuid, { health, readiness });
    }
    return rows;
  }

  /** A campaign's health if its page read it, else null (ask `campaigns`). */
  pagedHealth(campaignUuid: string): CampaignHealth | null {
    return this.paged.get(campaignUuid)?.health ?? null;
  }

  /** A campaign's readiness facts if its page read them, else null (ask `readiness`). */
  pagedReadiness(campaignUuid: string): ReadinessRecords | null {
    return this.paged.get(campaignUuid)?.readiness ?? null;
  }

  /**
   * The tenant's thresholds (overrides applied) and minimum sends for inboxes and domains,
   * read once per operation in a statement of its own (campaigns read theirs with their totals).
   */
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
