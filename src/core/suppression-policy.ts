import type { BounceFault, BounceReason, BounceType } from "./bounce";

// When does a stored event suppress? Pure rules, unit-testable, applied by ingest to newly
// inserted events only. The first rule of DESIGN.md: only a bad *address* is suppressed; a
// sender problem (5.7.1 policy or authentication, blocklists, reputation, content) must
// never empty the list, since suppressing would hide the fault that needs fixing.

export const SUPPRESSION_REASONS = [
  "HARD_BOUNCE",
  "UNKNOWN_DOMAIN",
  "SOFT_BOUNCE_LIMIT",
  "RETRIES_EXPIRED",
  "COMPLAINT",
  "MANUAL",
] as const;
export type SuppressionReason = (typeof SUPPRESSION_REASONS)[number];

export const SUPPRESSION_SCOPES = ["ADDRESS", "DOMAIN"] as const;
export type SuppressionScope = (typeof SUPPRESSION_SCOPES)[number];

/** Faults that never suppress, whatever the code says. */
const SENDER_SIDE: ReadonlySet<BounceFault> = new Set([
  "SENDER_AUTHENTICATION",
  "SENDER_REPUTATION",
  "POLICY",
  "CONTENT",
  "PROTOCOL",
]);

/**
 * Faults whose repeated failures count toward the soft-bounce limit: the recipient's side
 * (full or disabled mailbox), its network, or unknown. PROTOCOL (rate limiting, too many
 * connections) is the sender going too fast, so it does not count either.
 */
const TALLIED: ReadonlySet<BounceFault> = new Set(["RECIPIENT_ADDRESS", "RECIPIENT_MAILBOX", "NETWORK", "UNKNOWN"]);

export interface EventFacts {
  reason: BounceReason;
  bounceType: BounceType;
  hardBounce: boolean;
  fault: BounceFault;
  /** The recipient, canonical (lower-case, ASCII domain); null when it is not an address. */
  address: string | null;
  domain: string | null;
  /** The ESP said it stopped retrying (a final BOUNCE webhook event). */
  finalAttempt: boolean;
}

export interface SuppressionDecision {
  scope: SuppressionScope;
  value: string;
  reason: SuppressionReason;
}

/** The suppression one event causes on its own, or null. */
export function immediateSuppression(e: EventFacts): SuppressionDecision | null {
  if (!e.address || !e.domain) return null;
  // A spam complaint is the recipient's explicit "stop": it suppresses even though the
  // classifier files it under sender reputation (it is the sender's problem too).
  if (e.reason === "feedback") return { scope: "ADDRESS", value: e.address, reason: "COMPLAINT" };
  if (SENDER_SIDE.has(e.fault)) return null;
  if (e.hardBounce) {
    // The domain itself does not exist or has no mail server: every address at it is dead.
    if (e.reason === "hostunknown") return { scope: "DOMAIN", value: e.domain, reason: "UNKNOWN_DOMAIN" };
    return { scope: "ADDRESS", value: e.address, reason: "HARD_BOUNCE" };
  }
  // A soft failure the sender gave up on (the queue expired, or the ESP's final word after
  // its retries) suppresses at once when it is on the recipient's side.
  if (countsTowardSoftLimit(e) && (e.reason === "expired" || (e.finalAttempt && e.bounceType !== "HARD"))) {
    return { scope: "ADDRESS", value: e.address, reason: "RETRIES_EXPIRED" };
  }
  return null;
}

/** The tenant's own addresses: its inboxes and its sending domains (canonical, lower-case). */
export interface OwnAddresses {
  inboxes: ReadonlySet<string>;
  domains: readonly string[];
}

const atOrUnder = (name: string, domain: string) => name === domain || name.endsWith(`.${domain}`);

/**
 * Whether a suppression would silence the tenant's own mail: an inbox of its own, an address
 * on (or under) one of its sending domains, or a domain that holds or sits under one. A bounce
 * naming such an address is a misread (its own sender reported as a recipient) or a problem
 * of its own infrastructure; either way the address must stay deliverable.
 */
export function suppressesOwnMail(decision: Pick<SuppressionDecision, "scope" | "value">, own: OwnAddresses): boolean {
  if (decision.scope === "ADDRESS") {
    if (own.inboxes.has(decision.value)) return true;
    const domain = decision.value.slice(decision.value.lastIndexOf("@") + 1);
    return own.domains.some((d) => atOrUnder(domain, d));
  }
  return own.domains.some((d) => atOrUnder(d, decision.value) || atOrUnder(decision.value, d));
}

/** Does this event count toward the tenant's soft-bounce limit? */
export function countsTowardSoftLimit(e: EventFacts): boolean {
  if (!e.address || e.hardBounce) return false;
  if (e.reason === "delivered" || e.reason === "feedback" || e.reason === "vacation" || e.reason === "suppressed")
    return false;
  return TALLIED.has(e.fault);
}

/**
 * Were there at least `limit` soft bounces within any `windowDays`-long window, all after
 * the last delivery? `times` may be in any order; those at or before the delivery are ignored.
 */
export function softLimitReached(
  times: readonly Date[],
  lastDeliveredAt: Date | null,
  limit: number,
  windowDays: number,
): boolean {
  const after = lastDeliveredAt?.getTime() ?? -Infinity;
  const t = times
    .map((d) => d.getTime())
    .filter((x) => x > after)
    .sort((a, b) => a - b);
  const window = windowDays * 86_400_000;
  for (let i = 0; i + limit - 1 < t.length; i++) {
    if (t[i + limit - 1] - t[i] <= window) return true;
  }
  return false;
}
