import { Field, Float, InputType, Int, ObjectType } from "type-graphql";
import {
  DEFAULT_BENCHMARK_THRESHOLDS,
  resolveThresholds,
  type BenchmarkKey,
  type BenchmarkOverrides,
} from "../../core/benchmarks";
import { BENCHMARK_KEYS } from "../health";
import { MailboxProviderEnum } from "../../platform/graphql/enums";
import type { MailboxProvider } from "../../core/providers";

// Per-tenant policies. Stored as JSON on the tenant; every value has a default here, so a
// new setting needs no migration and an old tenant reads the default.

export interface TenantSettingsValues {
  campaignHeader: string;
  softBounceLimit: number;
  softBounceWindowDays: number;
  minSendsForZone: number;
  autoPause: boolean;
  /** Bounce-rate benchmark thresholds that differ from the seed's, per provider (percent). */
  benchmarkOverrides: BenchmarkOverrides;
  /** Throttling budgets that differ from the server's defaults (null or absent: the default). */
  keyBucket?: number | null;
  keyRestoreRate?: number | null;
  tenantBucket?: number | null;
  tenantRestoreRate?: number | null;
  ingestEventsPerMinute?: number | null;
  connectionsPerTenant?: number | null;
  subscriptionsPerTenant?: number | null;
}

/** The throttling settings an admin may override, with their allowed ranges (0 restores the default). */
export const THROTTLE_SETTINGS = [
  ["keyBucket", 1, 10_000_000],
  ["keyRestoreRate", 1, 1_000_000],
  ["tenantBucket", 1, 100_000_000],
  ["tenantRestoreRate", 1, 10_000_000],
  ["ingestEventsPerMinute", 1, 100_000_000],
  ["connectionsPerTenant", 1, 100_000],
  ["subscriptionsPerTenant", 1, 1_000_000],
] as const;

export const DEFAULT_TENANT_SETTINGS: TenantSettingsValues = {
  campaignHeader: "X-Rebound-Campaign",
  softBounceLimit: 3,
  softBounceWindowDays: 7,
  minSendsForZone: 100,
  autoPause: false,
  benchmarkOverrides: {},
};

@ObjectType("BenchmarkThreshold", {
  description: "The bounce-rate zone bounds a tenant's benchmarks use for one provider.",
})
export class BenchmarkThreshold {
  @Field(() => MailboxProviderEnum, {
    nullable: true,
    description:
      "The recipient provider; null for the overall thresholds (a whole campaign, inbox or domain, all recipients together).",
  })
  provider: MailboxProvider | null;

  @Field(() => Float, { description: "Hard-bounce percent at which WARNING starts; below it is ACCEPTABLE." })
  warningFromPercent: number;

  @Field(() => Float, {
    description: "Hard-bounce percent above which it is BLOCKING; up to and including it is WARNING.",
  })
  blockingAbovePercent: number;

  @Field(() => Boolean, { description: "True when the tenant overrides the seed's default for this provider." })
  overridden: boolean;
}

@InputType("BenchmarkThresholdInput", {
  description: "New zone bounds for one provider; an omitted bound keeps its value, both null restores the defaults.",
})
export class BenchmarkThresholdInput {
  @Field(() => MailboxProviderEnum, {
    nullable: true,
    description: "The recipient provider whose thresholds change; null (or omitted) for the overall thresholds.",
  })
  provider?: MailboxProvider | null;

  @Field(() => Float, { nullable: true, description: "Percent at which WARNING starts, 0 to 100." })
  warningFromPercent?: number | null;

  @Field(() => Float, {
    nullable: true,
    description: "Percent above which it is BLOCKING, 0 to 100, at least warningFromPercent.",
  })
  blockingAbovePercent?: number | null;
}

/** The core's benchmark key of an API provider: null stands for the overall thresholds. */
function benchmarkKeyOf(provider: MailboxProvider | null | undefined): BenchmarkKey {
  return provider ?? "OVERALL";
}

/**
 * New overrides from the current ones and an input list; throws RangeError with a message
 * fit for the user when a provider's bounds would be nonsense (checked by the core's
 * resolveThresholds on the merged result).
 */
export function mergeBenchmarkOverrides(
  current: BenchmarkOverrides,
  changes: readonly BenchmarkThresholdInput[],
): BenchmarkOverrides {
  const next: BenchmarkOverrides = { ...current };
  for (const input of changes) {
    const change = { ...input, provider: benchmarkKeyOf(input.provider) };
    if (!BENCHMARK_KEYS.includes(change.provider)) throw new RangeError(`unknown provider ${String(change.provider)}`);
    const w = change.warningFromPercent;
    const b = change.blockingAbovePercent;
    if ((w === null || w === undefined) && (b === null || b === undefined)) {
      delete next[change.provider];
      continue;
    }
    const merged = { ...next[change.provider] };
    if (w !== null && w !== undefined) merged.warningFromPercent = w;
    if (b !== null && b !== undefined) merged.blockingAbovePercent = b;
    const defaults = DEFAULT_BENCHMARK_THRESHOLDS[change.provider];
    // Keep only what differs from the default, so a later change of defaults still applies.
    for (const k of ["warningFromPercent", "blockingAbovePercent"] as const)
      if (merged[k] === defaults[k]) delete merged[k];
    if (Object.keys(merged).length === 0) delete next[change.provider];
    else next[change.provider] = merged;
  }
  resolveThresholds(next);
  return next;
}

@ObjectType("TenantSettings", {
  description: "Policies that tune classification, suppression and alerts for a tenant.",
})
export class TenantSettings implements TenantSettingsValues {
  @Field(() => String, {
    description:
      "Header your sender sets on every message (e.g. X-Rebound-Campaign: <campaign id>), read back from bounces to find the campaign.",
  })
  campaignHeader: string;

  @Field(() => Int, { description: "Soft bounces within softBounceWindowDays that suppress an address." })
  softBounceLimit: number;

  @Field(() => Int, { description: "Window, in days, over which soft bounces are counted." })
  softBounceWindowDays: number;

  @Field(() => Int, { description: "Sends below which a benchmark zone is INSUFFICIENT_DATA." })
  minSendsForZone: number;

  @Field(() => Boolean, { description: "Pause a campaign automatically when it enters the BLOCKING zone." })
  autoPause: boolean;

  benchmarkOverrides: BenchmarkOverrides;

  @Field(() => Int, {
    nullable: true,
    description: "Cost points each API key may spend per window; null: the server default (REBOUND_KEY_BUCKET, 1,000).",
  })
  keyBucket?: number | null;

  @Field(() => Int, {
    nullable: true,
    description:
      "Points per second a key's bucket refills at; null: the server default (REBOUND_KEY_RESTORE_RATE, 50).",
  })
  keyRestoreRate?: number | null;

  @Field(() => Int, {
    nullable: true,
    description:
      "Cost points the whole tenant may spend per window; null: the server default (REBOUND_TENANT_BUCKET, 5,000).",
  })
  tenantBucket?: number | null;

  @Field(() => Int, {
    nullable: true,
    description:
      "Points per second the tenant's bucket refills at; null: the server default (REBOUND_TENANT_RESTORE_RATE, 250).",
  })
  tenantRestoreRate?: number | null;

  @Field(() => Int, {
    nullable: true,
    description: "Events (bounces, sends, webhook events) the tenant may ingest per minute; null: the server default.",
  })
  ingestEventsPerMinute?: number | null;

  @Field(() => Int, {
    nullable: true,
    description: "WebSocket connections the tenant may hold open per server process; null: the server default.",
  })
  connectionsPerTenant?: number | null;

  @Field(() => Int, {
    nullable: true,
    description: "Subscriptions the tenant may hold open per server process; null: the server default.",
  })
  subscriptionsPerTenant?: number | null;

  @Field(() => [BenchmarkThreshold], {
    description: "The bounce-rate thresholds in effect, per provider (the seed's defaults unless overridden).",
  })
  get benchmarkThresholds(): BenchmarkThreshold[] {
    const effective = resolveThresholds(this.benchmarkOverrides);
    return BENCHMARK_KEYS.map((provider) =>
      Object.assign(new BenchmarkThreshold(), {
        ...effective[provider],
        provider: provider === "OVERALL" ? null : provider,
        overridden: this.benchmarkOverrides[provider] !== undefined,
      }),
    );
  }

  static from(raw: Partial<TenantSettingsValues> | null | undefined): TenantSettings {
    return Object.assign(new TenantSettings(), DEFAULT_TENANT_SETTINGS, raw ?? {});
  }
}

@InputType("TenantSettingsInput", { description: "Settings to change; omitted fields keep their value." })
export class TenantSettingsInput implements Partial<Omit<TenantSettingsValues, "benchmarkOverrides">> {
  @Field(() => String, { nullable: true, description: "Header name starting with X-, e.g. X-Rebound-Campaign." })
  campaignHeader?: string;

  @Field(() => Int, { nullable: true, description: "1 to 100." })
  softBounceLimit?: number;

  @Field(() => Int, { nullable: true, description: "1 to 365." })
  softBounceWindowDays?: number;

  @Field(() => Int, { nullable: true, description: "1 to 1,000,000." })
  minSendsForZone?: number;

  @Field(() => Boolean, { nullable: true, description: "Pause campaigns automatically on BLOCKING." })
  autoPause?: boolean;

  @Field(() => [BenchmarkThresholdInput], {
    nullable: true,
    description: "Benchmark threshold overrides per provider; providers not listed keep theirs.",
  })
  benchmarkThresholds?: BenchmarkThresholdInput[] | null;

  @Field(() => Int, {
    nullable: true,
    description: "Cost points per key per window, 1 to 10,000,000; 0 restores the server default.",
  })
  keyBucket?: number | null;

  @Field(() => Int, {
    nullable: true,
    description: "Key bucket refill, points per second, 1 to 1,000,000; 0 restores the default.",
  })
  keyRestoreRate?: number | null;

  @Field(() => Int, {
    nullable: true,
    description: "Cost points for the whole tenant per window, 1 to 100,000,000; 0 restores the default.",
  })
  tenantBucket?: number | null;

  @Field(() => Int, {
    nullable: true,
    description: "Tenant bucket refill, points per second, 1 to 10,000,000; 0 restores the default.",
  })
  tenantRestoreRate?: number | null;

  @Field(() => Int, {
    nullable: true,
    description: "Events ingested per minute, 1 to 100,000,000; 0 restores the default.",
  })
  ingestEventsPerMinute?: number | null;

  @Field(() => Int, {
    nullable: true,
    description: "WebSocket connections per server process, 1 to 100,000; 0 restores the default.",
  })
  connectionsPerTenant?: number | null;

  @Field(() => Int, {
    nullable: true,
    description: "Subscriptions per server process, 1 to 1,000,000; 0 restores the default.",
  })
  subscriptionsPerTenant?: number | null;
}
