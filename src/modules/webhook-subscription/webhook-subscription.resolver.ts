import { Arg, Args, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from "type-graphql";
import type { RequestContext } from "../../platform/context";
import { ConnectionArgs } from "../../platform/graphql/connection";
import { toGlobalId, uuidOf } from "../../platform/graphql/global-id";
import { payload } from "../../platform/graphql/payload";
import { CommonErrorCode, fail } from "../../platform/graphql/user-error";
import { Campaign, campaignById } from "../campaign";
import { registerNodeType } from "../node";
import { WebhookDeliveryFilterInput } from "./webhook-delivery.types";
import { WebhookSubscription } from "./webhook-subscription.entity";
import { webhookSubscriptionService as service } from "./webhook-subscription.service";
import {
  CreateWebhookSubscriptionInput,
  CreateWebhookSubscriptionPayload,
  DeleteWebhookSubscriptionInput,
  DeleteWebhookSubscriptionPayload,
  PauseWebhookSubscriptionInput,
  PauseWebhookSubscriptionPayload,
  RedeliverWebhookInput,
  RedeliverWebhookPayload,
  ResumeWebhookSubscriptionInput,
  ResumeWebhookSubscriptionPayload,
  RotateWebhookSecretInput,
  RotateWebhookSecretPayload,
  SendTestWebhookInput,
  SendTestWebhookPayload,
  UpdateWebhookSubscriptionInput,
  UpdateWebhookSubscriptionPayload,
  WebhookDeliveryConnection,
  WebhookSubscriptionConnection,
} from "./webhook-subscription.types";

// Outgoing webhooks are managed with the admin scope only (URLs and delivery bodies included).
registerNodeType(
  "WebhookSubscription",
  async (ctx, uuid) => (ctx.auth?.scopes.includes("admin") ? service.findById(ctx, uuid) : null),
  async (ctx, uuids) => (ctx.auth?.scopes.includes("admin") ? service.findByIds(ctx, uuids) : []),
);

/** A campaign id from input: undefined when absent, null when given as null; an unknown id is NOT_FOUND. */
function campaignRef(id: string | null | undefined): string | null | undefined {
  if (id === undefined) return undefined;
  if (id === null) return null;
  const uuid = uuidOf(id, "Campaign");
  if (!uuid) fail(CommonErrorCode.NOT_FOUND, "No campaign with that id.", ["input", "campaignId"]);
  return uuid;
}

@Resolver(() => WebhookSubscription)
export class WebhookSubscriptionResolver {
  @Authorized("admin")
  @Query(() => WebhookSubscriptionConnection, {
    description: "The tenant's outgoing webhook subscriptions, newest first.",
  })
  webhookSubscriptions(@Ctx() ctx: RequestContext, @Args(() => ConnectionArgs) args: ConnectionArgs) {
    return service.list(ctx, args);
  }

  @Authorized("admin")
  @Mutation(() => CreateWebhookSubscriptionPayload, {
    description:
      "Send the chosen events to an endpoint of yours, signed (Standard Webhooks); returns the signing secret once.",
  })
  createWebhookSubscription(
    @Ctx() ctx: RequestContext,
    @Arg("input", () => CreateWebhookSubscriptionInput) input: CreateWebhookSubscriptionInput,
  ) {
    return payload(
      async () => {
        const created = await service.create(ctx, {
          url: input.url,
          events: input.events,
          description: input.description,
          campaignUuid: campaignRef(input.campaignId ?? null),
        });
        return { webhookSubscription: created.subscription, secret: created.secret };
      },
      { webhookSubscription: null, secret: null },
    );
  }

  @Authorized("admin")
  @Mutation(() => UpdateWebhookSubscriptionPayload, {
    description: "Change a subscription's URL, events, campaign or label.",
  })
  updateWebhookSubscription(
    @Ctx() ctx: RequestContext,
    @Arg("input", () => UpdateWebhookSubscriptionInput) input: UpdateWebhookSubscriptionInput,
  ) {
    return payload(
      async () => ({
        webhookSubscription: await service.update(ctx, uuidOf(input.id, "WebhookSubscription"), {
          url: input.url,
          events: input.events,
          description: input.description,
          campaignUuid: campaignRef(input.campaignId),
        }),
      }),
      { webhookSubscription: null },
    );
  }

  @Authorized("admin")
  @Mutation(() => PauseWebhookSubscriptionPayload, {
    description: "Stop sending to a subscription; events that happen while it is paused are never sent.",
  })
  pauseWebhookSubscription(
    @Ctx() ctx: RequestContext,
    @Arg("input", () => PauseWebhookSubscriptionInput) input: { id: string },
  ) {
    return payload(
      async () => ({
        webhookSubscription: await service.setPaused(ctx, uuidOf(input.id, "WebhookSubscription"), true),
      }),
      { webhookSubscription: null },
    );
  }

  @Authorized("admin")
  @Mutation(() => ResumeWebhookSubscriptionPayload, {
    description: "Send again to a paused or disabled subscription; a disabled one's waiting messages are due at once.",
  })
  resumeWebhookSubscription(
    @Ctx() ctx: RequestContext,
    @Arg("input", () => ResumeWebhookSubscriptionInput) input: { id: string },
  ) {
    return payload(
      async () => ({
        webhookSubscription: await service.setPaused(ctx, uuidOf(input.id, "WebhookSubscription"), false),
      }),
      { webhookSubscription: null },
    );
  }

  @Authorized("admin")
  @Mutation(() => DeleteWebhookSubscriptionPayload, {
    description: "Delete a subscription with its messages; nothing more is sent to it.",
  })
  deleteWebhookSubscription(
    @Ctx() ctx: RequestContext,
    @Arg("input", () => DeleteWebhookSubscriptionInput) input: { id: string },
  ) {
    return payload(
      async () => ({
        deletedWebhookSubscriptionId: toGlobalId(
          "WebhookSubscription",
          await service.delete(ctx, uuidOf(input.id, "WebhookSubscription")),
        ),
      }),
      { deletedWebhookSubscriptionId: null },
    );
  }

  @Authorized("admin")
  @Mutation(() => RotateWebhookSecretPayload, {
    description:
      "A new signing secret, shown once; for 24 hours messages carry signatures by both the old and the new.",
  })
  rotateWebhookSecret(@Ctx() ctx: RequestContext, @Arg("input", () => RotateWebhookSecretInput) input: { id: string }) {
    return payload(
      async () => {
        const rotated = await service.rotateSecret(ctx, uuidOf(input.id, "WebhookSubscription"));
        return { webhookSubscription: rotated.subscription, secret: rotated.secret };
      },
      { webhookSubscription: null, secret: null },
    );
  }

  @Authorized("admin")
  @Mutation(() => RedeliverWebhookPayload, {
    description: "Send a message again now, with the same webhook-id and body (receivers dedupe on the id).",
  })
  redeliverWebhook(
    @Ctx() ctx: RequestContext,
    @Arg("input", () => RedeliverWebhookInput) input: RedeliverWebhookInput,
  ) {
    return payload(
      async () => ({ delivery: await service.redeliver(ctx, uuidOf(input.deliveryId, "WebhookDelivery")) }),
      { delivery: null },
    );
  }

  @Authorized("admin")
  @Mutation(() => SendTestWebhookPayload, {
    description: "Send a webhook.test message to a subscription now, to check the endpoint and its verification.",
  })
  sendTestWebhook(@Ctx() ctx: RequestContext, @Arg("input", () => SendTestWebhookInput) input: SendTestWebhookInput) {
    return payload(
      async () => ({ delivery: await service.sendTest(ctx, uuidOf(input.subscriptionId, "WebhookSubscription")) }),
      { delivery: null },
    );
  }

  @FieldResolver(() => Campaign, {
    nullable: true,
    description: "The one campaign whose events it receives; null: all.",
  })
  campaign(@Ctx() ctx: RequestContext, @Root() subscription: WebhookSubscription) {
    return subscription.campaignId ? campaignById(ctx).load(subscription.campaignId) : null;
  }

  @FieldResolver(() => WebhookDeliveryConnection, {
    description: "Messages sent (or to be sent) to it, newest first, with every attempt.",
  })
  deliveries(
    @Ctx() ctx: RequestContext,
    @Root() subscription: WebhookSubscription,
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Arg("filter", () => WebhookDeliveryFilterInput, { nullable: true, description: "Only these messages." })
    filter?: WebhookDeliveryFilterInput | null,
  ) {
    return service.deliveries(ctx, subscription.uuid, args, filter ?? {});
  }
}
