import { defineErrorCodes } from "../../platform/graphql/user-error";

/** What the webhook subscription mutations refuse (beside the common codes). */
export const WebhookSubscriptionErrorCode = defineErrorCodes("webhook-subscription", {
  INVALID_URL: "Not an absolute URL, longer than allowed, or carrying a user name or password.",
  INSECURE_URL: "The URL is not https (http is allowed only with REBOUND_WEBHOOK_ALLOW_PRIVATE=1).",
  PRIVATE_ADDRESS:
    "The URL names a private, loopback, link-local or cloud metadata address (link-local and metadata are never allowed).",
  NO_EVENTS: "No event type was chosen.",
  INVALID_EVENT: "An event type that cannot be subscribed to (TEST: use sendTestWebhook).",
  INVALID_DESCRIPTION: "The description is longer than allowed.",
});
