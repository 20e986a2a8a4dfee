import { Column, Entity } from "typeorm";
import { Field, ObjectType, registerEnumType } from "type-graphql";
import { WEBHOOK_EVENT_TYPES, WEBHOOK_TEST, type WebhookDeliveryType } from "../../core/outgoing-webhooks";
import { TenantRecord } from "../../platform/db/tenant-record";
import { Node } from "../../platform/graphql/node";

export const WebhookEventTypeEnum = Object.fromEntries(
  [...WEBHOOK_EVENT_TYPES, WEBHOOK_TEST].map((t) => [t, t]),
) as Record<WebhookDeliveryType, WebhookDeliveryType>;
registerEnumType(WebhookEventTypeEnum, {
  name: "WebhookEventType",
  description: "What an outgoing webhook announces; the body's `type` is the dotted name given here.",
  valuesConfig: {
    BOUNCE_RECEIVED: { description: "bounce.received: a bounce was stored; data is the BounceEvent." },
    ALERT_RAISED: { description: "alert.raised: an alert was raised; data is the Alert." },
    CAMPAIGN_HEALTH_CHANGED: {
      description:
        "campaign.health_changed: a campaign's counters moved (as campaignHealthChanged); data is the Campaign.",
    },
    SUPPRESSION_ADDED: {
      description: "suppression.added: an address or domain was suppressed; data is the Suppression.",
    },
    SUPPRESSION_REMOVED: { description: "suppression.removed: a suppression was removed; data is the Suppression." },
    DOMAIN_AUTH_CHANGED: {
      description: "domain.auth_changed: a DNS audit found a domain's authentication changed; data is the Domain.",
    },
    TEST: { description: "webhook.test: sent by sendTestWebhook only; cannot be subscribed to." },
  },
});

export const WEBHOOK_SUBSCRIPTION_STATUSES = ["ACTIVE", "PAUSED", "DISABLED"] as const;
export type WebhookSubscriptionStatus = (typeof WEBHOOK_SUBSCRIPTION_STATUSES)[number];
export const WebhookSubscriptionStatusEnum = Object.fromEntries(
  WEBHOOK_SUBSCRIPTION_STATUSES.map((s) => [s, s]),
) as Record<WebhookSubscriptionStatus, WebhookSubscriptionStatus>;
registerEnumType(WebhookSubscriptionStatusEnum, {
  name: "WebhookSubscriptionStatus",
  description: "Whether a subscription receives events.",
  valuesConfig: {
    ACTIVE: { description: "Events are sent." },
    PAUSED: { description: "Paused by you: events that happen meanwhile are not sent, now or later." },
    DISABLED: {
      description: "Disabled by Rebound (410 Gone, or failing for days); messages wait until it is resumed.",
    },
  },
});

@Entity({ name: "webhook_subscriptions" })
@ObjectType("WebhookSubscription", {
  implements: Node,
  description:
    "An endpoint of yours that receives signed HTTP POSTs (Standard Webhooks) when the chosen events happen. Its signing secret is shown only when created or rotated.",
})
export class WebhookSubscription extends TenantRecord implements Node {
  @Field(() => String, {
    description: "Where the events are POSTed (https unless the server allows private addresses).",
  })
  @Column({ type: "text" })
  url: string;

  @Field(() => [WebhookEventTypeEnum], { description: "The events sent to it." })
  @Column({ type: "text", array: true })
  events: WebhookDeliveryType[];

  @Column({ type: "uuid", name: "campaign_id", nullable: true })
  campaignId: string | null;

  @Field(() => String, { nullable: true, description: "Your label for it, at most 500 characters." })
  @Column({ type: "text", nullable: true })
  description: string | null;

  @Field(() => WebhookSubscriptionStatusEnum, { description: "ACTIVE, PAUSED (by you) or DISABLED (by Rebound)." })
  @Column({ type: "text" })
  status: WebhookSubscriptionStatus;

  @Field(() => String, { nullable: true, description: "Why Rebound disabled it; null unless DISABLED." })
  @Column({ type: "text", name: "disabled_reason", nullable: true })
  disabledReason: string | null;

  /** The signing secret, encrypted (webhook-secret.ts). */
  @Column({ type: "text" })
  secret: string;

  /** The secret before the last rotation, encrypted; it signs too until previousSecretExpiresAt. */
  @Column({ type: "text", name: "previous_secret", nullable: true })
  previousSecret: string | null;

  @Field(() => Date, {
    nullable: true,
    description:
      "Until when the secret before the last rotation still signs (beside the new one); null when none does.",
  })
  @Column({ type: "timestamptz", name: "previous_secret_expires_at", nullable: true })
  previousSecretExpiresAt: Date | null;

  @Field(() => Date, {
    nullable: true,
    description: "Since when every attempt has failed; null when the last attempt succeeded.",
  })
  @Column({ type: "timestamptz", name: "failing_since", nullable: true })
  failingSince: Date | null;
}
