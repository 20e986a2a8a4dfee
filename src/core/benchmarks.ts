// Bounce-rate benchmark zones per recipient provider (DESIGN.md, "What a 550 means") and
// complaint-rate levels. Comparisons are exact: 3 hard bounces of 100 sends is exactly
// 3 %, never 3.0000000000000004 %, so a rate sitting on a boundary lands where the table
// says. Rates and thresholds are turned into fractions of integers (BigInt) first.

import type { MailboxProvider } from "./providers";

export type BenchmarkZone = "ACCEPTABLE" | "WARNING" | "BLOCKING" | "INSUFFICIENT_DATA";

/** A recipient provider, or the campaign/inbox/domain as a whole (general industry thresholds). */
export type BenchmarkKey = MailboxProvider | "OVERALL";

export interface ZoneThresholds {
  /** Percent at which WARNING starts (below it: ACCEPTABLE). */
  warningFromPercent: number;
  /** Percent above which it is BLOCKING (up to and including it: WARNING). */
  blockingAbovePercent: number;
}

export type BenchmarkThresholds = Record<BenchmarkKey, ZoneThresholds>;

/** A tenant's overrides: any provider, any bound. */
export type BenchmarkOverrides = Partial<Record<BenchmarkKey, Partial<ZoneThresholds>>>;

const INDUSTRY: ZoneThresholds = { warningFromPercent: 2, blockingAbovePercent: 5 };

export const DEFAULT_BENCHMARK_THRESHOLDS: Readonly<BenchmarkThresholds> = Object.freeze({
  GMAIL: { warningFromPercent: 3, blockingAbovePercent: 5 },
  MICROSOFT: { warningFromPercent: 5, blockingAbovePercent: 8 },
  YAHOO: { warningFromPercent: 3, blockingAbovePercent: 5 },
  APPLE: INDUSTRY,
  OTHER: INDUSTRY,
  OVERALL: INDUSTRY,
});

/** Default minimum number of sends before a zone is given (a tenant setting). */
export const DEFAULT_MIN_SENDS = 100;

/** "Above 5 % on any campaign: pause and investigate." */
export const PAUSE_ABOVE_PERCENT = 5;

/** Thresholds with a tenant's overrides applied; throws RangeError on nonsense values. */
export function resolveThresholds(overrides: BenchmarkOverrides = {}): BenchmarkThresholds {
  const out = {} as BenchmarkThresholds;
  for (const key of Object.keys(DEFAULT_BENCHMARK_THRESHOLDS) as BenchmarkKey[]) {
    const merged = { ...DEFAULT_BENCHMARK_THRESHOLDS[key], ...overrides[key] };
    const { warningFromPercent: lo, blockingAbovePercent: hi } = merged;
    if (!Number.isFinite(lo) || !Number.isFinite(hi) || lo < 0 || hi > 100 || lo > hi) {
      throw new RangeError(`${key} thresholds must satisfy 0 <= warning (${lo}) <= blocking (${hi}) <= 100`);
    }
    out[key] = merged;
  }
  return out;
}

// ---- exact arithmetic -------------------------------------------------------------------

interface Fraction {
  num: bigint;
  den: bigint;
}

/** The decimal a number prints as (its shortest round-trip form), as an exact fraction. */
/** Thresholds are a handful of distinct numbers read for every zone: parse each once. */
const fractions = new Map<number, Fraction>();

function toFraction(value: number): Fraction {
  const known = fractions.get(value);
  if (known) return known;
  const f = parseFraction(value);
  if (fractions.size < 1_000) fractions.set(value, f);
  return f;
}

function parseFraction(value: number): Fraction {
  if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(value));
  if (!m) throw new RangeError(`cannot read ${value} as a decimal`);
  const digits = BigInt(`${m[2]}${m[3] ?? ""}`);
  const exp = -(m[3]?.length ?? 0) + Number(m[4] ?? 0);
  let num = m[1] ? -digits : digits;
  let den = 1n;
  if (exp >= 0) num *= 10n ** BigInt(exp);
  else den = 10n ** BigInt(-exp);
  return { num, den };
}

/** Sign of a - b for fractions with positive denominators. */
function compare(a: Fraction, b: Fraction): -1 | 0 | 1 {
  const l = a.num * b.den;
  const r = b.num * a.den;
  return l < r ? -1 : l > r ? 1 : 0;
}

function percentOf(part: number, whole: number): Fraction {
  return { num: BigInt(part) * 100n, den: BigInt(whole) };
}

// ---- zones ------------------------------------------------------------------------------

/** Counts behind a rate: hard bounces (or complaints) out of messages sent. */
export interface RateCounts {
  /** Events counted: hard bounces for bounce zones, complaints for complaint levels. */
  events: number;
  sent: number;
}

function checkCounts({ events, sent }: RateCounts): void {
  if (!Number.isSafeInteger(events) || !Number.isSafeInteger(sent) || events < 0 || sent < 0) {
    throw new RangeError(`counts must be non-negative integers (events ${events}, sent ${sent})`);
  }
}

/**
 * The zone of a rate. Give counts (`{ events, sent }`) so that INSUFFICIENT_DATA can apply
 * below `minSends`; a bare number is a rate as a fraction (0.03 = 3 %) and is judged as is.
 * ACCEPTABLE below the warning bound, WARNING from it up to the blocking bound inclusive,
 * BLOCKING strictly above.
 */
export function zoneFor(
  input: RateCounts | number,
  thresholds: ZoneThresholds,
  minSends: number = DEFAULT_MIN_SENDS,
): BenchmarkZone {
  let percent: Fraction;
  if (typeof input === "number") {
    const f = toFraction(input);
    percent = { num: f.num * 100n, den: f.den };
  } else {
    checkCounts(input);
    if (input.sent === 0 || input.sent < minSends) return "INSUFFICIENT_DATA";
    percent = percentOf(input.events, input.sent);
  }
  if (compare(percent, toFraction(thresholds.warningFromPercent)) < 0) return "ACCEPTABLE";
  if (compare(percent, toFraction(thresholds.blockingAbovePercent)) <= 0) return "WARNING";
  return "BLOCKING";
}

/** events / sent as a number for display; null when nothing was sent. Never use it to decide a zone. */
export function rateOf({ events, sent }: RateCounts): number | null {
  return sent === 0 ? null : events / sent;
}

/** Whether counts are strictly above a percent (exactly). */
export function isAbovePercent(counts: RateCounts, percent: number): boolean {
  checkCounts(counts);
  return counts.sent > 0 && compare(percentOf(counts.events, counts.sent), toFraction(percent)) > 0;
}

/** Whether counts are strictly below a percent (exactly); false when nothing was sent. */
export function isBelowPercent(counts: RateCounts, percent: number): boolean {
  checkCounts(counts);
  return counts.sent > 0 && compare(percentOf(counts.events, counts.sent), toFraction(percent)) < 0;
}

export interface BenchmarkRow {
  provider: BenchmarkKey;
  sent: number;
  hardBounces: number;
  /** hardBounces / sent, null when nothing was sent (display only). */
  rate: number | null;
  zone: BenchmarkZone;
  thresholds: ZoneThresholds;
}

/** One row per provider (as given) plus nothing else; use overallBenchmark for the total. */
export function benchmarkRows(
  perProvider: ReadonlyArray<{ provider: MailboxProvider; sent: number; hardBounces: number }>,
  thresholds: BenchmarkThresholds = DEFAULT_BENCHMARK_THRESHOLDS,
  minSends: number = DEFAULT_MIN_SENDS,
): BenchmarkRow[] {
  return perProvider.map(({ provider, sent, hardBounces }) => row(provider, sent, hardBounces, thresholds, minSends));
}

/** The whole campaign (inbox, domain) on the general industry thresholds. */
export function overallBenchmark(
  sent: number,
  hardBounces: number,
  thresholds: BenchmarkThresholds = DEFAULT_BENCHMARK_THRESHOLDS,
  minSends: number = DEFAULT_MIN_SENDS,
): BenchmarkRow {
  return row("OVERALL", sent, hardBounces, thresholds, minSends);
}

function row(
  provider: BenchmarkKey,
  sent: number,
  hardBounces: number,
  thresholds: BenchmarkThresholds,
  minSends: number,
): BenchmarkRow {
  const t = thresholds[provider];
  return {
    provider,
    sent,
    hardBounces,
    rate: rateOf({ events: hardBounces, sent }),
    zone: zoneFor({ events: hardBounces, sent }, t, minSends),
    thresholds: t,
  };
}

// ---- the verdict: zones and the pause recommendation, decided together --------------------

/** Sends and hard bounces of a whole (campaign, inbox, domain) and of each recipient provider. */
export interface HealthCounts {
  total: { sent: number; hardBounces: number };
  byProvider: Partial<Record<MailboxProvider, { sent: number; hardBounces: number }>>;
}

export interface HealthVerdict {
  /** The whole on the general industry thresholds (OVERALL). */
  zone: BenchmarkZone;
  /** One row per provider of `providers`, in that order (no sends: INSUFFICIENT_DATA). */
  benchmarks: BenchmarkRow[];
  /**
   * Pause and investigate: the whole or any provider is BLOCKING. The same condition raises a
   * BOUNCE_RATE_BLOCKING alert (which recommends a pause), so the two never disagree.
   */
  pauseRecommended: boolean;
}

/**
 * The one decision behind Campaign/Inbox/Domain `zone`, `benchmarks` and
 * `stats.pauseRecommended`: zones per provider and overall, and a pause exactly when one of
 * them is BLOCKING.
 */
export function healthVerdict(
  counts: HealthCounts,
  providers: readonly MailboxProvider[],
  thresholds: BenchmarkThresholds = DEFAULT_BENCHMARK_THRESHOLDS,
  minSends: number = DEFAULT_MIN_SENDS,
): HealthVerdict {
  const benchmarks = providers.map((provider) =>
    row(
      provider,
      counts.byProvider[provider]?.sent ?? 0,
      counts.byProvider[provider]?.hardBounces ?? 0,
      thresholds,
      minSends,
    ),
  );
  const zone = row("OVERALL", counts.total.sent, counts.total.hardBounces, thresholds, minSends).zone;
  return {
    zone,
    benchmarks,
    pauseRecommended: zone === "BLOCKING" || benchmarks.some((b) => b.zone === "BLOCKING"),
  };
}

/** "Above 5 % on any campaign: pause and investigate." Needs minSends like the zones. */
export function shouldPause(counts: RateCounts, minSends: number = DEFAULT_MIN_SENDS): boolean {
  return counts.sent >= minSends && isAbovePercent(counts, PAUSE_ABOVE_PERCENT);
}

// ---- complaints -------------------------------------------------------------------------

/**
 * Spam-complaint levels from the Google/Yahoo sender guidelines: keep it below 0.1 %,
 * never reach 0.3 %. So unlike bounce zones the upper bound is itself BLOCKING.
 */
export const COMPLAINT_THRESHOLDS = { warningFromPercent: 0.1, blockingFromPercent: 0.3 } as const;

export function complaintLevel(counts: RateCounts, minSends: number = DEFAULT_MIN_SENDS): BenchmarkZone {
  checkCounts(counts);
  if (counts.sent === 0 || counts.sent < minSends) return "INSUFFICIENT_DATA";
  const p = percentOf(counts.events, counts.sent);
  if (compare(p, toFraction(COMPLAINT_THRESHOLDS.warningFromPercent)) < 0) return "ACCEPTABLE";
  if (compare(p, toFraction(COMPLAINT_THRESHOLDS.blockingFromPercent)) < 0) return "WARNING";
  return "BLOCKING";
}
