// What the webhook-subscription module (outgoing webhooks) offers the rest of the system:
// other modules and the app import these from here, never its files.
export { WebhookSubscription } from "./webhook-subscription.entity";
export { webhookSubscriptionService } from "./webhook-subscription.service";
export {
  webhooksForAlerts,
  webhooksForAudits,
  webhooksForIngest,
  webhooksForSuppressions,
} from "./webhook-subscription.plugs";
export { startWebhookWorker } from "./webhook-subscription.runtime";
export { signatureHeader } from "./webhook.worker";
