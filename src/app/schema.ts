import "reflect-metadata";
import { GraphQLSchema, lexicographicSortSchema, printSchema } from "graphql";
import { buildSchema, type AuthChecker } from "type-graphql";
import type { RequestContext } from "../platform/context";
import { AlertResolver } from "../modules/alert/alert.resolver";
import { ApiKeyResolver } from "../modules/api-key/api-key.resolver";
import { requireScopes } from "../modules/api-key/api-key.scopes";
import { BounceResolver } from "../modules/bounce/bounce.resolver";
import { CampaignResolver } from "../modules/campaign/campaign.resolver";
import { DomainResolver } from "../modules/domain/domain.resolver";
import {
  CampaignHealthResolver,
  DomainHealthResolver,
  HealthResolver,
  InboxHealthResolver,
  TenantHealthResolver,
} from "../modules/health/health.resolver";
import { InboxResolver } from "../modules/inbox/inbox.resolver";
import { NodeResolver } from "../modules/node/node.resolver";
import { TenantResolver } from "../modules/tenant/tenant.resolver";
import { IngestResolver } from "../modules/ingest/ingest.resolver";
import { SuppressionResolver } from "../modules/suppression/suppression.resolver";
import { WebhookEndpointResolver } from "../modules/webhook/webhook-endpoint.resolver";
import { WebhookSubscriptionResolver } from "../modules/webhook-subscription/webhook-subscription.resolver";
import { TenantUsageResolver } from "../modules/usage";
import { assembleUserErrorCodes } from "../platform/graphql/user-error";
import { schemaDescription } from "../platform/graphql/errors";
import { ApiKeyErrorCode } from "../modules/api-key/api-key.errors";
import { CampaignErrorCode } from "../modules/campaign/campaign.errors";
import { DnsAuditErrorCode } from "../modules/dns-audit/dns-audit.errors";
import { DomainErrorCode } from "../modules/domain/domain.errors";
import { HealthErrorCode } from "../modules/health/health.errors";
import { InboxErrorCode } from "../modules/inbox/inbox.errors";
import { IngestErrorCode } from "../modules/ingest/ingest.errors";
import { SuppressionErrorCode } from "../modules/suppression/suppression.errors";
import { TenantErrorCode } from "../modules/tenant/tenant.errors";
import { WebhookErrorCode } from "../modules/webhook/webhook.errors";
import { WebhookSubscriptionErrorCode } from "../modules/webhook-subscription/webhook-subscription.errors";

export const RESOLVERS = [
  TenantResolver,
  TenantUsageResolver,
  ApiKeyResolver,
  DomainResolver,
  InboxResolver,
  CampaignResolver,
  BounceResolver,
  NodeResolver,
  AlertResolver,
  IngestResolver,
  SuppressionResolver,
  WebhookEndpointResolver,
  WebhookSubscriptionResolver,
  CampaignHealthResolver,
  InboxHealthResolver,
  DomainHealthResolver,
  TenantHealthResolver,
  HealthResolver,
] as const;

/** Every module's userErrors codes: UserErrorCode is their union (and the common codes). */
export const ERROR_CODES = [
  ApiKeyErrorCode,
  CampaignErrorCode,
  DnsAuditErrorCode,
  DomainErrorCode,
  HealthErrorCode,
  InboxErrorCode,
  IngestErrorCode,
  SuppressionErrorCode,
  TenantErrorCode,
  WebhookErrorCode,
  WebhookSubscriptionErrorCode,
] as const;

/** @Authorized("scope"): no key is UNAUTHENTICATED, a key without the scope is FORBIDDEN. */
const authChecker: AuthChecker<RequestContext> = ({ context }, scopes) => {
  requireScopes(context.auth, scopes);
  return true;
};

let cached: Promise<GraphQLSchema> | null = null;

/** The schema, built once per process from the decorated classes. */
export function getSchema(): Promise<GraphQLSchema> {
  assembleUserErrorCodes(ERROR_CODES);
  cached ??= buildSchema({
    resolvers: [...RESOLVERS],
    authChecker,
    // Every subscription supplies its own `subscribe` (the SubscriptionHub); type-graphql still
    // insists on a topic-based PubSub, so give it one that refuses to be used.
    pubSub: {
      publish: () => {
        throw new Error("topic pub/sub is not used: publish through the EventBus");
      },
      subscribe: () => {
        throw new Error("topic pub/sub is not used: subscribe through the SubscriptionHub");
      },
    },
    validate: false,
    emitSchemaFile: false,
  })
    // type-graphql takes no schema description: the same schema, with the error codes documented.
    .then((built) => new GraphQLSchema({ ...built.toConfig(), description: schemaDescription() }));
  return cached;
}

/**
 * schema.graphql's text: sorted by name, so that it depends on the schema alone and not on
 * the order in which modules happen to be loaded.
 */
export function schemaSdl(schema: GraphQLSchema): string {
  return printSchema(lexicographicSortSchema(schema)) + "\n";
}
