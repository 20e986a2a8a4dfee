import { Field, ID, InputType, ObjectType } from "type-graphql";
import type { WebhookDeliveryType } from "../../core/outgoing-webhooks";
import { connectionType } from "../../platform/graphql/connection";
import { UserError } from "../../platform/graphql/user-error";
import { WebhookDelivery } from "./webhook-delivery.types";
import { WebhookEventTypeEnum, WebhookSubscription } from "./webhook-subscription.entity";

export const WebhookSubscriptionConnection = connectionType("WebhookSubscription", WebhookSubscription);
export const WebhookDeliveryConnection = connectionType("WebhookDelivery", WebhookDelivery);

@InputType("CreateWebhookSubscriptionInput", { description: "An endpoint of yours to send events to." })
export class CreateWebhookSubscriptionInput {
  @Field(() => String, {
    description: "The https URL to POST to (at most 2,048 characters; private and loopback addresses are refused).",
  })
  url: string;

  @Field(() => [WebhookEventTypeEnum], { description: "The events to send (at least one; not TEST)." })
  events: WebhookDeliveryType[];

  @Field(() => ID, { nullable: true, description: "Only events of this campaign; all campaigns when omitted." })
  campaignId?: string | null;

  @Field(() => String, { nullable: true, description: "Your label for it, at most 500 characters." })
  description?: string | null;
}

@ObjectType("CreateWebhookSubscriptionPayload", { description: "Result of createWebhookSubscription." })
export class CreateWebhookSubscriptionPayload {
  @Field(() => WebhookSubscription, {
    nullable: true,
    description: "The subscription; null when userErrors is not empty.",
  })
  webhookSubscription: WebhookSubscription | null;

  @Field(() => String, {
    nullable: true,
    description: "The signing secret (whsec_...), shown only this once: keep it to verify signatures.",
  })
  secret: string | null;

  @Field(() => [UserError], { description: "Problems with the input; empty on success." })
  userErrors: UserError[];
}

@InputType("UpdateWebhookSubscriptionInput", { description: "What to change; omitted fields stay as they are." })
export class UpdateWebhookSubscriptionInput {
  @Field(() => ID, { description: "The subscription." })
  id: string;

  @Field(() => String, { nullable: true, description: "A new URL (same rules as at creation)." })
  url?: string | null;

  @Field(() => [WebhookEventTypeEnum], { nullable: true, description: "The new list of events." })
  events?: WebhookDeliveryType[] | null;

  @Field(() => ID, { nullable: true, description: "Only events of this campaign; null for all campaigns." })
  campaignId?: string | null;

  @Field(() => String, { nullable: true, description: "A new label; null or empty removes it." })
  description?: string | null;
}

@ObjectType("WebhookSubscriptionPayload", {
  description: "Result of updateWebhookSubscription, pauseWebhookSubscription and resumeWebhookSubscription.",
})
export class WebhookSubscriptionPayload {
  @Field(() => WebhookSubscription, {
    nullable: true,
    description: "The subscription; null when userErrors is not empty.",
  })
  webhookSubscription: WebhookSubscription | null;

  @Field(() => [UserError], { description: "Problems with the input; empty on success." })
  userErrors: UserError[];
}

@InputType("WebhookSubscriptionIdInput", {
  description: "The subscription to pause, resume, delete, rotate the secret of, or send a test to.",
})
export class WebhookSubscriptionIdInput {
  @Field(() => ID, { description: "The subscription." })
  id: string;
}

@ObjectType("DeleteWebhookSubscriptionPayload", { description: "Result of deleteWebhookSubscription." })
export class DeleteWebhookSubscriptionPayload {
  @Field(() => ID, {
    nullable: true,
    description: "Id of the deleted subscription; null when userErrors is not empty.",
  })
  deletedWebhookSubscriptionId: string | null;

  @Field(() => [UserError], { description: "Problems with the input; empty on success." })
  userErrors: UserError[];
}

@ObjectType("RotateWebhookSecretPayload", { description: "Result of rotateWebhookSecret." })
export class RotateWebhookSecretPayload {
  @Field(() => WebhookSubscription, {
    nullable: true,
    description: "The subscription; null when userErrors is not empty.",
  })
  webhookSubscription: WebhookSubscription | null;

  @Field(() => String, {
    nullable: true,
    description: "The new signing secret, shown only this once. The previous one keeps signing beside it for 24 hours.",
  })
  secret: string | null;

  @Field(() => [UserError], { description: "Problems with the input; empty on success." })
  userErrors: UserError[];
}

@InputType("RedeliverWebhookInput", { description: "The message to send again." })
export class RedeliverWebhookInput {
  @Field(() => ID, { description: "A WebhookDelivery id (from WebhookSubscription.deliveries)." })
  deliveryId: string;
}

@InputType("SendTestWebhookInput", { description: "Where to send a webhook.test message." })
export class SendTestWebhookInput {
  @Field(() => ID, { description: "The subscription." })
  subscriptionId: string;
}

@ObjectType("WebhookDeliveryPayload", { description: "Result of redeliverWebhook and sendTestWebhook." })
export class WebhookDeliveryPayload {
  @Field(() => WebhookDelivery, {
    nullable: true,
    description: "The message, due now (it keeps its webhookId); null when userErrors is not empty.",
  })
  delivery: WebhookDelivery | null;

  @Field(() => [UserError], { description: "Problems with the input; empty on success." })
  userErrors: UserError[];
}
