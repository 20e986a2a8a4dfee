// Pure shaping of health data for the API: counters -> stats, benchmark rows and zones;
// a stored audit + per-inbox alignment -> the report Domain.authentication shows; gathered
// facts -> the pre-send checklist's input. No database, DNS or clock here (now is an
// argument), so every rule is unit-tested without I/O. Decisions stay in src/core.

import {
  complaintLevel,
  healthVerdict,
  rateOf,
  type BenchmarkRow,
  type HealthVerdict,
  type BenchmarkThresholds,
  type BenchmarkZone,
} from "../../core/benchmarks";
import type { ChecklistInput } from "../../core/checklist";
import { checkAlignment, isAligned } from "../../core/dns/alignment";
import { worstStatus, type CheckResult, type CheckStatus } from "../../core/dns/check-result";
import {
  senderRequirements,
  type ProviderRequirements,
  type SenderRequirementsInput,
} from "../../core/dns/sender-requirements";
import { MAILBOX_PROVIDERS } from "../../core/providers";
import type { DomainAuditReport } from "../../platform/dns/audit";
import type { CounterWindow, DeliveryCounts, DeliveryTotals } from "../delivery";
import type { HealthWindow } from "./health.enums";

// ---- windows ----------------------------------------------------------------------------

export const WINDOW_DAYS: Record<HealthWindow, number> = { DAYS_1: 1, DAYS_7: 7, DAYS_30: 30 };

/** The counters' window for a rolling window of whole UTC days ending today (inclusive). */
export function counterWindow(window: HealthWindow, now: Date): CounterWindow {
  const since = new Date(
    Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - (WINDOW_DAYS[window] - 1)),
  );
  return { since, until: now };
}

// ---- stats and benchmarks --------------------------------------------------------------

export interface DeliveryStatsView extends DeliveryCounts {
  /** hardBounces / sent as a fraction (0.03 = 3 %); null when nothing was sent. Display only. */
  hardBounceRate: number | null;
  complaintRate: number | null;
  complaintLevel: BenchmarkZone;
  pauseRecommended: boolean;
}

/**
 * The verdict of one totals object (zones and the pause recommendation, core/healthVerdict),
 * made once: a dashboard asks stats, benchmarks and zone of the same totals.
 */
const verdicts = new WeakMap<
  DeliveryTotals,
  { thresholds: BenchmarkThresholds; minSends: number; sent: number; hard: number; verdict: HealthVerdict }
>();

export function verdictOf(totals: DeliveryTotals, thresholds: BenchmarkThresholds, minSends: number): HealthVerdict {
  const known = verdicts.get(totals);
  const { sent, hardBounces: hard } = totals.total;
  if (known?.thresholds === thresholds && known.minSends === minSends && known.sent === sent && known.hard === hard)
    return known.verdict;
  const verdict = healthVerdict(totals, MAILBOX_PROVIDERS, thresholds, minSends);
  verdicts.set(totals, { thresholds, minSends, sent, hard, verdict });
  return verdict;
}

export function statsView(
  totals: DeliveryTotals,
  thresholds: BenchmarkThresholds,
  minSends: number,
): DeliveryStatsView {
  const t = totals.total;
  // Every field written out: V8 builds `{ ...t, more }` through a slow path (about 5 µs a
  // call here, 20 times this literal), and a dashboard page makes 50 of these per request.
  return {
    sent: t.sent,
    delivered: t.delivered,
    hardBounces: t.hardBounces,
    softBounces: t.softBounces,
    complaints: t.complaints,
    hardBounceRate: rateOf({ events: t.hardBounces, sent: t.sent }),
    complaintRate: rateOf({ events: t.complaints, sent: t.sent }),
    complaintLevel: complaintLevel({ events: t.complaints, sent: t.sent }, minSends),
    pauseRecommended: verdictOf(totals, thresholds, minSends).pauseRecommended,
  };
}

/** One row per recipient provider, always all of them (zeros are INSUFFICIENT_DATA), in a fixed order. */
export function benchmarksView(
  totals: DeliveryTotals,
  thresholds: BenchmarkThresholds,
  minSends: number,
): BenchmarkRow[] {
  return verdictOf(totals, thresholds, minSends).benchmarks;
}

/** The whole campaign / inbox / domain on the general industry thresholds. */
export function zoneView(totals: DeliveryTotals, thresholds: BenchmarkThresholds, minSends: number): BenchmarkZone {
  return verdictOf(totals, thresholds, minSends).zone;
}

// ---- DNS audit ---------------------------------------------------------------------------

export interface InboxAlignmentFacts {
  address: string;
  returnPathDomain: string | null;
  dkimDomain: string | null;
}

/** What is stored per domain: the report as shown, and the requirement inputs recomputed at read time with live counts. */
export interface StoredAudit {
  report: DomainAuditReport;
  requirementsInput: Omit<SenderRequirementsInput, "complaints" | "bounces">;
  /** What the audit was asked: sending IPs, configured selectors. */
  options: { sendingIps: string[]; selectors: string[] };
}

/**
 * Adds per-inbox alignment to a report made without it (auditDomain judges one Return-Path
 * and one DKIM domain; a domain has several inboxes, each configured on its own). Check ids
 * become alignment.spf.<address> / alignment.dkim.<address>. Alignment is met for the
 * sender requirements when every inbox that configured a domain aligns.
 */
export function withInboxAlignment(
  report: DomainAuditReport,
  inboxes: readonly InboxAlignmentFacts[],
  dailyVolume: number | null,
  options: StoredAudit["options"],
): StoredAudit {
  const aspf = report.dmarc.record?.aspf ?? "r";
  const adkim = report.dmarc.record?.adkim ?? "r";
  const sorted = [...inboxes].sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  const alignment: CheckResult[] = sorted.flatMap((inbox) =>
    checkAlignment({
      fromDomain: report.domain,
      returnPathDomain: inbox.returnPathDomain,
      dkimDomain: inbox.dkimDomain,
      aspf,
      adkim,
    }).map((c) => ({
      ...c,
      id: `${c.id}.${inbox.address}`,
      record: `${inbox.address}: ${c.record ?? ""}`,
    })),
  );
  const spfConfigured = sorted.filter((i) => i.returnPathDomain);
  const dkimConfigured = sorted.filter((i) => i.dkimDomain);
  const spfAligned =
    spfConfigured.length === 0 ? null : spfConfigured.every((i) => isAligned(report.domain, i.returnPathDomain!, aspf));
  const dkimAligned =
    dkimConfigured.length === 0 ? null : dkimConfigured.every((i) => isAligned(report.domain, i.dkimDomain!, adkim));

  // The audit's own alignment checks (none: it was called without domains) are replaced in place.
  const before = report.spf.checks.length + report.dkim.checks.length + report.dmarc.checks.length;
  const checks = [
    ...report.checks.slice(0, before),
    ...alignment,
    ...report.checks.slice(before + report.alignment.length),
  ];
  const ips = options.sendingIps;
  const requirementsInput: StoredAudit["requirementsInput"] = {
    spf: {
      status: report.spf.status,
      sendingIpsAuthorized: ips.length === 0 ? null : report.spf.authorizedIps.every((a) => a.result === "pass"),
    },
    dkim: report.dkim.selectors.some((s) => s.configured || s.found) ? report.dkim.status : null,
    dmarc: { status: report.dmarc.status, policy: report.dmarc.record?.p ?? null },
    alignment: { spf: spfAligned, dkim: dkimAligned },
    ptrConfirmed: ips.length === 0 ? null : report.ptr.every((p) => p.forwardConfirmed),
    dailyVolume,
  };
  const full: DomainAuditReport = {
    ...report,
    alignment,
    checks,
    status: worstStatus(checks.map((c) => c.status)),
    senderRequirements: senderRequirements(requirementsInput),
  };
  return { report: full, requirementsInput, options };
}

/** Sender requirements with the domain's live bounce and complaint counts (the audit alone can't know them). */
export function requirementsView(stored: StoredAudit, recent: DeliveryCounts | null): ProviderRequirements[] {
  return senderRequirements({
    ...stored.requirementsInput,
    complaints: recent ? { events: recent.complaints, sent: recent.sent } : null,
    bounces: recent ? { events: recent.hardBounces, sent: recent.sent } : null,
  });
}

/** The most a domain sent in one day to the providers whose bulk rules apply (5,000+/day). */
export function peakDailyVolume(days: ReadonlyArray<DeliveryTotals>): number | null {
  if (days.length === 0) return null;
  return Math.max(...days.map((d) => d.byProvider.GMAIL.sent + d.byProvider.YAHOO.sent + d.byProvider.MICROSOFT.sent));
}

/** A DNS-level change for the worse between two audits: a check that got a worse status, or a new failing one. */
export function regressions(previous: DomainAuditReport | null, current: DomainAuditReport): CheckResult[] {
  if (!previous) return [];
  const rank = { PASS: 0, WARN: 1, FAIL: 2 } as const;
  const before = new Map(previous.checks.map((c) => [c.id, c.status]));
  return current.checks.filter((c) => {
    const was = before.get(c.id);
    return was === undefined ? c.status === "FAIL" : rank[c.status] > rank[was];
  });
}

// ---- readiness ---------------------------------------------------------------------------

export interface RecipientCheckSummary {
  checked: number;
  ok: number;
  risky: number;
  invalid: number;
  suppressed: number;
  checkedAt: Date;
}

/** The part of a stored audit the checklist judges on (read without the whole report). */
export interface AuditSummary {
  spf: CheckStatus;
  dkim: CheckStatus;
  dmarc: CheckStatus;
  /** Blocklists that list the domain or a sending IP. */
  blocklistHits: Array<{ target: string; zone: string }>;
}

export function auditSummary(stored: StoredAudit): AuditSummary {
  const r = stored.report;
  return {
    spf: r.spf.status,
    dkim: r.dkim.status,
    dmarc: r.dmarc.status,
    blocklistHits: r.blocklists.filter((b) => b.listed === true).map((b) => ({ target: b.target, zone: b.zone })),
  };
}

export interface ReadinessFacts {
  now: Date;
  domain: { name: string; registeredAt: Date | null };
  audit: AuditSummary | null;
  inboxes: ReadonlyArray<{ address: string; warmupStartedAt: Date | null; dailyLimit: number }>;
  recipientCheck: RecipientCheckSummary | null;
  previousCampaign: { name: string; sent: number; hardBounces: number } | null;
}

/**
 * The checklist's input. Planned daily volume per inbox is what it is set up to send, its
 * daily limit (a sender plans to use the limit it configured; what it already sent today is
 * Inbox.ramp's business). Invalid and suppressed addresses on the last check are still on the list.
 */
export function checklistInput(f: ReadinessFacts): ChecklistInput {
  const audit = f.audit;
  return {
    now: f.now,
    domain: f.domain,
    authentication: { spf: audit?.spf ?? null, dkim: audit?.dkim ?? null, dmarc: audit?.dmarc ?? null },
    inboxes: f.inboxes.map((i) => ({
      address: i.address,
      warmupStartedAt: i.warmupStartedAt,
      dailyLimit: i.dailyLimit,
      plannedDailyVolume: i.dailyLimit,
    })),
    blocklistHits: audit ? audit.blocklistHits : null,
    recipientList: f.recipientCheck
      ? {
          checked: f.recipientCheck.checked,
          invalidRemaining: f.recipientCheck.invalid + f.recipientCheck.suppressed,
          unchecked: 0,
        }
      : null,
    previousCampaign: f.previousCampaign,
  };
}
