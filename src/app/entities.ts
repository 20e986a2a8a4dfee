import { Alert } from "../modules/alert/alert.entity";
import { ApiKey } from "../modules/api-key/api-key.entity";
import { BounceEvent } from "../modules/bounce/bounce-event.entity";
import { Campaign } from "../modules/campaign/campaign.entity";
import { Domain } from "../modules/domain/domain.entity";
import { Inbox } from "../modules/inbox/inbox.entity";
import { Suppression } from "../modules/suppression/suppression.entity";
import { Tenant } from "../modules/tenant/tenant.entity";
import { WebhookEndpoint } from "../modules/webhook/webhook-endpoint.entity";
import { WebhookSubscription } from "../modules/webhook-subscription/webhook-subscription.entity";

export const ENTITIES = [
  Tenant,
  ApiKey,
  Domain,
  Inbox,
  Campaign,
  BounceEvent,
  Suppression,
  WebhookEndpoint,
  Alert,
  WebhookSubscription,
];
