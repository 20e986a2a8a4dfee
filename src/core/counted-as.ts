import type { BounceReason, BounceType } from "./bounce";

// Which delivery counter a stored event moves. One definition, used by ingest (in JS) and
// by recounts from bounce_events (COUNTED_AS_SQL), so the two can never disagree.
//
//   delivered                       -> DELIVERED
//   feedback (ARF / ESP complaint)  -> COMPLAINT
//   suppressed (the ESP refused to send: its own suppression list), vacation -> NOT_COUNTED
//   any other bounce, HARD          -> HARD_BOUNCE  (a permanent 5xx failure, whoever's fault:
//                                      the benchmarks' "hard bounces / sent" counts them all;
//                                      hardBounce = "the address is bad" is a different question)
//   any other bounce, SOFT or UNDETERMINED -> SOFT_BOUNCE (not proven permanent)

export type CountedAs = "DELIVERED" | "HARD_BOUNCE" | "SOFT_BOUNCE" | "COMPLAINT" | "NOT_COUNTED";

export function countedAs(reason: BounceReason, bounceType: BounceType): CountedAs {
  if (reason === "delivered") return "DELIVERED";
  if (reason === "feedback") return "COMPLAINT";
  if (reason === "suppressed" || reason === "vacation") return "NOT_COUNTED";
  return bounceType === "HARD" ? "HARD_BOUNCE" : "SOFT_BOUNCE";
}

/** countedAs() as SQL over a bounce_events row (alias-free column names). */
export const COUNTED_AS_SQL = `CASE
  WHEN reason = 'delivered' THEN 'DELIVERED'
  WHEN reason = 'feedback' THEN 'COMPLAINT'
  WHEN reason IN ('suppressed', 'vacation') THEN 'NOT_COUNTED'
  WHEN bounce_type = 'HARD' THEN 'HARD_BOUNCE'
  ELSE 'SOFT_BOUNCE' END`;
