// Inbox warm-up ramp and domain age (DESIGN.md): week 1 10–20/day, week 2 30–50/day,
// week 3 50–100/day, then the inbox's own daily limit; a new domain waits 14 days before
// outreach. `now` is always an argument. Days are whole 24-hour periods since the start.

const DAY_MS = 24 * 60 * 60 * 1000;

export type WarmupStageName = "NOT_STARTED" | "WEEK_1" | "WEEK_2" | "WEEK_3" | "WARMED";

export interface WarmupRange {
  minPerDay: number;
  maxPerDay: number;
}

export const WARMUP_RAMP: Readonly<Record<"WEEK_1" | "WEEK_2" | "WEEK_3", WarmupRange>> = Object.freeze({
  WEEK_1: { minPerDay: 10, maxPerDay: 20 },
  WEEK_2: { minPerDay: 30, maxPerDay: 50 },
  WEEK_3: { minPerDay: 50, maxPerDay: 100 },
});

/** Days of warm-up before an inbox counts as warmed (and a domain as old enough). */
export const MIN_WARMUP_DAYS = 14;
export const MIN_DOMAIN_AGE_DAYS = 14;
/** More cold emails a day than this from one inbox is a risk, warmed or not. */
export const COLD_EMAIL_DAILY_RISK = 50;

export interface WarmupStage {
  stage: WarmupStageName;
  /** Whole days since warm-up started; null when it hasn't. */
  warmupDays: number | null;
  /** The ramp's range for today (after week 3: 0 to the inbox's limit). */
  range: WarmupRange;
  /** What to send today at most: the top of today's range, never above the inbox's limit. */
  recommendedDailyLimit: number;
  /** Warmed for at least 14 days (the pre-send checklist's rule). */
  warmedEnough: boolean;
  /** The inbox's own limit is above the ~50 cold emails a day that is safe. */
  dailyLimitIsRisky: boolean;
}

/** Whole days from `from` to `now` (negative when `from` is in the future). */
export function wholeDaysBetween(from: Date, now: Date): number {
  return Math.floor((now.getTime() - from.getTime()) / DAY_MS);
}

/**
 * Where an inbox is in its warm-up. No start date (or one in the future) is NOT_STARTED,
 * and its recommendation is week 1's: an inbox nobody warmed is treated as a new one.
 */
export function warmupStage(warmupStartedAt: Date | null, now: Date, dailyLimit: number): WarmupStage {
  if (!Number.isFinite(dailyLimit) || dailyLimit < 0)
    throw new RangeError(`dailyLimit must be >= 0 (got ${dailyLimit})`);
  const days = warmupStartedAt ? wholeDaysBetween(warmupStartedAt, now) : null;
  if (days === null || days < 0) return stageAt("NOT_STARTED", WARMUP_RAMP.WEEK_1, days, dailyLimit);
  if (days < 7) return stageAt("WEEK_1", WARMUP_RAMP.WEEK_1, days, dailyLimit);
  if (days < 14) return stageAt("WEEK_2", WARMUP_RAMP.WEEK_2, days, dailyLimit);
  if (days < 21) return stageAt("WEEK_3", WARMUP_RAMP.WEEK_3, days, dailyLimit);
  return stageAt("WARMED", { minPerDay: 0, maxPerDay: dailyLimit }, days, dailyLimit);
}

function stageAt(stage: WarmupStageName, range: WarmupRange, days: number | null, dailyLimit: number): WarmupStage {
  return {
    stage,
    warmupDays: days !== null && days >= 0 ? days : null,
    range,
    recommendedDailyLimit: Math.min(range.maxPerDay, dailyLimit),
    warmedEnough: days !== null && days >= MIN_WARMUP_DAYS,
    dailyLimitIsRisky: dailyLimit > COLD_EMAIL_DAILY_RISK,
  };
}

/** Inbox.recommendedDailyLimit. */
export function recommendedDailyLimit(warmupStartedAt: Date | null, now: Date, dailyLimit: number): number {
  return warmupStage(warmupStartedAt, now, dailyLimit).recommendedDailyLimit;
}

export interface RampCheck {
  exceeded: boolean;
  limit: number;
  /** How many sends over the limit (0 when within). */
  excess: number;
  stage: WarmupStageName;
}

/** Whether `sentToday` (recorded or planned) goes beyond today's ramp. */
export function checkRamp(sentToday: number, warmupStartedAt: Date | null, now: Date, dailyLimit: number): RampCheck {
  const s = warmupStage(warmupStartedAt, now, dailyLimit);
  const excess = Math.max(0, sentToday - s.recommendedDailyLimit);
  return { exceeded: excess > 0, limit: s.recommendedDailyLimit, excess, stage: s.stage };
}

export interface DomainAge {
  /** Whole days since registration; null when the registration date is unknown. */
  ageDays: number | null;
  /** At least 14 days old. Unknown age is not ready: we can't tell it isn't brand new. */
  readyForOutreach: boolean;
}

export function domainAge(registeredAt: Date | null, now: Date): DomainAge {
  if (!registeredAt) return { ageDays: null, readyForOutreach: false };
  const ageDays = wholeDaysBetween(registeredAt, now);
  return { ageDays, readyForOutreach: ageDays >= MIN_DOMAIN_AGE_DAYS };
}
