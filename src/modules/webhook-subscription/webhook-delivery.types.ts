import { Field, ID, InputType, Int, ObjectType, registerEnumType } from "type-graphql";
import { toGlobalId } from "../../platform/graphql/global-id";
import { WebhookEventTypeEnum } from "./webhook-subscription.entity";
import type { WebhookDeliveryType } from "../../core/outgoing-webhooks";

export const WEBHOOK_DELIVERY_STATUSES = ["PENDING", "SUCCEEDED", "FAILED"] as const;
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];
export const WebhookDeliveryStatusEnum = Object.fromEntries(WEBHOOK_DELIVERY_STATUSES.map((s) => [s, s])) as Record<
  WebhookDeliveryStatus,
  WebhookDeliveryStatus
>;
registerEnumType(WebhookDeliveryStatusEnum, {
  name: "WebhookDeliveryStatus",
  description: "Where a message stands.",
  valuesConfig: {
    PENDING: { description: "Not delivered yet: due, in flight, or waiting for a retry." },
    SUCCEEDED: { description: "The endpoint answered 2xx." },
    FAILED: { description: "Given up after retrying for days (redeliverWebhook sends it again)." },
  },
});

@ObjectType("WebhookDeliveryAttempt", { description: "One HTTP POST of a message." })
export class WebhookDeliveryAttempt {
  @Field(() => Int, { description: "1 for the first attempt, then 2, 3..." })
  attempt: number;

  @Field(() => Date, { description: "When the request started." })
  attemptedAt: Date;

  @Field(() => Int, { nullable: true, description: "The HTTP status answered; null when there was no answer." })
  httpStatus: number | null;

  @Field(() => Int, { description: "Milliseconds from the start of the request to the answer (or the failure)." })
  latencyMs: number;

  @Field(() => String, {
    nullable: true,
    description: "Why it failed (timeout, refused address...); null on an answer.",
  })
  error: string | null;
}

/** A message to an endpoint: the `webhook-id` its receiver dedupes on, and its attempts. */
@ObjectType("WebhookDelivery", {
  description: "One message to one subscription, with every attempt. Retries and redeliveries keep its webhookId.",
})
export class WebhookDelivery {
  tenantId: string;
  uuid: string;
  subscriptionId: string;

  @Field(() => ID, { description: "Opaque id, for redeliverWebhook." })
  get id(): string {
    return toGlobalId("WebhookDelivery", this.uuid);
  }

  @Field(() => String, { description: "The webhook-id header (msg_...): the same on every attempt." })
  get webhookId(): string {
    return webhookIdOf(this.uuid);
  }

  @Field(() => WebhookEventTypeEnum, { description: "The event announced." })
  type: WebhookDeliveryType;

  @Field(() => WebhookDeliveryStatusEnum, { description: "PENDING, SUCCEEDED or FAILED." })
  status: WebhookDeliveryStatus;

  @Field(() => String, { description: "The exact JSON body sent (and signed)." })
  body: string;

  @Field(() => Date, { description: "When the event committed (the message was enqueued)." })
  createdAt: Date;

  @Field(() => Date, { nullable: true, description: "When the next attempt is due; null unless PENDING." })
  nextAttemptAt: Date | null;

  @Field(() => Date, { nullable: true, description: "When an attempt succeeded; null until then." })
  deliveredAt: Date | null;

  @Field(() => [WebhookDeliveryAttempt], { description: "Every attempt, oldest first." })
  attempts: WebhookDeliveryAttempt[];
}

/** The Standard Webhooks message id of a delivery: stable, so receivers can dedupe. */
export function webhookIdOf(uuid: string): string {
  return `msg_${uuid.replace(/-/g, "")}`;
}

@InputType("WebhookDeliveryFilter", { description: "Narrows a list of deliveries; all given conditions must hold." })
export class WebhookDeliveryFilterInput {
  @Field(() => WebhookDeliveryStatusEnum, { nullable: true, description: "Only messages in this state." })
  status?: WebhookDeliveryStatus | null;

  @Field(() => WebhookEventTypeEnum, { nullable: true, description: "Only messages of this event." })
  type?: WebhookDeliveryType | null;
}
