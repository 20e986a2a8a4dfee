import DataLoader from "dataloader";
import { resolveThresholds, type BenchmarkThresholds } from "../../core/benchmarks";
import type { RequestContext } from "../../context";
import type { TenantTransaction } from "../../db/tenant-transaction";
import type { Campaign } from "../campaign/campaign.entity";
import { deliveryCounterService, type CounterWindow, type DeliveryTotals } from "../send/delivery-counter.service";
import { tenantService } from "../tenant/tenant.service";
import { domainAuditService, type DomainAuthSettingsValues, type InboxAlignmentValues, type StoredDomainAudit } from "./domain-audit.service";
import { counterWindow, type RecipientCheckSummary } from "./health-view";
import type { HealthWindow } from "./health.enums";
import { healthService, type ReadinessRecords } from "./health.service";

// Per-operation DataLoaders of the health module, so a page of 50 campaigns with stats,
// benchmarks and readiness costs the same statements as a page of 5: every field resolver
// asks a loader, and each loader answers all of the page's keys with one statement.
// Kept beside the request context (keyed on its transaction, which a subscription renews
// per event) rather than in src/loaders.ts, so the module owns its batching.

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

export class HealthLoaders {
  /** One clock per operation: every field of a response judges against the same instant. */
  readonly now = new Date();
  private settingsPromise: Promise<TenantBenchmarkSettings> | null = null;
  private readonly windowed = new Map<string, DataLoader<string, DeliveryTotals>>();
  /** Domain of each campaign whose readiness this operation resolves. */
  private readonly readinessOf = new Map<string, string>();
  /** Totals of previous campaigns fetched along with a page's (see campaignTotals). */
  private readonly previousTotals = new Map<string, Promise<DeliveryTotals>>();

  /**
   * Lifetime totals per campaign. When readiness was asked for some of the keys, their
   * previous campaigns' totals come in the same statement (readiness compares with them), so
   * a page costs one counters statement whatever it shows and whichever campaigns precede it.
   */
  readonly campaignTotals: DataLoader<string, DeliveryTotals>;
  /**
   * What readiness needs from the database besides counters and the campaign's own domain
   * and inboxes, for a page of campaigns in one statement: the previous campaign, the last
   * recipient check and a summary of the domain's stored audit. It primes recipientChecks.
   */
  readonly readinessRecords: DataLoader<string, ReadinessRecords>;
  readonly audits: DataLoader<string, StoredDomainAudit | null>;
  readonly authSettings: DataLoader<string, DomainAuthSettingsValues>;
  readonly inboxAlignment: DataLoader<string, InboxAlignmentValues>;
  readonly recipientChecks: DataLoader<string, RecipientCheckSummary | null>;

  constructor(private readonly ctx: RequestContext) {
    this.campaignTotals = new DataLoader(async (keys) => {
      const wanted = keys.filter((k) => this.readinessOf.has(k));
      // Readiness asked for these keys' records in the same pass: that batch is already
      // scheduled, so this joins it rather than adding a statement.
      const records = wanted.length ? await this.readinessRecords.loadMany(wanted) : [];
      const extra = [...new Set(records.flatMap((r) => (r && !(r instanceof Error) && r.previous && !keys.includes(r.previous.uuid) ? [r.previous.uuid] : [])))];
      const query = deliveryCounterService.campaignTotals(ctx, [...keys, ...extra]);
      for (const id of extra) this.previousTotals.set(id, query.then((m) => m.get(id)!));
      const map = await query;
      return keys.map((k) => map.get(k)!);
    });
    this.readinessRecords = new DataLoader(async (keys) => {
      const records = await healthService.readinessRecordsOf(ctx, keys.map((k) => ({ campaignUuid: k, domainUuid: this.readinessOf.get(k)! })));
      for (const r of records.values()) {
        this.recipientChecks.prime(r.campaignUuid, r.recipientCheck);
      }
      return keys.map((k) => records.get(k)!);
    });
    this.audits = batch((keys) => domainAuditService.latestFor(ctx, keys), null);
    this.authSettings = batch((keys) => domainAuditService.settingsFor(ctx, keys), { sendingIps: [], dkimSelectors: [] });
    this.inboxAlignment = batch((keys) => domainAuditService.alignmentFor(ctx, keys), { returnPathDomain: null, dkimDomain: null });
    this.recipientChecks = batch((keys) => healthService.recipientChecksFor(ctx, keys), null);
  }

  /** Readiness of this campaign will be resolved: its records and previous totals come with the page's. */
  readinessRequested(campaign: Campaign): Promise<ReadinessRecords> {
    this.readinessOf.set(campaign.uuid, campaign.domainId);
    return this.readinessRecords.load(campaign.uuid);
  }

  /** A previous campaign's totals: from the page's counters statement when it came with it. */
  totalsOfPrevious(campaignUuid: string): Promise<DeliveryTotals> {
    return this.previousTotals.get(campaignUuid) ?? this.campaignTotals.load(campaignUuid);
  }

  /** The tenant's thresholds (overrides applied) and minimum sends, read once per operation. */
  settings(): Promise<TenantBenchmarkSettings> {
    this.settingsPromise ??= tenantService.settings(this.ctx).then((s) => ({ thresholds: resolveThresholds(s.benchmarkOverrides), minSends: s.minSendsForZone }));
    return this.settingsPromise;
  }

  private totals(kind: "inbox" | "domain", key: string, window: CounterWindow): DataLoader<string, DeliveryTotals> {
    let loader = this.windowed.get(`${kind}:${key}`);
    if (!loader) {
      const load = kind === "inbox" ? deliveryCounterService.inboxTotals.bind(deliveryCounterService) : deliveryCounterService.domainTotals.bind(deliveryCounterService);
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

const byOperation = new WeakMap<TenantTransaction, HealthLoaders>();

export function healthLoaders(ctx: RequestContext): HealthLoaders {
  let loaders = byOperation.get(ctx.tx);
  if (!loaders) {
    loaders = new HealthLoaders(ctx);
    byOperation.set(ctx.tx, loaders);
  }
  return loaders;
}
