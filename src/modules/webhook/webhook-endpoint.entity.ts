import { Column, Entity } from "typeorm";
import { Field, ObjectType, registerEnumType } from "type-graphql";
import { TenantRecord } from "../../platform/db/tenant-record";
import { Node } from "../../platform/graphql/node";
import type { EspProvider } from "../../core/webhooks";

export const WEBHOOK_PROVIDERS = ["SES", "SENDGRID", "MAILGUN", "POSTMARK"] as const satisfies readonly EspProvider[];

export const WebhookProviderEnum = Object.fromEntries(WEBHOOK_PROVIDERS.map((p) => [p, p])) as Record<
  EspProvider,
  EspProvider
>;
registerEnumType(WebhookProviderEnum, {
  name: "WebhookProvider",
  description: "The ESP that posts to a webhook endpoint, which decides how its requests are authenticated.",
  valuesConfig: {
    SES: { description: "Amazon SES through an SNS topic: SNS message signature plus a TopicArn allowlist." },
    SENDGRID: { description: "SendGrid Event Webhook: ECDSA P-256 signature over timestamp and body." },
    MAILGUN: {
      description:
        "Mailgun webhooks (v3 JSON): HMAC-SHA256 of timestamp and token with the signing key, tokens never accepted twice.",
    },
    POSTMARK: { description: "Postmark bounce, complaint and delivery webhooks: HTTP basic auth." },
  },
});

/** Vendor settings that are not secret (kept in the settings column). */
export interface WebhookEndpointSettings {
  allowedTopicArns?: string[];
  sendgridPublicKey?: string;
  postmarkUsername?: string;
}

/** Vendor secrets (the secrets column): never returned by the API. */
export interface WebhookEndpointSecrets {
  mailgunSigningKey?: string;
  postmarkPassword?: string;
}

@Entity({ name: "webhook_endpoints" })
@ObjectType("WebhookEndpoint", {
  implements: Node,
  description: "A URL an ESP posts its bounce, complaint and delivery events to. Its secrets are never shown.",
})
export class WebhookEndpoint extends TenantRecord implements Node {
  @Field(() => WebhookProviderEnum, { description: "The ESP that posts to it." })
  @Column({ type: "text" })
  provider: EspProvider;

  @Field(() => String, { nullable: true, description: "A label, e.g. the ESP account or region." })
  @Column({ type: "text", nullable: true })
  name: string | null;

  @Column({ type: "uuid", name: "campaign_id", nullable: true })
  campaignId: string | null;

  @Column({ type: "uuid", name: "inbox_id", nullable: true })
  inboxId: string | null;

  @Column({ type: "jsonb", default: {} })
  settings: WebhookEndpointSettings;

  @Column({ type: "jsonb", default: {} })
  secrets: WebhookEndpointSecrets;

  @Field(() => String, {
    description: "The path to give the ESP, on this server's public URL: /webhooks/<provider>/<endpoint id>.",
  })
  get path(): string {
    return `/webhooks/${this.provider.toLowerCase()}/${this.uuid}`;
  }

  @Field(() => [String], {
    description: "SES only: the SNS TopicArns accepted (anything else is refused, even when correctly signed).",
  })
  get allowedTopicArns(): string[] {
    return this.settings?.allowedTopicArns ?? [];
  }

  @Field(() => String, {
    nullable: true,
    description: "Postmark only: the basic-auth user name (the password is never shown).",
  })
  get postmarkUsername(): string | null {
    return this.settings?.postmarkUsername ?? null;
  }
}
