import { Field, ID, InputType, ObjectType } from "type-graphql";
import type { EspProvider } from "../../core/webhooks";
import { connectionType } from "../../platform/graphql/connection";
import { UserError } from "../../platform/graphql/user-error";
import { WebhookEndpoint, WebhookProviderEnum } from "./webhook-endpoint.entity";

export const WebhookEndpointConnection = connectionType("WebhookEndpoint", WebhookEndpoint);

@InputType("CreateWebhookEndpointInput", {
  description: "An ESP webhook endpoint to create. Give exactly the settings of its provider.",
})
export class CreateWebhookEndpointInput {
  @Field(() => WebhookProviderEnum, { description: "The ESP that will post to it." })
  provider: EspProvider;

  @Field(() => String, { nullable: true, description: "A label, at most 200 characters." })
  name?: string | null;

  @Field(() => ID, { nullable: true, description: "Campaign of events that name none in their metadata." })
  campaignId?: string | null;

  @Field(() => ID, { nullable: true, description: "Inbox of events that name none in their metadata." })
  inboxId?: string | null;

  @Field(() => [String], {
    nullable: true,
    description: "SES: the SNS TopicArns to accept (required), e.g. arn:aws:sns:us-east-1:123456789012:ses-bounces.",
  })
  snsTopicArns?: string[] | null;

  @Field(() => String, {
    nullable: true,
    description: "SendGrid: the Signed Event Webhook verification key (base64 or PEM, ECDSA P-256; required).",
  })
  sendgridPublicKey?: string | null;

  @Field(() => String, {
    nullable: true,
    description: "Mailgun: the HTTP webhook signing key (required). Never shown again.",
  })
  mailgunSigningKey?: string | null;

  @Field(() => String, {
    nullable: true,
    description: "Postmark: the basic-auth user name to put in the webhook URL (required, no colon).",
  })
  postmarkUsername?: string | null;

  @Field(() => String, {
    nullable: true,
    description: "Postmark: the basic-auth password (required, at least 16 characters). Never shown again.",
  })
  postmarkPassword?: string | null;
}

@ObjectType("CreateWebhookEndpointPayload", { description: "Result of createWebhookEndpoint." })
export class CreateWebhookEndpointPayload {
  @Field(() => WebhookEndpoint, {
    nullable: true,
    description: "The endpoint, with the path to configure at the ESP; null when userErrors is not empty.",
  })
  webhookEndpoint: WebhookEndpoint | null;

  @Field(() => [UserError], { description: "Problems with the input; empty on success." })
  userErrors: UserError[];
}

@InputType("DeleteWebhookEndpointInput", { description: "The endpoint to delete." })
export class DeleteWebhookEndpointInput {
  @Field(() => ID, { description: "The endpoint to delete; its URL answers 404 from then on." })
  id: string;
}

@ObjectType("DeleteWebhookEndpointPayload", { description: "Result of deleteWebhookEndpoint." })
export class DeleteWebhookEndpointPayload {
  @Field(() => ID, { nullable: true, description: "Id of the deleted endpoint; null when userErrors is not empty." })
  deletedWebhookEndpointId: string | null;

  @Field(() => [UserError], { description: "Problems with the input; empty on success." })
  userErrors: UserError[];
}
