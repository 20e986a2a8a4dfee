import { Arg, Args, Authorized, Ctx, FieldResolver, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import { Tenant } from "../tenant";
import type { RequestContext } from "../../platform/context";
import { uuidOf } from "../../platform/graphql/global-id";
import { payload } from "../../platform/graphql/payload";
import { Campaign } from "../campaign";
import { Domain } from "../domain";
import { Inbox } from "../inbox";
import { healthLoaders } from "./health-loaders";
import { HealthWindowEnum, BenchmarkZoneEnum, type HealthWindow } from "./health.enums";
import { healthService } from "./health.service";
import {
  Benchmark,
  DeliveryStats,
  DomainAgeView,
  DomainAuthentication,
  DomainAuthSettings,
  BlocklistListing,
  InboxAlignment,
  InboxWarmup,
  MailboxProviderLookup,
  ProviderSenderRequirements,
  Readiness,
  RecipientListCheck,
  RefreshDomainAuthInput,
  TimelineArgs,
  TimelineBucket,
  RefreshDomainAuthPayload,
  UpdateDomainAuthSettingsInput,
  UpdateDomainAuthSettingsPayload,
  UpdateInboxAlignmentInput,
  UpdateInboxAlignmentPayload,
  VerifyCampaignRecipientsInput,
  VerifyCampaignRecipientsPayload,
  WarmupRamp,
} from "./health.types";

// Health fields added to Campaign, Inbox and Domain from this module, and its mutations.
// Resolvers only delegate; batching lives in the health loaders.

const WINDOW_ARG = {
  defaultValue: "DAYS_30",
  description: "The rolling window of UTC days counted; the last 30 days when omitted.",
} as const;

@Resolver(() => Campaign)
export class CampaignHealthResolver {
  @FieldResolver(() => [TimelineBucket], {
    description:
      "Sends and outcomes per UTC hour or day between from and to, every bucket present (zeros too), from the hourly counters (one statement).",
  })
  async timeline(@Ctx() ctx: RequestContext, @Root() campaign: Campaign, @Args(() => TimelineArgs) args: TimelineArgs) {
    return (await healthService.timeline(ctx, "campaign", campaign.uuid, args)).map(TimelineBucket.from);
  }

  @FieldResolver(() => DeliveryStats, { description: "Sends and outcomes over the campaign's whole life." })
  stats(@Ctx() ctx: RequestContext, @Root() campaign: Campaign) {
    return healthService.campaignStats(ctx, campaign);
  }

  @FieldResolver(() => [Benchmark], {
    description:
      "The hard-bounce rate per recipient provider against that provider's thresholds: one row per provider (GMAIL, MICROSOFT, YAHOO, APPLE, OTHER).",
  })
  benchmarks(@Ctx() ctx: RequestContext, @Root() campaign: Campaign) {
    return healthService.campaignBenchmarks(ctx, campaign);
  }

  @FieldResolver(() => BenchmarkZoneEnum, {
    description: "The campaign as a whole on the general industry thresholds (2 % / 5 %).",
  })
  zone(@Ctx() ctx: RequestContext, @Root() campaign: Campaign) {
    return healthService.campaignZone(ctx, campaign);
  }

  @FieldResolver(() => Readiness, {
    description:
      "The pre-send checklist: domain age, SPF/DKIM/DMARC, inbox warm-up, volume within the ramp, blocklists, recipient list, previous campaign's bounce rate.",
  })
  readiness(@Ctx() ctx: RequestContext, @Root() campaign: Campaign) {
    return healthService.readiness(ctx, campaign);
  }

  @FieldResolver(() => RecipientListCheck, {
    nullable: true,
    description: "The last check of the campaign's recipient list; null when never checked.",
  })
  recipientCheck(@Ctx() ctx: RequestContext, @Root() campaign: Campaign) {
    return healthLoaders(ctx).recipientChecks.load(campaign.uuid);
  }
}

@Resolver(() => Inbox)
export class InboxHealthResolver {
  @FieldResolver(() => [TimelineBucket], {
    description:
      "Sends and outcomes per UTC hour or day between from and to, every bucket present (zeros too), from the hourly counters (one statement).",
  })
  async timeline(@Ctx() ctx: RequestContext, @Root() inbox: Inbox, @Args(() => TimelineArgs) args: TimelineArgs) {
    return (await healthService.timeline(ctx, "inbox", inbox.uuid, args)).map(TimelineBucket.from);
  }

  @FieldResolver(() => DeliveryStats, { description: "Sends and outcomes of the inbox over a rolling window." })
  stats(
    @Ctx() ctx: RequestContext,
    @Root() inbox: Inbox,
    @Arg("window", () => HealthWindowEnum, WINDOW_ARG) window: HealthWindow,
  ) {
    return healthService.inboxStats(ctx, inbox, window);
  }

  @FieldResolver(() => [Benchmark], {
    description: "The inbox's hard-bounce rate per recipient provider over a rolling window.",
  })
  benchmarks(
    @Ctx() ctx: RequestContext,
    @Root() inbox: Inbox,
    @Arg("window", () => HealthWindowEnum, WINDOW_ARG) window: HealthWindow,
  ) {
    return healthService.inboxBenchmarks(ctx, inbox, window);
  }

  @FieldResolver(() => BenchmarkZoneEnum, {
    description: "The inbox as a whole on the general industry thresholds, over a rolling window.",
  })
  zone(
    @Ctx() ctx: RequestContext,
    @Root() inbox: Inbox,
    @Arg("window", () => HealthWindowEnum, WINDOW_ARG) window: HealthWindow,
  ) {
    return healthService.inboxZone(ctx, inbox, window);
  }

  @FieldResolver(() => InboxWarmup, { description: "Where the inbox is in its warm-up ramp today." })
  warmup(@Ctx() ctx: RequestContext, @Root() inbox: Inbox) {
    const s = healthService.warmup(ctx, inbox);
    return { ...s, minPerDay: s.range.minPerDay, maxPerDay: s.range.maxPerDay };
  }

  @FieldResolver(() => Int, {
    description: "The most to send today: the warm-up ramp's top, never above the inbox's daily limit.",
  })
  recommendedDailyLimit(@Ctx() ctx: RequestContext, @Root() inbox: Inbox) {
    return healthService.warmup(ctx, inbox).recommendedDailyLimit;
  }

  @FieldResolver(() => Int, { description: "Messages recorded as sent today (UTC)." })
  sentToday(@Ctx() ctx: RequestContext, @Root() inbox: Inbox) {
    return healthService.sentToday(ctx, inbox);
  }

  @FieldResolver(() => WarmupRamp, {
    description: "Today's sends against the ramp, with a warning when they exceed it.",
  })
  ramp(@Ctx() ctx: RequestContext, @Root() inbox: Inbox) {
    return healthService.ramp(ctx, inbox);
  }

  @FieldResolver(() => InboxAlignment, {
    description: "The Return-Path and DKIM d= domains of the inbox's mail, for DMARC alignment.",
  })
  alignment(@Ctx() ctx: RequestContext, @Root() inbox: Inbox) {
    return healthLoaders(ctx).inboxAlignment.load(inbox.uuid);
  }
}

@Resolver(() => Domain)
export class DomainHealthResolver {
  @FieldResolver(() => [TimelineBucket], {
    description:
      "Sends and outcomes per UTC hour or day between from and to, every bucket present (zeros too), from the hourly counters (one statement).",
  })
  async timeline(@Ctx() ctx: RequestContext, @Root() domain: Domain, @Args(() => TimelineArgs) args: TimelineArgs) {
    return (await healthService.timeline(ctx, "domain", domain.uuid, args)).map(TimelineBucket.from);
  }

  @FieldResolver(() => DeliveryStats, {
    description: "Sends and outcomes of the domain's campaigns and inboxes over a rolling window.",
  })
  stats(
    @Ctx() ctx: RequestContext,
    @Root() domain: Domain,
    @Arg("window", () => HealthWindowEnum, WINDOW_ARG) window: HealthWindow,
  ) {
    return healthService.domainStats(ctx, domain, window);
  }

  @FieldResolver(() => [Benchmark], {
    description: "The domain's hard-bounce rate per recipient provider over a rolling window.",
  })
  benchmarks(
    @Ctx() ctx: RequestContext,
    @Root() domain: Domain,
    @Arg("window", () => HealthWindowEnum, WINDOW_ARG) window: HealthWindow,
  ) {
    return healthService.domainBenchmarks(ctx, domain, window);
  }

  @FieldResolver(() => BenchmarkZoneEnum, {
    description: "The domain as a whole on the general industry thresholds, over a rolling window.",
  })
  zone(
    @Ctx() ctx: RequestContext,
    @Root() domain: Domain,
    @Arg("window", () => HealthWindowEnum, WINDOW_ARG) window: HealthWindow,
  ) {
    return healthService.domainZone(ctx, domain, window);
  }

  @FieldResolver(() => DomainAgeView, { description: "The domain's age; outreach waits until it is 14 days old." })
  age(@Ctx() ctx: RequestContext, @Root() domain: Domain) {
    return healthService.domainAge(ctx, domain);
  }

  @FieldResolver(() => DomainAuthentication, {
    nullable: true,
    description:
      "The last DNS authentication audit (SPF, DKIM, DMARC, alignment, PTR, MX), each check PASS / WARN / FAIL with the record, the problem and the fix; null until the first audit.",
  })
  authentication(@Ctx() ctx: RequestContext, @Root() domain: Domain) {
    return healthService.authentication(ctx, domain);
  }

  @FieldResolver(() => [BlocklistListing], {
    nullable: true,
    description:
      "DNS blocklist lookups of the domain and its sending IPs at the last audit; null until the first audit.",
  })
  blocklists(@Ctx() ctx: RequestContext, @Root() domain: Domain) {
    return healthService.blocklists(ctx, domain);
  }

  @FieldResolver(() => [ProviderSenderRequirements], {
    nullable: true,
    description:
      "Google, Microsoft and Yahoo sender requirements, from the last audit and the last 30 days of bounces and complaints; null until the first audit.",
  })
  senderRequirements(@Ctx() ctx: RequestContext, @Root() domain: Domain) {
    return healthService.senderRequirements(ctx, domain);
  }

  @FieldResolver(() => Date, { nullable: true, description: "When the DNS audit last ran; null when never." })
  lastAuditedAt(@Ctx() ctx: RequestContext, @Root() domain: Domain) {
    return healthService.lastAuditedAt(ctx, domain);
  }

  @FieldResolver(() => DomainAuthSettings, { description: "The sending IPs and DKIM selectors the audit checks." })
  authSettings(@Ctx() ctx: RequestContext, @Root() domain: Domain) {
    return healthLoaders(ctx).authSettings.load(domain.uuid);
  }
}

@Resolver()
export class HealthResolver {
  @Authorized("read")
  @Query(() => MailboxProviderLookup, {
    description:
      "Who runs a recipient domain's mailboxes (GMAIL for a Google Workspace domain...), which decides the benchmark its bounces count under.",
  })
  mailboxProvider(
    @Ctx() ctx: RequestContext,
    @Arg("domain", () => String, { description: "A recipient domain, e.g. gmail.com or acme.com." }) domain: string,
  ) {
    return healthService.mailboxProvider(ctx, domain);
  }

  @Authorized("write")
  @Mutation(() => RefreshDomainAuthPayload, {
    description:
      "Audit a domain's DNS authentication now (SPF, DKIM, DMARC, alignment, PTR, MX, blocklists) and store the result.",
  })
  refreshDomainAuth(
    @Ctx() ctx: RequestContext,
    @Arg("input", () => RefreshDomainAuthInput) input: RefreshDomainAuthInput,
  ) {
    return payload(() => healthService.refreshDomainAuth(ctx, uuidOf(input.domainId, "Domain")), {
      domain: null,
      authentication: null,
    });
  }

  @Authorized("write")
  @Mutation(() => UpdateDomainAuthSettingsPayload, {
    description: "Set the sending IPs and DKIM selectors a domain's DNS audit checks.",
  })
  updateDomainAuthSettings(
    @Ctx() ctx: RequestContext,
    @Arg("input", () => UpdateDomainAuthSettingsInput) input: UpdateDomainAuthSettingsInput,
  ) {
    return payload(
      async () => ({
        domain: await healthService.updateDomainAuthSettings(ctx, uuidOf(input.domainId, "Domain"), input),
      }),
      { domain: null },
    );
  }

  @Authorized("write")
  @Mutation(() => UpdateInboxAlignmentPayload, {
    description: "Set the Return-Path and DKIM d= domains of an inbox's mail, for the DMARC alignment checks.",
  })
  updateInboxAlignment(
    @Ctx() ctx: RequestContext,
    @Arg("input", () => UpdateInboxAlignmentInput) input: UpdateInboxAlignmentInput,
  ) {
    return payload(
      async () => ({ inbox: await healthService.updateInboxAlignment(ctx, uuidOf(input.inboxId, "Inbox"), input) }),
      { inbox: null },
    );
  }

  @Authorized("write")
  @Mutation(() => VerifyCampaignRecipientsPayload, {
    description:
      "Check a campaign's recipient list (as checkRecipients does) and keep the counts as the campaign's last check, for its readiness.",
  })
  verifyCampaignRecipients(
    @Ctx() ctx: RequestContext,
    @Arg("input", () => VerifyCampaignRecipientsInput) input: VerifyCampaignRecipientsInput,
  ) {
    return payload(() => healthService.verifyRecipients(ctx, input), { campaign: null, recipientCheck: null });
  }
}

@Resolver(() => Tenant)
export class TenantHealthResolver {
  @FieldResolver(() => [TimelineBucket], {
    description:
      "The whole tenant's sends and outcomes per UTC hour or day between from and to, every bucket present (zeros too), from the hourly counters.",
  })
  async timeline(@Ctx() ctx: RequestContext, @Args(() => TimelineArgs) args: TimelineArgs) {
    return (await healthService.timeline(ctx, "tenant", null, args)).map(TimelineBucket.from);
  }
}
