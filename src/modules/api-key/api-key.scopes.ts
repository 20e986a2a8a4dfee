import { registerEnumType } from "type-graphql";
import type { AuthInfo } from "../../platform/context";
import { forbidden, unauthenticated } from "../../platform/graphql/errors";

export const API_KEY_SCOPES = ["read", "write", "ingest", "admin"] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

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

/** admin implies every scope; the others are independent, for least privilege. */
export function hasScope(granted: readonly string[], needed: ApiKeyScope): boolean {
  return granted.includes("admin") || granted.includes(needed);
}

/** What @Authorized(...scopes) enforces: no key is UNAUTHENTICATED, a key without a scope is FORBIDDEN. */
export function requireScopes(auth: AuthInfo | null, scopes: readonly string[]): void {
  if (!auth) throw unauthenticated();
  for (const scope of scopes) if (!hasScope(auth.scopes, scope as ApiKeyScope)) throw forbidden(scope);
}
