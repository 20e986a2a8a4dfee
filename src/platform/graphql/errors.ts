import { GraphQLError } from "graphql";

// The GraphQL error codes (errors[].extensions.code) clients branch on (DESIGN.md, API
// conventions), in one table: the schema's description lists it (schemaDescription) and
// README's table says the same (a test compares them). Business failures a client can fix
// travel as userErrors (UserErrorCode) in mutation payloads instead.
export const EXTENSION_CODES = [
  {
    code: "UNAUTHENTICATED",
    http: "401",
    retry: false,
    meaning: "no key, a malformed Authorization header, or a key that is unknown, revoked or malformed",
  },
  { code: "FORBIDDEN", http: "200 / 403", retry: false, meaning: "the key lacks a scope (`requiredScope` says which)" },
  { code: "NOT_FOUND", http: "200", retry: false, meaning: "no such object (another tenant's reads the same)" },
  { code: "BAD_REQUEST", http: "400", retry: false, meaning: "the body is not JSON" },
  {
    code: "BAD_USER_INPUT",
    http: "400",
    retry: false,
    meaning: "input that can never succeed (NUL or an unpaired surrogate in any string, a bad cursor)",
  },
  { code: "GRAPHQL_PARSE_FAILED", http: "400", retry: false, meaning: "the document is not GraphQL" },
  { code: "GRAPHQL_VALIDATION_FAILED", http: "400", retry: false, meaning: "the document does not fit the schema" },
  { code: "QUERY_TOO_COMPLEX", http: "400", retry: false, meaning: "over a depth, alias, token or cost limit" },
  { code: "PAYLOAD_TOO_LARGE", http: "413", retry: false, meaning: "body over its limit" },
  { code: "UNSUPPORTED_MEDIA_TYPE", http: "415", retry: false, meaning: "a POST body that is not JSON" },
  {
    code: "RATE_LIMITED",
    http: "429",
    retry: true,
    meaning: "over a throttle budget; wait `extensions.retryAfter` seconds (also `Retry-After`)",
  },
  {
    code: "SERVICE_UNAVAILABLE",
    http: "503",
    retry: true,
    meaning: "the database is unreachable; nothing was changed; `Retry-After` says when",
  },
  { code: "INTERNAL_SERVER_ERROR", http: "200 / 500", retry: false, meaning: "a bug" },
] as const;

export type ErrorCode = (typeof EXTENSION_CODES)[number]["code"];

/** The schema's own description: how errors travel, and every extensions.code. */
export function schemaDescription(): string {
  return [
    "Rebound's GraphQL API. Authenticate with `Authorization: Bearer <api key>` (introspection needs no key).",
    "",
    "Mutations report input a caller can fix as `userErrors { field message code }` (code: the enum UserErrorCode); nothing was changed then.",
    "Every other failure is a GraphQL error whose `extensions.code` is one of:",
    "",
    ...EXTENSION_CODES.map((c) => `- ${c.code} (HTTP ${c.http}${c.retry ? ", retry" : ""}): ${c.meaning}.`),
    "",
    "A mutation's answer is sent only after its transaction committed. When it wrote to the database, `extensions.committedAt` is the time of that commit in milliseconds since the Unix epoch (UTC); it is absent from queries and from mutations that failed or wrote nothing.",
  ].join("\n");
}

export class AppError extends GraphQLError {
  constructor(code: ErrorCode, message: string, extra: Record<string, unknown> = {}) {
    super(message, { extensions: { code, ...extra } });
  }
}

export const unauthenticated = (message = "A valid API key is required: send Authorization: Bearer <key>.") =>
  new AppError("UNAUTHENTICATED", message);
export const forbidden = (scope: string) =>
  new AppError("FORBIDDEN", `This API key lacks the "${scope}" scope.`, { requiredScope: scope });
export const badInput = (message: string, field?: string) =>
  new AppError("BAD_USER_INPUT", message, field ? { field } : {});

/**
 * Over a throttle budget: retryable after `retryAfter` seconds. `http` is read (and removed
 * from the answer) by Apollo Server: status 429 and the Retry-After / RateLimit-* headers.
 */
export const rateLimited = (message: string, retryAfter: number, headers: Record<string, string> = {}) =>
  new AppError("RATE_LIMITED", message, {
    retryAfter,
    http: { status: 429, headers: new Map(Object.entries({ "retry-after": String(retryAfter), ...headers })) },
  });

/** The database cannot be reached: nothing was changed, the same request can be retried. */
export const RETRY_AFTER_UNAVAILABLE_SECONDS = 2;
