import { GraphQLError } from "graphql";

// The few GraphQL error codes clients branch on (DESIGN.md, API conventions). Business
// failures a client can fix travel as userErrors in mutation payloads instead.
export type ErrorCode =
  | "UNAUTHENTICATED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "BAD_USER_INPUT"
  | "RATE_LIMITED"
  | "QUERY_TOO_COMPLEX"
  | "PAYLOAD_TOO_LARGE"
  | "SERVICE_UNAVAILABLE"
  | "INTERNAL_SERVER_ERROR";

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
