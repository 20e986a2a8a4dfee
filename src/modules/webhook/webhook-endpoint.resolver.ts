import { Arg, Args, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from "type-graphql";
import type { RequestContext } from "../../platform/context";
import { ConnectionArgs } from "../../platform/graphql/connection";
import { uuidOf } from "../../platform/graphql/global-id";
import { payload } from "../../platform/graphql/payload";
import { Campaign } from "../campaign";
import { Inbox } from "../inbox";
import { registerNodeType } from "../node";
import { WebhookEndpoint } from "./webhook-endpoint.entity";
import { webhookEndpointService } from "./webhook-endpoint.service";
import {
  CreateWebhookEndpointInput,
  CreateWebhookEndpointPayload,
  DeleteWebhookEndpointInput,
  DeleteWebhookEndpointPayload,
  WebhookEndpointConnection,
} from "./webhook-endpoint.types";
import { campaignById } from "../campaign";
import { inboxById } from "../inbox";

registerNodeType("WebhookEndpoint", (ctx, uuid) => webhookEndpointService.findById(ctx, uuid));

@Resolver(() => WebhookEndpoint)
export class WebhookEndpointResolver {
  @Authorized("read")
  @Query(() => WebhookEndpointConnection, { description: "The tenant's ESP webhook endpoints, newest first." })
  webhookEndpoints(@Ctx() ctx: RequestContext, @Args(() => ConnectionArgs) args: ConnectionArgs) {
    return webhookEndpointService.list(ctx, args);
  }

  @Authorized("write")
  @Mutation(() => CreateWebhookEndpointPayload, {
    description:
      "Create the URL an ESP (SES via SNS, SendGrid, Mailgun, Postmark) posts its events to, with how its requests are authenticated.",
  })
  createWebhookEndpoint(
    @Ctx() ctx: RequestContext,
    @Arg("input", () => CreateWebhookEndpointInput) input: CreateWebhookEndpointInput,
  ) {
    return payload(async () => ({ webhookEndpoint: await webhookEndpointService.create(ctx, input) }), {
      webhookEndpoint: null,
    });
  }

  @Authorized("write")
  @Mutation(() => DeleteWebhookEndpointPayload, {
    description: "Delete a webhook endpoint; the events it received are kept.",
  })
  deleteWebhookEndpoint(
    @Ctx() ctx: RequestContext,
    @Arg("input", () => DeleteWebhookEndpointInput) input: DeleteWebhookEndpointInput,
  ) {
    return payload(
      async () => ({
        deletedWebhookEndpointId: (await webhookEndpointService.delete(ctx, uuidOf(input.id, "WebhookEndpoint"))).id,
      }),
      { deletedWebhookEndpointId: null },
    );
  }

  @FieldResolver(() => Campaign, {
    nullable: true,
    description: "Campaign of events that name none in their metadata.",
  })
  campaign(@Ctx() ctx: RequestContext, @Root() endpoint: WebhookEndpoint) {
    return endpoint.campaignId ? campaignById(ctx).load(endpoint.campaignId) : null;
  }

  @FieldResolver(() => Inbox, { nullable: true, description: "Inbox of events that name none in their metadata." })
  inbox(@Ctx() ctx: RequestContext, @Root() endpoint: WebhookEndpoint) {
    return endpoint.inboxId ? inboxById(ctx).load(endpoint.inboxId) : null;
  }
}
