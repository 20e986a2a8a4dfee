import { ArgsType, Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from "type-graphql";
import type { TimelineCounts } from "../delivery";
import type { BenchmarkZone } from "../../core/benchmarks";
import type { ChecklistItemId } from "../../core/checklist";
import type { CheckStatus } from "../../core/dns/check-result";
import type { MailboxOperator, RequirementStatus } from "../../core/dns/sender-requirements";
import type { MailboxProvider } from "../../core/providers";
import type { WarmupStageName } from "../../core/warmup";
import { MailboxProviderEnum } from "../../platform/graphql/enums";
import { UserError } from "../../platform/graphql/user-error";
import { Campaign } from "../campaign";
import { Domain } from "../domain";
import { Inbox } from "../inbox";
import {
  BenchmarkZoneEnum,
  BlocklistKindEnum,
  CheckStatusEnum,
  MailboxOperatorEnum,
  ReadinessItemIdEnum,
  RequirementStatusEnum,
  SenderRequirementIdEnum,
  SpfResultEnum,
  WarmupStageEnum,
} from "./health.enums";

// GraphQL shapes of the health module. Resolvers return the core's plain objects; these
// classes only declare how they read (field names match the core's properties). They are
// simpleResolvers: a field is read straight off the object, without type-graphql's
// per-field middleware pipeline, which a dashboard page (thousands of fields) would pay for.

// ---- counters and benchmarks ------------------------------------------------------------

@ObjectType("DeliveryStats", {
  simpleResolvers: true,
  description: "Sends and their outcomes, counted from recorded sends and ingested events.",
})
export class DeliveryStats {
  @Field(() => Int, { description: "Messages recorded as sent (recordSends)." })
  sent: number;

  @Field(() => Int, { description: "Delivery reports received." })
  delivered: number;

  @Field(() => Int, {
    description: "Permanent (5xx) failures, whoever's fault: the numerator of the bounce-rate benchmarks.",
  })
  hardBounces: number;

  @Field(() => Int, { description: "Transient or undetermined failures (4xx, deferrals)." })
  softBounces: number;

  @Field(() => Int, { description: "Spam complaints (ARF feedback, ESP complaint events)." })
  complaints: number;

  @Field(() => Float, {
    nullable: true,
    description:
      "hardBounces / sent as a fraction (0.03 is 3 %); null when nothing was sent. Zones are decided on exact counts, not on this number.",
  })
  hardBounceRate: number | null;

  @Field(() => Float, { nullable: true, description: "complaints / sent as a fraction; null when nothing was sent." })
  complaintRate: number | null;

  @Field(() => BenchmarkZoneEnum, {
    description:
      "Complaint level: ACCEPTABLE below 0.1 %, WARNING from 0.1 %, BLOCKING from 0.3 % (the Google/Yahoo ceiling).",
  })
  complaintLevel: BenchmarkZone;

  @Field(() => Boolean, {
    description: "More than 5 % hard bounces (with at least minSendsForZone sends): pause and investigate.",
  })
  pauseRecommended: boolean;
}

@ObjectType("ZoneThresholds", {
  simpleResolvers: true,
  description: "The bounds a benchmark zone was judged on, in percent of sends.",
})
export class ZoneThresholds {
  @Field(() => Float, { description: "Hard-bounce percent at which WARNING starts; below it is ACCEPTABLE." })
  warningFromPercent: number;

  @Field(() => Float, {
    description: "Hard-bounce percent above which it is BLOCKING; up to and including it is WARNING.",
  })
  blockingAbovePercent: number;
}

@ObjectType("Benchmark", {
  simpleResolvers: true,
  description: "The hard-bounce rate to one recipient provider against that provider's thresholds.",
})
export class Benchmark {
  @Field(() => MailboxProviderEnum, { description: "The recipient provider." })
  provider: MailboxProvider;

  @Field(() => Int, { description: "Messages sent to this provider's recipients." })
  sent: number;

  @Field(() => Int, { description: "Hard bounces from this provider's recipients." })
  hardBounces: number;

  @Field(() => Float, { nullable: true, description: "hardBounces / sent as a fraction; null when nothing was sent." })
  rate: number | null;

  @Field(() => BenchmarkZoneEnum, {
    description: "ACCEPTABLE, WARNING, BLOCKING, or INSUFFICIENT_DATA below the tenant's minSendsForZone.",
  })
  zone: BenchmarkZone;

  @Field(() => ZoneThresholds, { description: "The thresholds applied (the tenant's overrides, else the seed's)." })
  thresholds: ZoneThresholds;
}

// ---- warm-up and age ---------------------------------------------------------------------

@ObjectType("DomainAge", {
  simpleResolvers: true,
  description: "How old a sending domain is; outreach waits until it is 14 days old.",
})
export class DomainAgeView {
  @Field(() => Int, {
    nullable: true,
    description: "Whole days since registration; null when registeredAt is unknown.",
  })
  ageDays: number | null;

  @Field(() => Boolean, { description: "At least 14 days old. An unknown age is not ready: it could be brand new." })
  readyForOutreach: boolean;
}

@ObjectType("InboxWarmup", {
  simpleResolvers: true,
  description:
    "Where an inbox is in its warm-up ramp (week 1: 10–20/day, week 2: 30–50/day, week 3: 50–100/day, then its own limit).",
})
export class InboxWarmup {
  @Field(() => WarmupStageEnum, { description: "The ramp stage today." })
  stage: WarmupStageName;

  @Field(() => Int, { nullable: true, description: "Whole days since warm-up started; null when it has not." })
  warmupDays: number | null;

  @Field(() => Int, { description: "Today's ramp: the least to send." })
  minPerDay: number;

  @Field(() => Int, { description: "Today's ramp: the most to send." })
  maxPerDay: number;

  @Field(() => Int, {
    description: "What to send today at most: the top of today's range, never above the inbox's daily limit.",
  })
  recommendedDailyLimit: number;

  @Field(() => Boolean, { description: "Warmed for at least 14 days (the pre-send checklist's rule)." })
  warmedEnough: boolean;

  @Field(() => Boolean, {
    description: "The inbox's daily limit is above the ~50 cold emails a day that one inbox can safely send.",
  })
  dailyLimitIsRisky: boolean;
}

@ObjectType("WarmupRamp", {
  simpleResolvers: true,
  description: "Today's recorded sends of an inbox against its warm-up ramp.",
})
export class WarmupRamp {
  @Field(() => Int, { description: "Messages recorded as sent today (UTC)." })
  sentToday: number;

  @Field(() => Int, { description: "The most the ramp allows today." })
  limit: number;

  @Field(() => Boolean, { description: "sentToday is above the limit." })
  exceeded: boolean;

  @Field(() => Int, { description: "How many sends over the limit (0 within it)." })
  excess: number;

  @Field(() => WarmupStageEnum, { description: "The ramp stage the limit comes from." })
  stage: WarmupStageName;

  @Field(() => String, {
    nullable: true,
    description: "The warning to show when the ramp is exceeded; null within it.",
  })
  warning: string | null;
}

// ---- readiness ---------------------------------------------------------------------------

@ObjectType("ReadinessItem", { simpleResolvers: true, description: "One item of the pre-send checklist." })
export class ReadinessItem {
  @Field(() => ReadinessItemIdEnum, { description: "Which item." })
  id: ChecklistItemId;

  @Field(() => Boolean, { description: "Whether it holds." })
  passed: boolean;

  @Field(() => String, { description: 'What the judgement rests on, e.g. "acme.com was registered 9 days ago".' })
  evidence: string;

  @Field(() => String, { nullable: true, description: "What to do; null when the item passed." })
  action: string | null;
}

@ObjectType("Readiness", {
  simpleResolvers: true,
  description: "The pre-send checklist of a campaign, judged on stored facts (last DNS audit, counters, settings).",
})
export class Readiness {
  @Field(() => Boolean, { description: "True only when every item passed." })
  ready: boolean;

  @Field(() => [ReadinessItem], { description: "Every item, in the checklist's order." })
  items: ReadinessItem[];
}

@ObjectType("RecipientListCheck", {
  simpleResolvers: true,
  description: "The counts of a campaign's last recipient-list check (verifyCampaignRecipients).",
})
export class RecipientListCheck {
  @Field(() => Int, { description: "Addresses checked." })
  checked: number;

  @Field(() => Int, { description: "Addresses with verdict OK." })
  ok: number;

  @Field(() => Int, {
    description: "Addresses with verdict RISKY (typo domains, role addresses, recent soft bounces).",
  })
  risky: number;

  @Field(() => Int, { description: "Addresses that are not valid addresses." })
  invalid: number;

  @Field(() => Int, { description: "Addresses (or their domains) that are suppressed." })
  suppressed: number;

  @Field(() => Date, { description: "When the check ran." })
  checkedAt: Date;
}

// ---- DNS authentication ------------------------------------------------------------------

@ObjectType("AuthCheck", {
  simpleResolvers: true,
  description: "One DNS authentication check: what was seen, what is wrong and how to fix it.",
})
export class AuthCheck {
  @Field(() => String, {
    description:
      "Stable identifier, e.g. spf.record, spf.lookups, dkim.google.key-size, dmarc.policy, alignment.spf.<inbox>, ptr.<ip>, blocklist.<zone>.<target>.",
  })
  id: string;

  @Field(() => CheckStatusEnum, { description: "PASS, WARN or FAIL." })
  status: CheckStatus;

  @Field(() => String, {
    nullable: true,
    description: "The DNS record (or value) the check looked at; null when there was none.",
  })
  record: string | null;

  @Field(() => String, { nullable: true, description: "What is wrong, in plain words; null when nothing is." })
  problem: string | null;

  @Field(() => String, { nullable: true, description: "What to do about it; on a PASS, an optional next step." })
  fix: string | null;
}

@ObjectType("SpfIpAuthorization", {
  simpleResolvers: true,
  description: "RFC 7208 check_host() for one of the domain's sending IPs.",
})
export class SpfIpAuthorization {
  @Field(() => String, { description: "The sending IP." })
  ip: string;

  @Field(() => SpfResultEnum, { description: "The SPF result for mail from postmaster@<domain> sent by this IP." })
  result: string;

  @Field(() => String, { nullable: true, description: "Why it is not a pass, when it is not." })
  problem: string | null;
}

@ObjectType("SpfAuthentication", { simpleResolvers: true, description: "The domain's SPF policy (RFC 7208)." })
export class SpfAuthentication {
  @Field(() => CheckStatusEnum, { description: "Worst status of the SPF checks." })
  status: CheckStatus;

  @Field(() => String, { nullable: true, description: "The v=spf1 record, when exactly one was found." })
  record: string | null;

  @Field(() => Int, { description: "DNS-querying terms across the whole include/redirect tree (limit 10)." })
  lookupCount: number;

  @Field(() => Int, { description: "Terms whose lookup found nothing (limit 2)." })
  voidLookupCount: number;

  @Field(() => [String], { description: "Domains reached through include: and redirect=, in evaluation order." })
  includes: string[];

  @Field(() => [SpfIpAuthorization], { description: "Whether each configured sending IP is authorised." })
  authorizedIps: SpfIpAuthorization[];

  @Field(() => [AuthCheck], { description: "The SPF checks." })
  checks: AuthCheck[];

  @Field(() => String, {
    nullable: true,
    description: "Set when the record couldn't be read because DNS failed (not the same as no record).",
  })
  dnsError: string | null;
}

@ObjectType("DkimKey", { simpleResolvers: true, description: "A DKIM public key's type and size." })
export class DkimKey {
  @Field(() => String, { description: "rsa or ed25519." })
  keyType: string;

  @Field(() => Int, {
    description: "RSA modulus length in bits (below 1024 fails, below 2048 warns); 256 for ed25519.",
  })
  bits: number;
}

@ObjectType("DkimSelectorAudit", { simpleResolvers: true, description: "The DKIM key record at one selector." })
export class DkimSelectorAudit {
  @Field(() => String, { description: "The selector, e.g. google or selector1." })
  selector: string;

  @Field(() => String, { description: "The name looked up: <selector>._domainkey.<domain>." })
  name: string;

  @Field(() => Boolean, {
    description: "Configured by the tenant (true) or probed among common provider selectors (false).",
  })
  configured: boolean;

  @Field(() => Boolean, { description: "A DKIM record was found there." })
  found: boolean;

  @Field(() => CheckStatusEnum, {
    nullable: true,
    description: "Worst status of this selector's checks; null for a probed selector with no record.",
  })
  status: CheckStatus | null;

  @Field(() => DkimKey, { nullable: true, description: "The key, when it decodes." })
  key: DkimKey | null;

  @Field(() => String, { nullable: true, description: "The record text." })
  record: string | null;

  @Field(() => [AuthCheck], { description: "This selector's checks." })
  checks: AuthCheck[];

  @Field(() => String, { nullable: true, description: "Set when the lookup failed." })
  dnsError: string | null;
}

@ObjectType("DkimAuthentication", { simpleResolvers: true, description: "The domain's DKIM keys (RFC 6376)." })
export class DkimAuthentication {
  @Field(() => CheckStatusEnum, { description: "FAIL when no usable key was found or a configured selector fails." })
  status: CheckStatus;

  @Field(() => [DkimSelectorAudit], { description: "The configured selectors and the common ones probed." })
  selectors: DkimSelectorAudit[];

  @Field(() => [AuthCheck], { description: "The DKIM checks." })
  checks: AuthCheck[];
}

@ObjectType("DmarcPolicyRecord", { simpleResolvers: true, description: "The parsed DMARC record." })
export class DmarcPolicyRecord {
  @Field(() => String, { description: "p: none, quarantine or reject." })
  p: string;

  @Field(() => String, { nullable: true, description: "sp: the policy for subdomains, when given." })
  sp: string | null;

  @Field(() => Int, { description: "pct: percent of failing mail the policy applies to." })
  pct: number;

  @Field(() => [String], { description: "rua: where aggregate reports go." })
  rua: string[];

  @Field(() => String, { description: "aspf: SPF alignment mode, r (relaxed) or s (strict)." })
  aspf: string;

  @Field(() => String, { description: "adkim: DKIM alignment mode, r (relaxed) or s (strict)." })
  adkim: string;
}

@ObjectType("DmarcAuthentication", { simpleResolvers: true, description: "The domain's DMARC policy (RFC 7489)." })
export class DmarcAuthentication {
  @Field(() => CheckStatusEnum, { description: "Worst status of the DMARC checks." })
  status: CheckStatus;

  @Field(() => String, { nullable: true, description: "The record text used." })
  text: string | null;

  @Field(() => DmarcPolicyRecord, { nullable: true, description: "The parsed record; null when missing or malformed." })
  record: DmarcPolicyRecord | null;

  @Field(() => String, {
    nullable: true,
    description: "Where it was found: _dmarc.<domain>, or the organizational domain's.",
  })
  foundAt: string | null;

  @Field(() => [AuthCheck], { description: "The DMARC checks." })
  checks: AuthCheck[];

  @Field(() => String, { nullable: true, description: "Set when the lookup failed." })
  dnsError: string | null;
}

@ObjectType("MxHost", { simpleResolvers: true, description: "One MX record." })
export class MxHost {
  @Field(() => Int, { description: "Preference (lower is tried first)." })
  priority: number;

  @Field(() => String, { description: "Host name; empty for a null MX (the domain accepts no mail)." })
  exchange: string;
}

@ObjectType("MxAuthentication", {
  simpleResolvers: true,
  description: "The domain's MX records: replies and bounces need somewhere to go.",
})
export class MxAuthentication {
  @Field(() => CheckStatusEnum, { description: "WARN without MX or with a null MX." })
  status: CheckStatus;

  @Field(() => [MxHost], { description: "The MX records, by preference." })
  hosts: MxHost[];

  @Field(() => MailboxProviderEnum, {
    nullable: true,
    description: "Who hosts the domain's mailboxes, from the MX hosts (GMAIL for Google Workspace...).",
  })
  provider: MailboxProvider | null;

  @Field(() => AuthCheck, { description: "The MX check." })
  check: AuthCheck;

  @Field(() => String, { nullable: true, description: "Set when the lookup failed." })
  dnsError: string | null;
}

@ObjectType("ReverseDnsAudit", {
  simpleResolvers: true,
  description: "Forward-confirmed reverse DNS of one sending IP.",
})
export class ReverseDnsAudit {
  @Field(() => String, { description: "The sending IP." })
  ip: string;

  @Field(() => [String], { description: "Its PTR names." })
  names: string[];

  @Field(() => Boolean, { description: "A PTR name resolves back to the IP." })
  forwardConfirmed: boolean;

  @Field(() => AuthCheck, { description: "The check." })
  check: AuthCheck;
}

@ObjectType("DomainAuthentication", {
  simpleResolvers: true,
  description: "The last DNS authentication audit of a sending domain (refreshDomainAuth or the periodic refresh).",
})
export class DomainAuthentication {
  @Field(() => String, { description: "The domain audited." })
  domain: string;

  @Field(() => Date, { description: "When the audit ran." })
  checkedAt: string;

  @Field(() => CheckStatusEnum, { description: "Worst status over every check." })
  status: CheckStatus;

  @Field(() => SpfAuthentication, { description: "SPF." })
  spf: SpfAuthentication;

  @Field(() => DkimAuthentication, { description: "DKIM." })
  dkim: DkimAuthentication;

  @Field(() => DmarcAuthentication, { description: "DMARC." })
  dmarc: DmarcAuthentication;

  @Field(() => [AuthCheck], {
    description:
      "Alignment of the From domain with each inbox's Return-Path and DKIM d= domain (relaxed or strict per DMARC).",
  })
  alignment: AuthCheck[];

  @Field(() => [ReverseDnsAudit], { description: "Reverse DNS of each sending IP." })
  ptr: ReverseDnsAudit[];

  @Field(() => MxAuthentication, { description: "MX." })
  mx: MxAuthentication;

  @Field(() => [AuthCheck], { description: "Every check above in one list, blocklists included." })
  checks: AuthCheck[];
}

@ObjectType("BlocklistListing", {
  simpleResolvers: true,
  description: "One DNS blocklist lookup of the domain or a sending IP.",
})
export class BlocklistListing {
  @Field(() => BlocklistKindEnum, { description: "IP or DOMAIN list." })
  kind: string;

  @Field(() => String, { description: "The IP or domain looked up." })
  target: string;

  @Field(() => String, { description: "The list's zone, e.g. zen.spamhaus.org." })
  zone: string;

  @Field(() => Boolean, {
    nullable: true,
    description: "true listed, false not listed, null unknown (the lookup failed or the list refused it).",
  })
  listed: boolean | null;

  @Field(() => [String], { description: "Return codes (127.0.0.x) when listed or refused." })
  codes: string[];

  @Field(() => String, { nullable: true, description: "The list's reason, when listed and it gives one." })
  reason: string | null;

  @Field(() => String, { nullable: true, description: "Why listed is null." })
  error: string | null;
}

@ObjectType("SenderRequirement", {
  simpleResolvers: true,
  description: "One requirement of a mailbox provider's sender rules.",
})
export class SenderRequirement {
  @Field(() => SenderRequirementIdEnum, { description: "Which requirement." })
  id: string;

  @Field(() => String, { description: "The requirement in plain words." })
  description: string;

  @Field(() => RequirementStatusEnum, { description: "MET, NOT_MET or UNKNOWN." })
  status: RequirementStatus;

  @Field(() => String, { description: "Why, in plain words." })
  why: string;
}

@ObjectType("ProviderSenderRequirements", {
  simpleResolvers: true,
  description:
    "A mailbox provider's sender requirements, judged for this domain (bounce and complaint rates over the last 30 days).",
})
export class ProviderSenderRequirements {
  @Field(() => MailboxOperatorEnum, { description: "GOOGLE, MICROSOFT or YAHOO." })
  provider: MailboxOperator;

  @Field(() => Boolean, { description: "5,000+ messages a day to the big providers: the bulk rules apply." })
  bulkSender: boolean;

  @Field(() => Boolean, { description: "Every requirement MET (UNKNOWN counts as not met)." })
  met: boolean;

  @Field(() => [SenderRequirement], { description: "Each requirement." })
  requirements: SenderRequirement[];
}

@ObjectType("DomainAuthSettings", {
  simpleResolvers: true,
  description: "What the DNS audit of a domain checks beyond its name.",
})
export class DomainAuthSettings {
  @Field(() => [String], {
    description: "IPs that send for the domain: SPF authorisation, reverse DNS and IP blocklists.",
  })
  sendingIps: string[];

  @Field(() => [String], { description: "The domain's DKIM selectors (common provider selectors are probed too)." })
  dkimSelectors: string[];
}

@ObjectType("InboxAlignment", {
  simpleResolvers: true,
  description: "The domains an inbox's mail is authenticated with, for DMARC alignment.",
})
export class InboxAlignment {
  @Field(() => String, {
    nullable: true,
    description: "Envelope sender (Return-Path) domain its provider uses; SPF authenticates it.",
  })
  returnPathDomain: string | null;

  @Field(() => String, { nullable: true, description: "The d= domain of its DKIM signatures." })
  dkimDomain: string | null;
}

@ObjectType("MailboxProviderLookup", {
  simpleResolvers: true,
  description:
    "Who runs a domain's mailboxes: from the public-domain list, else from its MX hosts (cached for their TTL).",
})
export class MailboxProviderLookup {
  @Field(() => String, { description: "The domain, lower-case ASCII." })
  domain: string;

  @Field(() => MailboxProviderEnum, { description: "The provider whose benchmarks its recipients are counted under." })
  provider: MailboxProvider;

  @Field(() => String, {
    description:
      "PUBLIC_DOMAIN (known without DNS), MX (from the hosts), NO_MX, or DNS_ERROR (unknown, counted as OTHER).",
  })
  source: string;

  @Field(() => [String], { description: "The MX hosts, by preference (empty unless source is MX)." })
  hosts: string[];
}

// ---- mutations -----------------------------------------------------------------------------

@InputType("RefreshDomainAuthInput", { description: "The domain whose DNS authentication to audit now." })
export class RefreshDomainAuthInput {
  @Field(() => ID, { description: "The sending domain." })
  domainId: string;
}

@ObjectType("RefreshDomainAuthPayload", { simpleResolvers: true, description: "Result of refreshDomainAuth." })
export class RefreshDomainAuthPayload {
  @Field(() => Domain, {
    nullable: true,
    description: "The domain, whose authentication, blocklists and senderRequirements now show the new audit.",
  })
  domain: Domain | null;

  @Field(() => DomainAuthentication, {
    nullable: true,
    description: "The new audit; null when userErrors is not empty.",
  })
  authentication: DomainAuthentication | null;

  @Field(() => [UserError], { description: "Problems with the input; empty on success." })
  userErrors: UserError[];
}

@InputType("UpdateDomainAuthSettingsInput", {
  description: "Changes to what a domain's DNS audit checks; omitted fields keep their value.",
})
export class UpdateDomainAuthSettingsInput {
  @Field(() => ID, { description: "The sending domain." })
  domainId: string;

  @Field(() => [String], { nullable: true, description: "Replaces the sending IPs (IPv4 or IPv6, at most 100)." })
  sendingIps?: string[] | null;

  @Field(() => [String], { nullable: true, description: "Replaces the DKIM selectors (at most 20)." })
  dkimSelectors?: string[] | null;
}

@ObjectType("UpdateDomainAuthSettingsPayload", {
  simpleResolvers: true,
  description: "Result of updateDomainAuthSettings.",
})
export class UpdateDomainAuthSettingsPayload {
  @Field(() => Domain, {
    nullable: true,
    description: "The domain; its authSettings show the change (run refreshDomainAuth to audit with it).",
  })
  domain: Domain | null;

  @Field(() => [UserError], { description: "Problems with the input; empty on success." })
  userErrors: UserError[];
}

@InputType("UpdateInboxAlignmentInput", {
  description:
    "The domains an inbox's mail is authenticated with; omitted fields keep their value, an empty string clears one.",
})
export class UpdateInboxAlignmentInput {
  @Field(() => ID, { description: "The inbox." })
  inboxId: string;

  @Field(() => String, { nullable: true, description: "Envelope sender (Return-Path) domain." })
  returnPathDomain?: string | null;

  @Field(() => String, { nullable: true, description: "DKIM d= domain." })
  dkimDomain?: string | null;
}

@ObjectType("UpdateInboxAlignmentPayload", { simpleResolvers: true, description: "Result of updateInboxAlignment." })
export class UpdateInboxAlignmentPayload {
  @Field(() => Inbox, { nullable: true, description: "The inbox; its alignment shows the change." })
  inbox: Inbox | null;

  @Field(() => [UserError], { description: "Problems with the input; empty on success." })
  userErrors: UserError[];
}

@InputType("VerifyCampaignRecipientsInput", { description: "A campaign's recipient list to check before sending." })
export class VerifyCampaignRecipientsInput {
  @Field(() => ID, { description: "The campaign." })
  campaignId: string;

  @Field(() => [String], { description: "The addresses it is about to mail (at most 10,000 per call)." })
  addresses: string[];
}

@ObjectType("VerifyCampaignRecipientsPayload", {
  simpleResolvers: true,
  description: "Result of verifyCampaignRecipients.",
})
export class VerifyCampaignRecipientsPayload {
  @Field(() => Campaign, { nullable: true, description: "The campaign; its readiness now uses this check." })
  campaign: Campaign | null;

  @Field(() => RecipientListCheck, { nullable: true, description: "The counts of this check." })
  recipientCheck: RecipientListCheck | null;

  @Field(() => [UserError], { description: "Problems with the input; empty on success." })
  userErrors: UserError[];
}

// ---- time series ------------------------------------------------------------------------

export const TimelineIntervalEnum = { HOUR: "HOUR", DAY: "DAY" } as const;
registerEnumType(TimelineIntervalEnum, {
  name: "TimelineInterval",
  description: "The width of a timeline's buckets, aligned on UTC hours or days.",
  valuesConfig: {
    HOUR: { description: "One bucket per UTC hour (at most 744: 31 days)." },
    DAY: { description: "One bucket per UTC day (at most 366)." },
  },
});

function rate(part: number, whole: number): number | null {
  return whole === 0 ? null : part / whole;
}

@ObjectType("TimelineBucket", {
  simpleResolvers: true,
  description: "Sends and their outcomes in one hour or day (UTC), from the delivery counters.",
})
export class TimelineBucket {
  @Field(() => Date, { description: "Start of the bucket (UTC)." })
  start: Date;

  @Field(() => Int, { description: "Messages recorded as sent (recordSends) in the bucket." })
  sent: number;

  @Field(() => Int, { description: "Deliveries reported in the bucket." })
  delivered: number;

  @Field(() => Int, { description: "Permanent (5xx) failures reported in the bucket." })
  hardBounces: number;

  @Field(() => Int, { description: "Transient or undetermined failures reported in the bucket, deferrals included." })
  softBounces: number;

  @Field(() => Int, {
    description:
      "Of softBounces, the deferrals: failed tries while the sender kept retrying (DEFERRAL events, DSN delayed). Counted from this version on.",
  })
  deferred: number;

  @Field(() => Int, { description: "Spam complaints reported in the bucket." })
  complaints: number;

  @Field(() => Float, { nullable: true, description: "delivered / sent; null when nothing was sent in the bucket." })
  get deliveredRate(): number | null {
    return rate(this.delivered, this.sent);
  }

  @Field(() => Float, { nullable: true, description: "hardBounces / sent; null when nothing was sent in the bucket." })
  get hardBounceRate(): number | null {
    return rate(this.hardBounces, this.sent);
  }

  @Field(() => Float, { nullable: true, description: "softBounces / sent; null when nothing was sent in the bucket." })
  get softBounceRate(): number | null {
    return rate(this.softBounces, this.sent);
  }

  @Field(() => Float, { nullable: true, description: "complaints / sent; null when nothing was sent in the bucket." })
  get complaintRate(): number | null {
    return rate(this.complaints, this.sent);
  }

  static from(c: TimelineCounts): TimelineBucket {
    return Object.assign(new TimelineBucket(), c);
  }
}

@ArgsType()
export class TimelineArgs {
  @Field(() => Date, { description: "Start of the range; rounded down to its UTC hour or day." })
  from: Date;

  @Field(() => Date, { description: "End of the range, exclusive." })
  to: Date;

  @Field(() => TimelineIntervalEnum, { defaultValue: "DAY", description: "HOUR or DAY buckets (default DAY)." })
  interval: keyof typeof TimelineIntervalEnum;

  @Field(() => MailboxProviderEnum, {
    nullable: true,
    description: "Only recipients of this provider; all when omitted.",
  })
  provider?: MailboxProvider | null;
}
