import { describe, expect, it } from "vitest";
import { checkRamp, domainAge, recommendedDailyLimit, warmupStage } from "../../src/core/warmup";

const START = new Date("2024-03-01T09:00:00Z");
const day = (n: number, extraMs = 0) => new Date(START.getTime() + n * 86_400_000 + extraMs);

describe("warm-up stage from warmupStartedAt and now", () => {
  it.each([
    [0, "WEEK_1", 20],
    [6, "WEEK_1", 20],
    [7, "WEEK_2", 50],
    [13, "WEEK_2", 50],
    [14, "WEEK_3", 100],
    [20, "WEEK_3", 100],
    [21, "WARMED", 400],
    [365, "WARMED", 400],
  ] as const)("day %i is %s, recommending %i a day (inbox limit 400)", (n, stage, limit) => {
    const s = warmupStage(START, day(n), 400);
    expect(s.stage).toBe(stage);
    expect(s.recommendedDailyLimit).toBe(limit);
    expect(s.warmupDays).toBe(n);
  });

  it("counts whole days: one millisecond short of day 7 is still week 1", () => {
    expect(warmupStage(START, day(7, -1), 400).stage).toBe("WEEK_1");
  });

  it("never recommends more than the inbox's own limit", () => {
    expect(recommendedDailyLimit(START, day(15), 40)).toBe(40);
    expect(recommendedDailyLimit(START, day(30), 40)).toBe(40);
  });

  it("treats a missing or future start as not started, at week 1's pace", () => {
    expect(warmupStage(null, day(0), 400)).toMatchObject({
      stage: "NOT_STARTED",
      recommendedDailyLimit: 20,
      warmedEnough: false,
      warmupDays: null,
    });
    expect(warmupStage(day(3), day(0), 400).stage).toBe("NOT_STARTED");
  });

  it("counts an inbox as warmed from 14 days", () => {
    expect(warmupStage(START, day(13), 400).warmedEnough).toBe(false);
    expect(warmupStage(START, day(14), 400).warmedEnough).toBe(true);
  });

  it("flags a daily limit above ~50 cold emails as risky", () => {
    expect(warmupStage(START, day(30), 50).dailyLimitIsRisky).toBe(false);
    expect(warmupStage(START, day(30), 51).dailyLimitIsRisky).toBe(true);
  });
});

describe("sends against the ramp", () => {
  it("warns when today's sends exceed the ramp and says by how much", () => {
    expect(checkRamp(20, START, day(2), 400)).toEqual({ exceeded: false, limit: 20, excess: 0, stage: "WEEK_1" });
    expect(checkRamp(35, START, day(2), 400)).toEqual({ exceeded: true, limit: 20, excess: 15, stage: "WEEK_1" });
    expect(checkRamp(51, START, day(8), 400)).toMatchObject({ exceeded: true, limit: 50 });
  });
});

describe("domain age", () => {
  it("is ready for outreach from 14 days, not before", () => {
    expect(domainAge(START, day(13))).toEqual({ ageDays: 13, readyForOutreach: false });
    expect(domainAge(START, day(14))).toEqual({ ageDays: 14, readyForOutreach: true });
  });

  it("is not ready when the registration date is unknown", () => {
    expect(domainAge(null, day(100))).toEqual({ ageDays: null, readyForOutreach: false });
  });
});
