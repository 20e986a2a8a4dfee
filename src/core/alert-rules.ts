// Alert rules: pure functions from what is known now (counters, recent events, the last
// state each rule saw) to state changes, each carrying at most one alert. An alert is raised
// only when a state changes — a campaign already BLOCKING raises nothing for the next bounce —
// and crossing back down is its own change.

import {
  complaintLevel,
  zoneFor,
  type BenchmarkKey,
  type BenchmarkThresholds,
  type BenchmarkZone,
  type RateCounts,
} from "./benchmarks";

export const ALERT_KINDS = [
  "BOUNCE_RATE_WARNING",
  "BOUNCE_RATE_BLOCKING",
  "BOUNCE_RATE_RECOVERED",
  "COMPLAINT_RATE_WARNING",
  "COMPLAINT_RATE_CRITICAL",
  "COMPLAINT_RATE_RECOVERED",
  "SENDER_AUTHENTICATION_FAILURES",
  "BLOCKLIST_REJECTIONS",
  "CATCH_ALL_BLOCKS",
  "DNS_AUTHENTICATION_REGRESSED",
  "WARMUP_RAMP_EXCEEDED",
  "WEBHOOK_ENDPOINT_DISABLED",
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export const ALERT_SEVERITIES = ["INFO", "WARNING", "CRITICAL"] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

export function severityRank(s: AlertSeverity): number {
  return ALERT_SEVERITIES.indexOf(s);
}

export interface AlertSubjectRef {
  campaignId: string | null;
  inboxId: string | null;
  domainId: string | null;
}

export interface AlertDraft extends AlertSubjectRef {
  kind: AlertKind;
  severity: AlertSeverity;
  message: string;
  action: string;
  /** Counts, rates, thresholds and whatever tipped it, for the client to show. */
  evidence: Record<string, unknown>;
  /** The rule recommends pausing the campaign (BLOCKING bounce rate). */
  recommendPause: boolean;
}

/** A rule's state for one subject moved from `from` to `to`; `alert` is what to raise, if anything. */
export interface StateChange {
  subject: string;
  rule: string;
  from: string | null;
  to: string;
  alert: AlertDraft | null;
}

const ZONE_RANK: Record<string, number> = { ACCEPTABLE: 0, WARNING: 1, BLOCKING: 2 };

function pct(events: number, sent: number): string {
  return sent === 0 ? "0 %" : `${((events / sent) * 100).toFixed(2)} %`;
}

function scopeLabel(scope: "campaign" | "inbox", name: string, key: BenchmarkKey): string {
  const who = key === "OVERALL" ? "overall" : `for ${key[0]}${key.slice(1).toLowerCase()} recipients`;
  return `The ${scope} "${name}" ${who}`;
}

export interface ZoneInput extends AlertSubjectRef {
  scope: "campaign" | "inbox";
  /** Display name of the campaign or inbox. */
  name: string;
  /** Stable subject key, e.g. "campaign:<uuid>". */
  subject: string;
  /** Hard bounces and sends per benchmark key (OVERALL and each provider). */
  counts: Partial<Record<BenchmarkKey, RateCounts>>;
  thresholds: BenchmarkThresholds;
  minSends: number;
  /** Last zone each key was in, by key; absent means ACCEPTABLE (nothing raised yet). */
  previous: Partial<Record<BenchmarkKey, string>>;
  /** The bounces that tipped it (ids), for evidence. */
  recentEventIds?: string[];
}

/**
 * Bounce-rate zones per provider and overall. INSUFFICIENT_DATA keeps the last state: too
 * few sends is not news. Entering WARNING or BLOCKING raises an alert; moving down raises a
 * recovery (INFO).
 */
export function bounceZoneChanges(input: ZoneInput): StateChange[] {
  const changes: StateChange[] = [];
  for (const [key, counts] of Object.entries(input.counts) as Array<[BenchmarkKey, RateCounts]>) {
    const thresholds = input.thresholds[key];
    const zone: BenchmarkZone = zoneFor(counts, thresholds, input.minSends);
    if (zone === "INSUFFICIENT_DATA") continue;
    const from = input.previous[key] ?? "ACCEPTABLE";
    if (from === zone) continue;
    const rule = `bounce-zone:${key}`;
    const up = ZONE_RANK[zone] > (ZONE_RANK[from] ?? 0);
    const label = scopeLabel(input.scope, input.name, key);
    const rate = pct(counts.events, counts.sent);
    const evidence = {
      provider: key,
      zone,
      previousZone: from,
      sent: counts.sent,
      hardBounces: counts.events,
      rate: counts.sent ? counts.events / counts.sent : 0,
      thresholds,
      tippingEventIds: input.recentEventIds ?? [],
    };
    const ref = { campaignId: input.campaignId, inboxId: input.inboxId, domainId: input.domainId };
    let alert: AlertDraft;
    if (up && zone === "BLOCKING") {
      alert = {
        ...ref,
        kind: "BOUNCE_RATE_BLOCKING",
        severity: "CRITICAL",
        message: `${label} has a hard-bounce rate of ${rate} (${counts.events} of ${counts.sent}), above the ${thresholds.blockingAbovePercent} % blocking threshold.`,
        action: `Pause the ${input.scope} and investigate: verify and clean the recipient list, check SPF/DKIM/DMARC and blocklists before sending again.`,
        evidence,
        recommendPause: input.scope === "campaign",
      };
    } else if (up) {
      alert = {
        ...ref,
        kind: "BOUNCE_RATE_WARNING",
        severity: "WARNING",
        message: `${label} has a hard-bounce rate of ${rate} (${counts.events} of ${counts.sent}), at or above the ${thresholds.warningFromPercent} % warning threshold.`,
        action: "Slow down and verify the remaining recipients before sending more; remove invalid addresses.",
        evidence,
        recommendPause: false,
      };
    } else {
      alert = {
        ...ref,
        kind: "BOUNCE_RATE_RECOVERED",
        severity: "INFO",
        message: `${label} is back in the ${zone} zone at ${rate} (${counts.events} of ${counts.sent}).`,
        action:
          zone === "ACCEPTABLE"
            ? "No action needed; keep verifying lists before sending."
            : "Keep the volume down until the rate is below the warning threshold.",
        evidence,
        recommendPause: false,
      };
    }
    changes.push({ subject: input.subject, rule, from: input.previous[key] ?? null, to: zone, alert });
  }
  return changes;
}

export interface ComplaintInput extends AlertSubjectRef {
  name: string;
  subject: string;
  counts: RateCounts;
  minSends: number;
  previous: string | null;
}

/** Spam-complaint rate above 0.1 % (WARNING) and at or above 0.3 % (CRITICAL). */
export function complaintChanges(input: ComplaintInput): StateChange[] {
  const level = complaintLevel(input.counts, input.minSends);
  if (level === "INSUFFICIENT_DATA") return [];
  const from = input.previous ?? "ACCEPTABLE";
  if (from === level) return [];
  const up = ZONE_RANK[level] > (ZONE_RANK[from] ?? 0);
  const rate = pct(input.counts.events, input.counts.sent);
  const ref = { campaignId: input.campaignId, inboxId: input.inboxId, domainId: input.domainId };
  const evidence = {
    complaints: input.counts.events,
    sent: input.counts.sent,
    rate: input.counts.events / input.counts.sent,
    level,
    previousLevel: from,
  };
  let alert: AlertDraft;
  if (up && level === "BLOCKING") {
    alert = {
      ...ref,
      kind: "COMPLAINT_RATE_CRITICAL",
      severity: "CRITICAL",
      message: `The campaign "${input.name}" has a spam-complaint rate of ${rate}, at or above the 0.3 % ceiling mailbox providers enforce.`,
      action:
        "Stop sending to this audience; review targeting, consent and content; make one-click unsubscribe prominent.",
      evidence,
      recommendPause: true,
    };
  } else if (up) {
    alert = {
      ...ref,
      kind: "COMPLAINT_RATE_WARNING",
      severity: "WARNING",
      message: `The campaign "${input.name}" has a spam-complaint rate of ${rate}, above the 0.1 % that Gmail and Yahoo ask senders to stay under.`,
      action: "Tighten targeting and make unsubscribing easy before sending more.",
      evidence,
      recommendPause: false,
    };
  } else {
    alert = {
      ...ref,
      kind: "COMPLAINT_RATE_RECOVERED",
      severity: "INFO",
      message: `The campaign "${input.name}" complaint rate is back down to ${rate}.`,
      action: "No action needed.",
      evidence,
      recommendPause: false,
    };
  }
  return [{ subject: input.subject, rule: "complaint-rate", from: input.previous, to: level, alert }];
}

/** Recent events of one campaign that matter to the burst rules, counted over a window. */
export interface RecentFaultCounts {
  authFailures: number;
  blocklistRejections: number;
  catchAllBlocks: number;
  windowHours: number;
}

export const BURST_THRESHOLDS = { authFailures: 3, blocklistRejections: 3, catchAllBlocks: 5 } as const;

/**
 * Whether an event counts toward a burst rule (the counts bounceService.recentFaultCounts
 * makes). A batch with none of these cannot raise a burst, so its counts need not be read.
 */
export function countsTowardBurst(e: {
  fault: string | null;
  reason: string;
  status: string | null;
  variant: string | null;
}): boolean {
  return (
    e.fault === "SENDER_AUTHENTICATION" ||
    e.fault === "SENDER_REPUTATION" ||
    e.reason === "blocked" ||
    e.reason === "badreputation" ||
    e.status === "5.4.1" ||
    e.variant === "CATCH_ALL_BLOCK"
  );
}

export interface BurstInput extends AlertSubjectRef {
  name: string;
  subject: string;
  counts: RecentFaultCounts;
  previous: Partial<Record<"auth" | "blocklist" | "catch-all", string>>;
  exampleEventIds?: string[];
}

/**
 * Bursts of sender-side rejections within the window: authentication failures (SPF, DKIM,
 * DMARC, 5.7.26), blocklist or reputation blocks (5.4.1, blocked, badreputation) and
 * catch-all blocks. FIRING when the count reaches the threshold, QUIET when it falls below;
 * only going FIRING raises an alert.
 */
export function burstChanges(input: BurstInput): StateChange[] {
  const ref = { campaignId: input.campaignId, inboxId: input.inboxId, domainId: input.domainId };
  const specs = [
    {
      key: "auth" as const,
      count: input.counts.authFailures,
      threshold: BURST_THRESHOLDS.authFailures,
      kind: "SENDER_AUTHENTICATION_FAILURES" as const,
      severity: "CRITICAL" as const,
      message: (n: number) =>
        `${n} recipients of "${input.name}" rejected mail for failed authentication (SPF, DKIM or DMARC) in the last ${input.counts.windowHours} hours.`,
      action:
        "Check SPF, DKIM and DMARC for the sending domain (refreshDomainAuth), and that every sending IP is in SPF. These rejections do not suppress recipients.",
    },
    {
      key: "blocklist" as const,
      count: input.counts.blocklistRejections,
      threshold: BURST_THRESHOLDS.blocklistRejections,
      kind: "BLOCKLIST_REJECTIONS" as const,
      severity: "CRITICAL" as const,
      message: (n: number) =>
        `${n} recipients of "${input.name}" rejected mail because the sending IP or domain is blocked or has a poor reputation, in the last ${input.counts.windowHours} hours.`,
      action:
        "Check the domain and IPs against blocklists and follow each list's delisting process; reduce volume meanwhile. Recipients are not suppressed for this.",
    },
    {
      key: "catch-all" as const,
      count: input.counts.catchAllBlocks,
      threshold: BURST_THRESHOLDS.catchAllBlocks,
      kind: "CATCH_ALL_BLOCKS" as const,
      severity: "WARNING" as const,
      message: (n: number) =>
        `${n} recipients of "${input.name}" answered a bare "550 permanent failure" in the last ${input.counts.windowHours} hours: several weak signals together.`,
      action: "Warm up further, check all authentication and reduce volume.",
    },
  ];
  const changes: StateChange[] = [];
  for (const s of specs) {
    const to = s.count >= s.threshold ? "FIRING" : "QUIET";
    const from = input.previous[s.key] ?? "QUIET";
    if (to === from) continue;
    changes.push({
      subject: input.subject,
      rule: `burst:${s.key}`,
      from: input.previous[s.key] ?? null,
      to,
      alert:
        to === "FIRING"
          ? {
              ...ref,
              kind: s.kind,
              severity: s.severity,
              message: s.message(s.count),
              action: s.action,
              evidence: {
                count: s.count,
                threshold: s.threshold,
                windowHours: input.counts.windowHours,
                exampleEventIds: input.exampleEventIds ?? [],
              },
              recommendPause: false,
            }
          : null,
    });
  }
  return changes;
}

export interface AuthCheckStatus {
  id: string;
  status: "PASS" | "WARN" | "FAIL";
}

const STATUS_RANK = { PASS: 0, WARN: 1, FAIL: 2 } as const;

/** A domain's DNS authentication got worse: any check moved PASS→WARN/FAIL or WARN→FAIL. */
export function authRegression(
  domain: { domainId: string; name: string },
  previous: readonly AuthCheckStatus[] | null,
  current: readonly AuthCheckStatus[],
): AlertDraft | null {
  if (!previous) return null;
  const before = new Map(previous.map((c) => [c.id, c.status]));
  const worse = current.filter((c) => before.has(c.id) && STATUS_RANK[c.status] > STATUS_RANK[before.get(c.id)!]);
  if (worse.length === 0) return null;
  const failed = worse.some((c) => c.status === "FAIL");
  return {
    campaignId: null,
    inboxId: null,
    domainId: domain.domainId,
    kind: "DNS_AUTHENTICATION_REGRESSED",
    severity: failed ? "CRITICAL" : "WARNING",
    message: `DNS authentication of ${domain.name} got worse: ${worse.map((c) => `${c.id} ${before.get(c.id)} → ${c.status}`).join(", ")}.`,
    action: "Open the domain's authentication report, apply each check's fix, then refresh the audit.",
    evidence: { regressed: worse.map((c) => ({ check: c.id, from: before.get(c.id), to: c.status })) },
    recommendPause: false,
  };
}

/** An inbox sent more today than its warm-up ramp allows. */
export function rampExceeded(
  inbox: { inboxId: string; domainId: string; address: string },
  sentToday: number,
  limit: number,
  stage: string,
): AlertDraft | null {
  if (sentToday <= limit) return null;
  return {
    campaignId: null,
    inboxId: inbox.inboxId,
    domainId: inbox.domainId,
    kind: "WARMUP_RAMP_EXCEEDED",
    severity: "WARNING",
    message: `The inbox ${inbox.address} has sent ${sentToday} messages today, above the ${limit} its warm-up stage (${stage}) allows.`,
    action: `Hold further sends from this inbox today; keep to ${limit} a day until the ramp moves on.`,
    evidence: { sentToday, limit, stage },
    recommendPause: false,
  };
}
