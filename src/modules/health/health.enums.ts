import { registerEnumType } from "type-graphql";
import type { BenchmarkKey, BenchmarkZone } from "../../core/benchmarks";
import type { ChecklistItemId } from "../../core/checklist";
import type { CheckStatus } from "../../core/dns/check-result";
import type { MailboxOperator, RequirementStatus, Requirement } from "../../core/dns/sender-requirements";
import type { SpfResult } from "../../core/dns/spf-check-host";
import type { WarmupStageName } from "../../core/warmup";

// GraphQL enums of the health module. Internal values are the core's strings (already
// upper-case), so resolvers pass core results through unchanged.

function enumOf<T extends string>(values: readonly T[]): Record<T, T> {
  return Object.fromEntries(values.map((v) => [v, v])) as Record<T, T>;
}

export const HEALTH_WINDOWS = ["DAYS_1", "DAYS_7", "DAYS_30"] as const;
export type HealthWindow = (typeof HEALTH_WINDOWS)[number];
export const HealthWindowEnum = enumOf(HEALTH_WINDOWS);
registerEnumType(HealthWindowEnum, {
  name: "HealthWindow",
  description: "A rolling window of whole UTC days, today included, over which sends and bounces are counted.",
  valuesConfig: {
    DAYS_1: { description: "Today (UTC)." },
    DAYS_7: { description: "The last 7 UTC days, today included." },
    DAYS_30: { description: "The last 30 UTC days, today included." },
  },
});

export const BENCHMARK_ZONES: readonly BenchmarkZone[] = ["ACCEPTABLE", "WARNING", "BLOCKING", "INSUFFICIENT_DATA"];
export const BenchmarkZoneEnum = enumOf(BENCHMARK_ZONES);
registerEnumType(BenchmarkZoneEnum, {
  name: "BenchmarkZone",
  description: "Where a hard-bounce rate sits against its provider's benchmark.",
  valuesConfig: {
    ACCEPTABLE: { description: "Below the warning bound (e.g. under 3 % for Gmail)." },
    WARNING: {
      description:
        "From the warning bound up to the blocking bound inclusive (e.g. 3–5 % for Gmail): fix the list before it gets worse.",
    },
    BLOCKING: {
      description:
        "Strictly above the blocking bound (e.g. over 5 % for Gmail): the provider is likely to block; pause and investigate.",
    },
    INSUFFICIENT_DATA: { description: "Fewer sends than the tenant's minSendsForZone: too few to judge." },
  },
});

/** Benchmark keys in the order settings list them: each recipient provider, then the whole (OVERALL). */
export const BENCHMARK_KEYS: readonly BenchmarkKey[] = ["GMAIL", "MICROSOFT", "YAHOO", "APPLE", "OTHER", "OVERALL"];

export const CHECK_STATUSES: readonly CheckStatus[] = ["PASS", "WARN", "FAIL"];
export const CheckStatusEnum = enumOf(CHECK_STATUSES);
registerEnumType(CheckStatusEnum, {
  name: "CheckStatus",
  description: "Outcome of a DNS authentication check.",
  valuesConfig: {
    PASS: { description: "Correct." },
    WARN: { description: "Works, but should be improved (see the fix)." },
    FAIL: { description: "Broken or missing: receivers will reject or junk mail (see the problem and the fix)." },
  },
});

export const REQUIREMENT_STATUSES: readonly RequirementStatus[] = ["MET", "NOT_MET", "UNKNOWN"];
export const RequirementStatusEnum = enumOf(REQUIREMENT_STATUSES);
registerEnumType(RequirementStatusEnum, {
  name: "RequirementStatus",
  description: "Whether a mailbox provider's sender requirement is met.",
  valuesConfig: {
    MET: { description: "The requirement is met." },
    NOT_MET: { description: "The requirement is not met (see why)." },
    UNKNOWN: {
      description: "Rebound lacks what it needs to judge it (e.g. no sending IPs configured, too few sends).",
    },
  },
});

export const REQUIREMENT_IDS: readonly Requirement["id"][] = [
  "SPF",
  "DKIM",
  "SPF_OR_DKIM",
  "SPF_AND_DKIM",
  "DMARC_RECORD",
  "DMARC_ENFORCED",
  "DMARC_ALIGNMENT",
  "PTR",
  "ONE_CLICK_UNSUBSCRIBE",
  "COMPLAINT_RATE",
  "BOUNCE_RATE",
];
export const SenderRequirementIdEnum = enumOf(REQUIREMENT_IDS);
registerEnumType(SenderRequirementIdEnum, {
  name: "SenderRequirementId",
  description:
    "One of the Google / Yahoo (2024) and Microsoft (2025) sender requirements; each comes with its own description.",
});

export const MAILBOX_OPERATORS: readonly MailboxOperator[] = ["GOOGLE", "MICROSOFT", "YAHOO"];
export const MailboxOperatorEnum = enumOf(MAILBOX_OPERATORS);
registerEnumType(MailboxOperatorEnum, {
  name: "MailboxOperator",
  description:
    "A mailbox provider that publishes sender requirements: Google (Gmail), Microsoft (Outlook.com) or Yahoo (Yahoo and AOL).",
});

export const WARMUP_STAGES: readonly WarmupStageName[] = ["NOT_STARTED", "WEEK_1", "WEEK_2", "WEEK_3", "WARMED"];
export const WarmupStageEnum = enumOf(WARMUP_STAGES);
registerEnumType(WarmupStageEnum, {
  name: "WarmupStage",
  description: "Where an inbox is in its warm-up ramp.",
  valuesConfig: {
    NOT_STARTED: {
      description: "No warm-up start date (or one in the future): treated as a new inbox, week 1's ramp.",
    },
    WEEK_1: { description: "Days 0–6: 10–20 messages a day." },
    WEEK_2: { description: "Days 7–13: 30–50 messages a day." },
    WEEK_3: { description: "Days 14–20: 50–100 messages a day." },
    WARMED: { description: "Day 21 on: up to the inbox's own daily limit." },
  },
});

export const CHECKLIST_ITEM_IDS: readonly ChecklistItemId[] = [
  "DOMAIN_AGE",
  "SPF",
  "DKIM",
  "DMARC",
  "INBOX_WARMUP",
  "VOLUME_WITHIN_RAMP",
  "NOT_BLOCKLISTED",
  "RECIPIENT_LIST_VERIFIED",
  "PREVIOUS_BOUNCE_RATE",
];
export const ReadinessItemIdEnum = enumOf(CHECKLIST_ITEM_IDS);
registerEnumType(ReadinessItemIdEnum, {
  name: "ReadinessItemId",
  description: "An item of the pre-send checklist.",
  valuesConfig: {
    DOMAIN_AGE: { description: "The sending domain is at least 14 days old." },
    SPF: { description: "SPF is verified and passing (last DNS audit)." },
    DKIM: { description: "DKIM is verified and passing (last DNS audit)." },
    DMARC: { description: "DMARC is published and valid (last DNS audit)." },
    INBOX_WARMUP: { description: "Every sending inbox has warmed for at least 14 days." },
    VOLUME_WITHIN_RAMP: { description: "Planned daily volume per inbox is within its warm-up ramp." },
    NOT_BLOCKLISTED: { description: "Neither the domain nor a sending IP is on a checked DNS blocklist." },
    RECIPIENT_LIST_VERIFIED: {
      description: "The campaign's recipient list was checked and holds no invalid or suppressed address.",
    },
    PREVIOUS_BOUNCE_RATE: { description: "The previous campaign from the same domain bounced below 3 %." },
  },
});

export const BLOCKLIST_KINDS = ["IP", "DOMAIN"] as const;
export const BlocklistKindEnum = enumOf(BLOCKLIST_KINDS);
registerEnumType(BlocklistKindEnum, {
  name: "BlocklistKind",
  description: "What a DNS blocklist lists: IP addresses (e.g. zen.spamhaus.org) or domains (e.g. dbl.spamhaus.org).",
});

export const SPF_RESULTS: readonly SpfResult[] = [
  "pass",
  "fail",
  "softfail",
  "neutral",
  "none",
  "permerror",
  "temperror",
];
export const SpfResultEnum = Object.fromEntries(SPF_RESULTS.map((r) => [r.toUpperCase(), r])) as Record<
  string,
  SpfResult
>;
registerEnumType(SpfResultEnum, {
  name: "SpfResult",
  description:
    "The RFC 7208 check_host() result for a sending IP: PASS, FAIL, SOFTFAIL, NEUTRAL, NONE, PERMERROR (a broken record) or TEMPERROR (DNS failed).",
});
