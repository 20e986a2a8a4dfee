import {
  Arg,
  Args,
  Authorized,
  Ctx,
  Field,
  FieldResolver,
  ID,
  InputType,
  Query,
  registerEnumType,
  Resolver,
  Root,
} from "type-graphql";
import type { BounceFault, BounceReason, BounceType } from "../../core/bounce";
import type { MailboxProvider } from "../../core/providers";
import { OrderDirectionEnum, type OrderDirection } from "../../platform/graphql/connection";
import { BounceFaultEnum, BounceReasonEnum, BounceTypeEnum, MailboxProviderEnum } from "../../platform/graphql/enums";
import type { RequestContext } from "../../platform/context";
import { ConnectionArgs, connectionType } from "../../platform/graphql/connection";
import { uuidOf } from "../../platform/graphql/global-id";
import { Campaign } from "../campaign";
import { Inbox } from "../inbox";
import { BounceEvent } from "./bounce-event.entity";
import { BounceAnalysis, BounceDiagnosis } from "./bounce-diagnosis.types";
import { bounceService } from "./bounce.service";
import { campaignById } from "../campaign";
import { inboxById } from "../inbox";

const BounceEventConnection = connectionType("BounceEvent", BounceEvent);

@InputType("BounceEventFilter", {
  description: "Narrows a list of bounce events; all given conditions must hold. Every condition is index-backed.",
})
export class BounceEventFilterInput {
  @Field(() => ID, { nullable: true, description: "Only this campaign's events." })
  campaignId?: string | null;

  @Field(() => ID, { nullable: true, description: "Only this inbox's events." })
  inboxId?: string | null;

  @Field(() => String, { nullable: true, description: "Only events for this recipient address." })
  recipient?: string | null;

  @Field(() => Date, { nullable: true, description: "Only events that occurred at or after this time." })
  occurredFrom?: Date | null;

  @Field(() => Date, { nullable: true, description: "Only events that occurred before this time." })
  occurredTo?: Date | null;

  @Field(() => BounceReasonEnum, { nullable: true, description: "Only events with this reason." })
  reason?: BounceReason | null;

  @Field(() => BounceFaultEnum, { nullable: true, description: "Only events with this fault (whose problem it is)." })
  fault?: BounceFault | null;

  @Field(() => MailboxProviderEnum, { nullable: true, description: "Only events to this recipient provider." })
  provider?: MailboxProvider | null;

  @Field(() => BounceTypeEnum, {
    nullable: true,
    description: "Only HARD (permanent) or only SOFT (transient) events.",
  })
  bounceType?: BounceType | null;
}

export const BounceEventOrderFieldEnum = { CREATED_AT: "CREATED_AT", OCCURRED_AT: "OCCURRED_AT" } as const;
registerEnumType(BounceEventOrderFieldEnum, {
  name: "BounceEventOrderField",
  description: "What a list of bounce events is ordered by.",
  valuesConfig: {
    CREATED_AT: { description: "When Rebound stored the event." },
    OCCURRED_AT: { description: "When the event happened, as reported." },
  },
});

@InputType("BounceEventOrder", { description: "The order of a list of bounce events." })
export class BounceEventOrderInput {
  @Field(() => BounceEventOrderFieldEnum, { description: "What to order by." })
  field: keyof typeof BounceEventOrderFieldEnum;

  @Field(() => OrderDirectionEnum, { description: "Which way." })
  direction: OrderDirection;
}

const NO_MATCH = "00000000-0000-0000-0000-000000000000";

@Resolver(() => BounceEvent)
export class BounceResolver {
  @Authorized("read")
  @Query(() => BounceEventConnection, {
    description: "Stored bounce events, newest first unless orderBy says otherwise.",
  })
  bounceEvents(
    @Ctx() ctx: RequestContext,
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Arg("filter", () => BounceEventFilterInput, { nullable: true, description: "Conditions the events must meet." })
    filter?: BounceEventFilterInput | null,
    @Arg("orderBy", () => BounceEventOrderInput, {
      nullable: true,
      description: "The order; default { field: CREATED_AT, direction: DESC }.",
    })
    orderBy?: BounceEventOrderInput | null,
  ) {
    // An id that names nothing of this tenant matches nothing (never "no filter").
    const ref = (id: string | null | undefined, type: string) => (id ? (uuidOf(id, type) ?? NO_MATCH) : null);
    return bounceService.list(
      ctx,
      args,
      {
        ...filter,
        campaignUuid: ref(filter?.campaignId, "Campaign"),
        inboxUuid: ref(filter?.inboxId, "Inbox"),
      },
      orderBy ?? null,
    );
  }

  @Authorized("read")
  @Query(() => BounceEvent, { nullable: true, description: "One bounce event by id; null when there is none." })
  bounceEvent(@Ctx() ctx: RequestContext, @Arg("id", () => ID) id: string) {
    const uuid = uuidOf(id, "BounceEvent");
    return uuid ? bounceService.findById(ctx, uuid) : null;
  }

  @Authorized("read")
  @Query(() => BounceAnalysis, {
    description:
      "Diagnose a whole bounce message (DSN, MTA bounce, ARF complaint, auto-reply) as it arrived. Stores nothing.",
  })
  async analyzeBounce(
    @Ctx() ctx: RequestContext,
    @Arg("raw", () => String, { description: "The raw message, headers and body." }) raw: string,
  ) {
    return BounceAnalysis.from(await bounceService.analyzeMessage(ctx, raw));
  }

  @Authorized("read")
  @Query(() => BounceDiagnosis, {
    description: 'Diagnose one SMTP reply, e.g. "550 5.1.1 <a@b.com>: User unknown". Stores nothing.',
  })
  analyzeSmtpReply(
    @Arg("text", () => String, {
      description: "The reply as the MTA or sending library reported it; multi-line replies welcome.",
    })
    text: string,
    @Arg("recipient", () => String, { nullable: true, description: "The recipient, when the reply does not name it." })
    recipient?: string | null,
  ) {
    return BounceDiagnosis.from(bounceService.analyzeSmtpReply(text, recipient));
  }

  @FieldResolver(() => Campaign, { nullable: true, description: "The campaign the bounce belongs to, when known." })
  campaign(@Ctx() ctx: RequestContext, @Root() event: BounceEvent) {
    return event.campaignId ? campaignById(ctx).load(event.campaignId) : null;
  }

  @FieldResolver(() => Inbox, { nullable: true, description: "The inbox that sent the bounced message, when known." })
  inbox(@Ctx() ctx: RequestContext, @Root() event: BounceEvent) {
    return event.inboxId ? inboxById(ctx).load(event.inboxId) : null;
  }
}
