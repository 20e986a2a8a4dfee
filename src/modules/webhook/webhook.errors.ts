import { defineErrorCodes } from "../../platform/graphql/user-error";

/** What createWebhookEndpoint refuses (beside the common codes). */
export const WebhookErrorCode = defineErrorCodes("webhook", {
  NOT_FOR_PROVIDER: "A setting that the endpoint's provider does not use.",
  REQUIRED: "A setting the endpoint's provider needs is missing.",
  TOO_MANY_TOPICS: "More SNS TopicArns than one endpoint may accept.",
  INVALID_TOPIC_ARN: "Not an SNS TopicArn.",
  INVALID_PUBLIC_KEY: "Not a SendGrid Signed Event Webhook verification key.",
  INVALID_SIGNING_KEY: "The Mailgun signing key has the wrong length.",
  INVALID_USERNAME: "The Postmark basic-auth user name is empty, too long or holds a colon.",
  WEAK_PASSWORD: "The Postmark basic-auth password is too short (or too long).",
});
