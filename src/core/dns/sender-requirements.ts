// The bulk-sender rules of Google and Yahoo (February 2024) and Microsoft's Outlook.com
// (May 2025), as DESIGN.md states them, judged from audit results and volumes: each
// requirement met, not met, or unknown (when the input needed to judge it wasn't given).

import { complaintLevel, isBelowPercent, type RateCounts } from "../benchmarks";
import type { CheckStatus } from "./check-result";
import { BULK_SENDER_DAILY_VOLUME, type DmarcPolicy } from "./dmarc-record";

export type MailboxOperator = "GOOGLE" | "MICROSOFT" | "YAHOO";
export type RequirementStatus = "MET" | "NOT_MET" | "UNKNOWN";

export interface Requirement {
  id:
    | "SPF"
    | "DKIM"
    | "SPF_OR_DKIM"
    | "SPF_AND_DKIM"
    | "DMARC_RECORD"
    | "DMARC_ENFORCED"
    | "DMARC_ALIGNMENT"
    | "PTR"
    | "ONE_CLICK_UNSUBSCRIBE"
    | "COMPLAINT_RATE"
    | "BOUNCE_RATE";
  description: string;
  status: RequirementStatus;
  /** Why it is met, not met, or unknown, in plain words. */
  why: string;
}

export interface ProviderRequirements {
  provider: MailboxOperator;
  /** At or above 5,000 messages a day: the bulk rules apply. */
  bulkSender: boolean;
  /** Every requirement MET (UNKNOWN counts as not met). */
  met: boolean;
  requirements: Requirement[];
}

export interface SenderRequirementsInput {
  /** Overall SPF status of the domain and whether every sending IP passed (null: no IPs given). */
  spf: { status: CheckStatus; sendingIpsAuthorized: boolean | null };
  /** Best DKIM status across the domain's selectors (null when none of the tenant's selectors was given and no common one had a key). */
  dkim: CheckStatus | null;
  dmarc: { status: CheckStatus; policy: DmarcPolicy | null };
  /** Alignment of the From domain with Return-Path (SPF) and DKIM d=; null when not configured. */
  alignment: { spf: boolean | null; dkim: boolean | null };
  /** Every sending IP has forward-confirmed reverse DNS; null when no IPs were given. */
  ptrConfirmed: boolean | null;
  /** Messages a day to these providers; null when unknown (treated as below bulk). */
  dailyVolume: number | null;
  complaints?: RateCounts | null;
  bounces?: RateCounts | null;
  oneClickUnsubscribe?: boolean | null;
}

const req = (id: Requirement["id"], description: string, status: RequirementStatus, why: string): Requirement => ({
  id,
  description,
  status,
  why,
});
const ok = (s: CheckStatus | null | undefined) => s === "PASS" || s === "WARN";

function spfReq(i: SenderRequirementsInput): Requirement {
  const passing = ok(i.spf.status) && i.spf.sendingIpsAuthorized !== false;
  return req(
    "SPF",
    "SPF record that authorises the sending servers",
    passing ? "MET" : "NOT_MET",
    passing
      ? i.spf.sendingIpsAuthorized === null
        ? "the SPF record is valid (no sending IPs given to test)"
        : "the SPF record is valid and authorises every sending IP"
      : ok(i.spf.status)
        ? "a sending IP is not authorised by the SPF record"
        : "the SPF record is missing or broken",
  );
}

function dkimReq(i: SenderRequirementsInput): Requirement {
  // The key may sit under a selector nobody named: unknown, not missing.
  if (i.dkim === null)
    return req(
      "DKIM",
      "DKIM signing with a published key",
      "UNKNOWN",
      "no key at any of the common selectors tried, and no selector of yours was given to check (--selector, or the domain's DKIM selectors)",
    );
  return req(
    "DKIM",
    "DKIM signing with a published key",
    ok(i.dkim) ? "MET" : "NOT_MET",
    ok(i.dkim) ? "a valid DKIM key is published" : "no valid DKIM key was found",
  );
}

function alignmentReq(i: SenderRequirementsInput): Requirement {
  const { spf, dkim } = i.alignment;
  if (spf === null && dkim === null)
    return req(
      "DMARC_ALIGNMENT",
      "From domain aligned with SPF or DKIM",
      "UNKNOWN",
      "no Return-Path or DKIM domain was given",
    );
  const met = spf === true || dkim === true;
  return req(
    "DMARC_ALIGNMENT",
    "From domain aligned with SPF or DKIM",
    met ? "MET" : "NOT_MET",
    met
      ? `the From domain aligns with ${[spf ? "the Return-Path (SPF)" : null, dkim ? "the DKIM d= domain" : null].filter(Boolean).join(" and ")}`
      : "the From domain aligns with neither the Return-Path nor the DKIM d= domain",
  );
}

function ptrReq(i: SenderRequirementsInput): Requirement {
  if (i.ptrConfirmed === null)
    return req("PTR", "Sending IPs have forward-confirmed reverse DNS", "UNKNOWN", "no sending IPs were given");
  return req(
    "PTR",
    "Sending IPs have forward-confirmed reverse DNS",
    i.ptrConfirmed ? "MET" : "NOT_MET",
    i.ptrConfirmed
      ? "every sending IP has a PTR name that resolves back to it"
      : "a sending IP lacks a PTR record, or its name doesn't resolve back to it",
  );
}

function complaintReq(i: SenderRequirementsInput): Requirement {
  const d = "Spam complaint rate below 0.3 % (aim below 0.1 %)";
  if (!i.complaints) return req("COMPLAINT_RATE", d, "UNKNOWN", "no complaint counts were given");
  const level = complaintLevel(i.complaints);
  if (level === "INSUFFICIENT_DATA")
    return req("COMPLAINT_RATE", d, "UNKNOWN", "too few messages to judge the complaint rate");
  return req(
    "COMPLAINT_RATE",
    d,
    level === "BLOCKING" ? "NOT_MET" : "MET",
    level === "ACCEPTABLE"
      ? "complaints are below 0.1 %"
      : level === "WARNING"
        ? "complaints are between 0.1 % and 0.3 %: allowed, but reduce them"
        : "complaints are at or above 0.3 %",
  );
}

function bounceReq(i: SenderRequirementsInput): Requirement {
  const d = "Bounce rate below 5 %";
  if (!i.bounces || i.bounces.sent === 0) return req("BOUNCE_RATE", d, "UNKNOWN", "no bounce counts were given");
  const met = isBelowPercent(i.bounces, 5);
  return req(
    "BOUNCE_RATE",
    d,
    met ? "MET" : "NOT_MET",
    met ? "hard bounces are below 5 % of sends" : "hard bounces are at or above 5 % of sends",
  );
}

function unsubscribeReq(i: SenderRequirementsInput): Requirement {
  const d = "One-click unsubscribe (RFC 8058 List-Unsubscribe-Post)";
  if (i.oneClickUnsubscribe === undefined || i.oneClickUnsubscribe === null)
    return req(
      "ONE_CLICK_UNSUBSCRIBE",
      d,
      "UNKNOWN",
      "whether messages carry one-click unsubscribe headers isn't known",
    );
  return req(
    "ONE_CLICK_UNSUBSCRIBE",
    d,
    i.oneClickUnsubscribe ? "MET" : "NOT_MET",
    i.oneClickUnsubscribe
      ? "messages carry List-Unsubscribe and List-Unsubscribe-Post"
      : "messages lack one-click unsubscribe headers",
  );
}

function dmarcRecordReq(i: SenderRequirementsInput): Requirement {
  const has = i.dmarc.policy !== null;
  return req(
    "DMARC_RECORD",
    "A valid DMARC record (p=none at least)",
    has ? "MET" : "NOT_MET",
    has ? `DMARC is published with p=${i.dmarc.policy}` : "there is no valid DMARC record",
  );
}

function dmarcEnforcedReq(i: SenderRequirementsInput): Requirement {
  const p = i.dmarc.policy;
  const met = p === "quarantine" || p === "reject";
  return req(
    "DMARC_ENFORCED",
    "DMARC policy quarantine or reject (bulk senders)",
    met ? "MET" : "NOT_MET",
    met ? `p=${p}` : p === null ? "there is no valid DMARC record" : "p=none does not enforce anything",
  );
}

/** Requirements per provider; the bulk rules switch on at 5,000 messages a day. */
export function senderRequirements(input: SenderRequirementsInput): ProviderRequirements[] {
  const bulk = (input.dailyVolume ?? 0) >= BULK_SENDER_DAILY_VOLUME;
  const spf = spfReq(input);
  const dkim = dkimReq(input);
  const eitherOrBoth: Requirement = bulk
    ? req(
        "SPF_AND_DKIM",
        "Both SPF and DKIM (bulk senders)",
        spf.status === "MET" && dkim.status === "MET" ? "MET" : "NOT_MET",
        `SPF: ${spf.why}; DKIM: ${dkim.why}`,
      )
    : req(
        "SPF_OR_DKIM",
        "SPF or DKIM",
        spf.status === "MET" || dkim.status === "MET" ? "MET" : "NOT_MET",
        `SPF: ${spf.why}; DKIM: ${dkim.why}`,
      );
  const common = [eitherOrBoth, ptrReq(input), complaintReq(input), bounceReq(input)];
  const googleYahooBulk = bulk
    ? [dmarcRecordReq(input), dmarcEnforcedReq(input), alignmentReq(input), unsubscribeReq(input)]
    : [];
  const microsoft = bulk
    ? [
        spf,
        dkim,
        dmarcRecordReq(input),
        alignmentReq(input),
        ptrReq(input),
        complaintReq(input),
        bounceReq(input),
        unsubscribeReq(input),
      ]
    : common;
  const result = (provider: MailboxOperator, requirements: Requirement[]): ProviderRequirements => ({
    provider,
    bulkSender: bulk,
    met: requirements.every((r) => r.status === "MET"),
    requirements,
  });
  return [
    result("GOOGLE", [...common, ...googleYahooBulk]),
    result("YAHOO", [...common, ...googleYahooBulk]),
    result("MICROSOFT", microsoft),
  ];
}
