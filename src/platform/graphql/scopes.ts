import { forbidden, unauthenticated } from "./errors";

// What an API key may do, and the check every guarded field and operation makes. Platform
// code: HTTP, WebSocket and the schema's auth checker all enforce it, knowing no module.

export const API_KEY_SCOPES = ["read", "write", "ingest", "admin"] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

/** Who is calling: the tenant and the key that authenticated the request. */
export interface AuthInfo {
  tenantId: string;
  keyId: string;
  scopes: ApiKeyScope[];
}

/** admin implies every scope; the others are independent, for least privilege. */
export function hasScope(granted: readonly string[], needed: ApiKeyScope): boolean {
  return granted.includes("admin") || granted.includes(needed);
}

/** What @Authorized(...scopes) enforces: no key is UNAUTHENTICATED, a key without a scope is FORBIDDEN. */
export function requireScopes(auth: AuthInfo | null, scopes: readonly string[]): void {
  if (!auth) throw unauthenticated();
  for (const scope of scopes) if (!hasScope(auth.scopes, scope as ApiKeyScope)) throw forbidden(scope);
}
