import { Field, ID, InputType, ObjectType, type ClassType } from "type-graphql";
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

// One payload shape per mutation name (<Mutation>Payload, <Mutation>Input), made by these
// factories so that the shapes cannot drift apart.

/** The payload of a mutation that answers with the subscription, and its secret when it made one. */
function subscriptionPayload(mutation: string, secret: string | null) {
  const name = `${mutation[0].toUpperCase()}${mutation.slice(1)}Payload`;
  @ObjectType(name, { description: `Result of ${mutation}.` })
  class SubscriptionPayload {
    @Field(() => WebhookSubscription, {
      nullable: true,
      description: "The subscription; null when userErrors is not empty.",
    })
    webhookSubscription: WebhookSubscription | null;

    @Field(() => [UserError], { description: "Problems with the input; empty on success." })
    userErrors: UserError[];
  }
  if (!secret) return SubscriptionPayload as ClassType<{ webhookSubscription: WebhookSubscription | null }>;
  @ObjectType(name, { description: `Result of ${mutation}.` })
  class SecretPayload extends SubscriptionPayload {
    @Field(() => String, { nullable: true, description: secret })
    secret: string | null;
  }
  return SecretPayload;
}

export const CreateWebhookSubscriptionPayload = subscriptionPayload(
  "createWebhookSubscription",
  "The signing secret (whsec_...), shown only this once: keep it to verify signatures.",
);
export const RotateWebhookSecretPayload = subscriptionPayload(
  "rotateWebhookSecret",
  "The new signing secret, shown only this once. The previous one keeps signing beside it for 24 hours.",
);
export const UpdateWebhookSubscriptionPayload = subscriptionPayload("updateWebhookSubscription", null);
export const PauseWebhookSubscriptionPayload = subscriptionPayload("pauseWebhookSubscription", null);
export const ResumeWebhookSubscriptionPayload = subscriptionPayload("resumeWebhookSubscription", null);

/** The input of a mutation that names one subscription. */
function subscriptionIdInput(mutation: string, what: string) {
  @InputType(`${mutation[0].toUpperCase()}${mutation.slice(1)}Input`, { description: `The subscription to ${what}.` })
  class SubscriptionIdInput {
    @Field(() => ID, { description: "The subscription." })
    id: string;
  }
  return SubscriptionIdInput;
}

export const PauseWebhookSubscriptionInput = subscriptionIdInput("pauseWebhookSubscription", "pause");
export const ResumeWebhookSubscriptionInput = subscriptionIdInput("resumeWebhookSubscription", "resume");
export const DeleteWebhookSubscriptionInput = subscriptionIdInput("deleteWebhookSubscription", "delete");
export const RotateWebhookSecretInput = subscriptionIdInput("rotateWebhookSecret", "give a new signing secret");

/** The payload of a mutation that answers with one message. */
function deliveryPayload(mutation: string) {
  @ObjectType(`${mutation[0].toUpperCase()}${mutation.slice(1)}Payload`, { description: `Result of ${mutation}.` })
  class DeliveryPayload {
    @Field(() => WebhookDelivery, {
      nullable: true,
      description: "The message, due now (it keeps its webhookId); null when userErrors is not empty.",
    })
    delivery: WebhookDelivery | null;

    @Field(() => [UserError], { description: "Problems with the input; empty on success." })
    userErrors: UserError[];
  }
  return DeliveryPayload;
}

export const RedeliverWebhookPayload = deliveryPayload("redeliverWebhook");
export const SendTestWebhookPayload = deliveryPayload("sendTestWebhook");

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
