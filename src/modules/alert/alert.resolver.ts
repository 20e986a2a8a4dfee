import {
  Arg,
  Args,
  Authorized,
  Ctx,
  FieldResolver,
  ID,
  Mutation,
  Query,
  Resolver,
  Root,
  Subscription,
  type SubscribeResolverData,
} from "type-graphql";
import type { RequestContext } from "../../platform/context";
import { forbidden, unauthenticated } from "../../platform/graphql/errors";
import { ConnectionArgs, CreatedAtOrderInput } from "../../platform/graphql/connection";
import { uuidOf } from "../../platform/graphql/global-id";
import { payload } from "../../platform/graphql/payload";
import { hasScope } from "../api-key";
import { BounceEvent } from "../bounce";
import { Campaign } from "../campaign";
import { Domain } from "../domain";
import { Inbox } from "../inbox";
import { Alert } from "./alert.entity";
import { alertService } from "./alert.service";
import {
  AcknowledgeAlertInput,
  AcknowledgeAlertPayload,
  AlertConnection,
  AlertFilterInput,
  AlertRaisedFilterInput,
  BounceReceivedFilterInput,
} from "./alert.types";
import { campaignById } from "../campaign";
import { domainById } from "../domain";
import { inboxById } from "../inbox";

/** An id that names nothing of this tenant matches nothing (never "no filter"). */
const NO_MATCH = "00000000-0000-0000-0000-000000000000";
const ref = (id: string | null | undefined, type: string) => (id ? (uuidOf(id, type) ?? NO_MATCH) : null);

/** Subscriptions check their scope when they start (type-graphql's @Authorized runs per event). */
function subscriber(data: SubscribeResolverData<unknown, Record<string, unknown>, RequestContext>) {
  const ctx = data.context;
  if (!ctx.auth) throw unauthenticated();
  if (!hasScope(ctx.auth.scopes, "read")) throw forbidden("read");
  const hub = ctx.app.realtime?.hub;
  if (!hub) throw new Error("real-time delivery is not running in this process");
  return { ctx, hub, tenantId: ctx.auth.tenantId };
}

@Resolver(() => Alert)
export class AlertResolver {
  @Authorized("read")
  @Query(() => AlertConnection, {
    description:
      "Stored alerts, newest first unless orderBy says otherwise. After a reconnect, catch up with filter.since (and orderBy: { direction: ASC }).",
  })
  alerts(
    @Ctx() ctx: RequestContext,
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Arg("filter", () => AlertFilterInput, { nullable: true, description: "Conditions the alerts must meet." })
    filter?: AlertFilterInput | null,
    @Arg("orderBy", () => CreatedAtOrderInput, { nullable: true, description: "The order; newest first by default." })
    orderBy?: CreatedAtOrderInput | null,
  ) {
    return alertService.list(
      ctx,
      args,
      { ...filter, campaignUuid: ref(filter?.campaignId, "Campaign") },
      orderBy?.direction ?? "DESC",
    );
  }

  @Authorized("write")
  @Mutation(() => AcknowledgeAlertPayload, { description: "Mark an alert as seen." })
  acknowledgeAlert(
    @Ctx() ctx: RequestContext,
    @Arg("input", () => AcknowledgeAlertInput) input: AcknowledgeAlertInput,
  ) {
    return payload(async () => ({ alert: await alertService.acknowledge(ctx, uuidOf(input.id, "Alert")) }), {
      alert: null,
    });
  }

  @FieldResolver(() => Campaign, { nullable: true, description: "The campaign the alert is about, if any." })
  campaign(@Ctx() ctx: RequestContext, @Root() alert: Alert) {
    return alert.campaignId ? campaignById(ctx).load(alert.campaignId) : null;
  }

  @FieldResolver(() => Inbox, { nullable: true, description: "The inbox the alert is about, if any." })
  inbox(@Ctx() ctx: RequestContext, @Root() alert: Alert) {
    return alert.inboxId ? inboxById(ctx).load(alert.inboxId) : null;
  }

  @FieldResolver(() => Domain, { nullable: true, description: "The domain the alert is about, if any." })
  domain(@Ctx() ctx: RequestContext, @Root() alert: Alert) {
    return alert.domainId ? domainById(ctx).load(alert.domainId) : null;
  }

  @Subscription(() => Alert, {
    description: "Every alert of the tenant as it is raised (after its transaction commits), narrowed by the filter.",
    subscribe: (data) => {
      const { hub, tenantId } = subscriber(
        data as SubscribeResolverData<unknown, Record<string, unknown>, RequestContext>,
      );
      const f = (data.args.filter ?? {}) as AlertRaisedFilterInput;
      const filter = {
        minSeverity: f.minSeverity ?? null,
        kinds: f.kinds ?? null,
        campaignUuid: ref(f.campaignId, "Campaign"),
      };
      return hub.subscribe<Alert>(tenantId, "alert", (alert) => alertService.matches(alert, filter));
    },
  })
  alertRaised(
    @Root() alert: Alert,
    @Arg("filter", () => AlertRaisedFilterInput, {
      nullable: true,
      description: "Which alerts to receive; all when omitted.",
    })
    _filter?: AlertRaisedFilterInput | null,
  ): Alert {
    return alert;
  }

  @Subscription(() => BounceEvent, {
    description: "Every stored bounce of the tenant as it is committed: the real-time 550 feed.",
    subscribe: (data) => {
      const { hub, tenantId } = subscriber(
        data as SubscribeResolverData<unknown, Record<string, unknown>, RequestContext>,
      );
      const f = (data.args.filter ?? {}) as BounceReceivedFilterInput;
      const campaign = ref(f.campaignId, "Campaign");
      const inbox = ref(f.inboxId, "Inbox");
      const domain = ref(f.domainId, "Domain");
      return hub.subscribe<BounceEvent>(
        tenantId,
        "bounce",
        (e) =>
          (!campaign || e.campaignId === campaign) &&
          (!inbox || e.inboxId === inbox) &&
          (!domain || e.domainId === domain) &&
          (!f.onlyPermanent || e.bounceType === "HARD"),
      );
    },
  })
  bounceReceived(
    @Root() event: BounceEvent,
    @Arg("filter", () => BounceReceivedFilterInput, {
      nullable: true,
      description: "Which bounces to receive; all when omitted.",
    })
    _filter?: BounceReceivedFilterInput | null,
  ): BounceEvent {
    return event;
  }

  @Subscription(() => Campaign, {
    description: "The campaign, each time its counters change (select stats, benchmarks and zone).",
    subscribe: (data) => {
      const { hub, tenantId } = subscriber(
        data as SubscribeResolverData<unknown, Record<string, unknown>, RequestContext>,
      );
      const id = ref(data.args.campaignId as string, "Campaign");
      return hub.subscribe<Campaign>(tenantId, "campaign", (c) => c.uuid === id);
    },
  })
  campaignHealthChanged(
    @Root() campaign: Campaign,
    @Arg("campaignId", () => ID, { description: "The campaign to watch." }) _campaignId: string,
  ): Campaign {
    return campaign;
  }
}
