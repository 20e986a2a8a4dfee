// The pre-send checklist (DESIGN.md): every item must hold before a campaign goes out.
// Inputs are plain data the shell has gathered; each item carries the evidence it was
// judged on and, when it fails, the action that fixes it.

import { isBelowPercent } from "./benchmarks";
import type { CheckStatus } from "./dns/check-result";
import {
  checkRamp,
  domainAge,
  warmupStage,
  COLD_EMAIL_DAILY_RISK,
  MIN_DOMAIN_AGE_DAYS,
  MIN_WARMUP_DAYS,
} from "./warmup";

export type ChecklistItemId =
  | "DOMAIN_AGE"
  | "SPF"
  | "DKIM"
  | "DMARC"
  | "INBOX_WARMUP"
  | "VOLUME_WITHIN_RAMP"
  | "NOT_BLOCKLISTED"
  | "RECIPIENT_LIST_VERIFIED"
  | "PREVIOUS_BOUNCE_RATE";

export interface ChecklistItem {
  id: ChecklistItemId;
  passed: boolean;
  /** What the judgement rests on, e.g. "example.com was registered 9 days ago". */
  evidence: string;
  /** What to do; null when the item passed. */
  action: string | null;
}

export interface Checklist {
  /** True only when every item passed. */
  ready: boolean;
  items: ChecklistItem[];
}

export interface ChecklistInput {
  now: Date;
  domain: { name: string; registeredAt: Date | null };
  /** Latest audit status per protocol; null when never audited. WARN counts as passing. */
  authentication: { spf: CheckStatus | null; dkim: CheckStatus | null; dmarc: CheckStatus | null };
  /** The campaign's sending inboxes and how much each is planned to send per day. */
  inboxes: ReadonlyArray<{
    address: string;
    warmupStartedAt: Date | null;
    dailyLimit: number;
    plannedDailyVolume: number;
  }>;
  /** Blocklist listings of the domain and sending IPs; null when never looked up. */
  blocklistHits: ReadonlyArray<{ target: string; zone: string }> | null;
  /** The last recipient check; null when the list was never checked. */
  recipientList: { checked: number; invalidRemaining: number; unchecked: number } | null;
  /** The previous campaign from this domain; null when this is the first. */
  previousCampaign: { name: string; sent: number; hardBounces: number } | null;
}

/** The previous campaign must stay below this hard-bounce rate. */
export const PREVIOUS_BOUNCE_LIMIT_PERCENT = 3;

function item(id: ChecklistItemId, passed: boolean, evidence: string, action: string): ChecklistItem {
  return { id, passed, evidence, action: passed ? null : action };
}

function authItem(id: "SPF" | "DKIM" | "DMARC", status: CheckStatus | null, domain: string): ChecklistItem {
  if (status === null) {
    return item(
      id,
      false,
      `${id} of ${domain} has not been checked`,
      `Run the DNS audit (refreshDomainAuth) for ${domain}.`,
    );
  }
  const evidence =
    status === "PASS"
      ? `${id} of ${domain} passes`
      : status === "WARN"
        ? `${id} of ${domain} passes with warnings`
        : `${id} of ${domain} fails`;
  return item(id, status !== "FAIL", evidence, `Fix ${id} for ${domain}: see the domain's authentication report.`);
}

export function preSendChecklist(input: ChecklistInput): Checklist {
  const { now, domain } = input;
  const items: ChecklistItem[] = [];

  const age = domainAge(domain.registeredAt, now);
  items.push(
    item(
      "DOMAIN_AGE",
      age.readyForOutreach,
      age.ageDays === null
        ? `the registration date of ${domain.name} is unknown`
        : `${domain.name} was registered ${age.ageDays} days ago`,
      age.ageDays === null
        ? `Record when ${domain.name} was registered; outreach waits until it is ${MIN_DOMAIN_AGE_DAYS} days old.`
        : `Wait ${MIN_DOMAIN_AGE_DAYS - age.ageDays} more days before outreach from ${domain.name}.`,
    ),
  );

  items.push(authItem("SPF", input.authentication.spf, domain.name));
  items.push(authItem("DKIM", input.authentication.dkim, domain.name));
  items.push(authItem("DMARC", input.authentication.dmarc, domain.name));

  const stages = input.inboxes.map((i) => ({ inbox: i, stage: warmupStage(i.warmupStartedAt, now, i.dailyLimit) }));
  const cold = stages.filter((s) => !s.stage.warmedEnough);
  items.push(
    item(
      "INBOX_WARMUP",
      input.inboxes.length > 0 && cold.length === 0,
      input.inboxes.length === 0
        ? "the campaign has no sending inbox"
        : cold.length === 0
          ? `all ${input.inboxes.length} inboxes warmed for at least ${MIN_WARMUP_DAYS} days`
          : cold
              .map(
                (s) =>
                  `${s.inbox.address}: ${s.stage.warmupDays === null ? "warm-up not started" : `warming for ${s.stage.warmupDays} days`}`,
              )
              .join("; "),
      input.inboxes.length === 0
        ? "Add a warmed inbox to the campaign."
        : `Keep warming ${cold.map((s) => s.inbox.address).join(", ")} until ${MIN_WARMUP_DAYS} days.`,
    ),
  );

  const ramps = input.inboxes.map((i) => ({
    inbox: i,
    ramp: checkRamp(i.plannedDailyVolume, i.warmupStartedAt, now, i.dailyLimit),
  }));
  const over = ramps.filter((r) => r.ramp.exceeded);
  const risky = input.inboxes.filter((i) => i.plannedDailyVolume > COLD_EMAIL_DAILY_RISK);
  items.push(
    item(
      "VOLUME_WITHIN_RAMP",
      over.length === 0,
      [
        over.length === 0
          ? "planned volume is within every inbox's ramp"
          : over
              .map((r) => `${r.inbox.address} plans ${r.inbox.plannedDailyVolume}/day, ramp allows ${r.ramp.limit}`)
              .join("; "),
        ...(risky.length > 0
          ? [`over ${COLD_EMAIL_DAILY_RISK}/day from one inbox is a risk: ${risky.map((i) => i.address).join(", ")}`]
          : []),
      ].join("; "),
      `Lower the daily volume to the ramp, or spread it over more warmed inboxes.`,
    ),
  );

  const hits = input.blocklistHits;
  items.push(
    item(
      "NOT_BLOCKLISTED",
      hits !== null && hits.length === 0,
      hits === null
        ? "blocklists have not been checked"
        : hits.length === 0
          ? "the domain and sending IPs are on no checked blocklist"
          : hits.map((h) => `${h.target} is listed on ${h.zone}`).join("; "),
      hits === null
        ? "Run the DNS audit to check the blocklists."
        : "Fix the cause of the listing, then follow each list's delisting procedure.",
    ),
  );

  const list = input.recipientList;
  items.push(
    item(
      "RECIPIENT_LIST_VERIFIED",
      list !== null && list.invalidRemaining === 0 && list.unchecked === 0,
      list === null
        ? "the recipient list has not been checked"
        : `${list.checked} recipients checked, ${list.invalidRemaining} invalid still on the list, ${list.unchecked} not checked`,
      list === null || list.unchecked > 0
        ? "Check the recipient list (checkRecipients) and remove invalid addresses."
        : "Remove the invalid addresses from the list.",
    ),
  );

  const prev = input.previousCampaign;
  const prevOk =
    prev === null ||
    prev.sent === 0 ||
    isBelowPercent({ events: prev.hardBounces, sent: prev.sent }, PREVIOUS_BOUNCE_LIMIT_PERCENT);
  items.push(
    item(
      "PREVIOUS_BOUNCE_RATE",
      prevOk,
      prev === null
        ? "no previous campaign"
        : prev.sent === 0
          ? `previous campaign "${prev.name}" sent nothing`
          : `previous campaign "${prev.name}": ${prev.hardBounces} hard bounces of ${prev.sent} sent (${((prev.hardBounces / prev.sent) * 100).toFixed(2)} %)`,
      `Find why the previous campaign bounced (list quality, authentication) before sending again; it must stay below ${PREVIOUS_BOUNCE_LIMIT_PERCENT} %.`,
    ),
  );

  return { ready: items.every((i) => i.passed), items };
}
