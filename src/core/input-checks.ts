import { parseIp } from "./dns/ip-address";

// The checks of the input wall (every string input, at the edge: GraphQL and webhook
// decoding), as plain functions so that every channel refuses the same things with the same
// words. Each returns why the value is refused, or null when it is acceptable.

/**
 * Text that cannot be stored: PostgreSQL's text type refuses U+0000, and a lone UTF-16
 * surrogate has no UTF-8 encoding (it would be stored as U+FFFD, i.e. silently changed).
 */
export function textProblem(value: string): string | null {
  if (value.indexOf("\u0000") !== -1) return "contains U+0000 (NUL), which text cannot hold";
  if (!(value as unknown as { isWellFormed(): boolean }).isWellFormed())
    return "contains an unpaired UTF-16 surrogate (not valid Unicode)";
  return null;
}

/**
 * A sending IP: exactly an IPv4 or IPv6 address, as typed (no surrounding spaces: a value
 * the client meant differently is refused, not repaired), and one that can send mail (not
 * the unspecified address 0.0.0.0 or ::).
 */
export function sendingIpProblem(value: string): string | null {
  if (value !== value.trim()) return "has spaces around it";
  const ip = parseIp(value);
  if (!ip) return "is not an IPv4 or IPv6 address";
  if (ip.bytes.every((b) => b === 0)) return "is the unspecified address, which sends nothing";
  return null;
}

/** Earliest event date accepted: nothing Rebound counts happened before e-mail bounces were this. */
export const EARLIEST_EVENT_DATE = new Date("2000-01-01T00:00:00.000Z");
/** Latest event date accepted, after now: a sender's clock may be somewhat ahead. */
export const MAX_FUTURE_MS = 24 * 3_600_000;

/** An event's date: on or after 2000-01-01 and at most a day ahead of now. */
export function eventDateProblem(value: Date, now: Date): string | null {
  const t = value.getTime();
  if (Number.isNaN(t)) return "is not a date";
  if (t < EARLIEST_EVENT_DATE.getTime()) return "is before 2000-01-01";
  if (t > now.getTime() + MAX_FUTURE_MS) return "is more than a day in the future";
  return null;
}
