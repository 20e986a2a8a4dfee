import { registerEnumType } from "type-graphql";
import { API_KEY_SCOPES, hasScope, requireScopes, type ApiKeyScope } from "../../platform/graphql/scopes";

export { API_KEY_SCOPES, hasScope, requireScopes, type ApiKeyScope };

export const ApiKeyScopeEnum = {
  READ: "read",
  WRITE: "write",
  INGEST: "ingest",
  ADMIN: "admin",
} as const satisfies Record<string, ApiKeyScope>;

registerEnumType(ApiKeyScopeEnum, {
  name: "ApiKeyScope",
  description: "What an API key may do.",
  valuesConfig: {
    READ: { description: "Queries and subscriptions." },
    WRITE: { description: "Create, update and delete domains, inboxes, campaigns, suppressions." },
    INGEST: { description: "Record sends and ingest bounces (for sending pipelines and webhook bridges)." },
    ADMIN: { description: "Manage API keys and tenant settings; implies every other scope." },
  },
});
