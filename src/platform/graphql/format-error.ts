import { unwrapResolverError } from "@apollo/server/errors";
import { GraphQLError, type GraphQLFormattedError } from "graphql";
import { isDatabaseUnavailable, isUnstorableText } from "../db/unavailable.errors";
import { RETRY_AFTER_UNAVAILABLE_SECONDS } from "./errors";
import { isTokenLimitError, LIMIT_ERROR_CODE } from "./limits";

/**
 * The error behind an INTERNAL_SERVER_ERROR answer when it is a bug worth logging (with its
 * stack, which the client never sees); null for expected failures (user errors, limits, an
 * outage, text the database cannot hold).
 */
export function bugBehind(error: unknown): unknown {
  const original = unwrapResolverError(error);
  if (isDatabaseUnavailable(original) || isUnstorableText(original)) return null;
  if (!(original instanceof GraphQLError)) return original;
  return original.extensions?.code === "INTERNAL_SERVER_ERROR" ? (original.originalError ?? original) : null;
}

/**
 * One error policy for HTTP and WebSocket: no stack traces, SQL or internals leave the
 * server (the transports log them, see bugBehind), and limit violations keep their own code.
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  const code = formatted.extensions?.code;
  // Apollo re-codes every validation error GRAPHQL_VALIDATION_FAILED; ours carry a `limit`.
  const limit =
    formatted.extensions?.limit ?? (original instanceof GraphQLError ? original.extensions?.limit : undefined);
  if (typeof limit === "string") {
    const {
      limit: _l,
      actual,
      max,
    } = { ...(original instanceof GraphQLError ? original.extensions : {}), ...formatted.extensions };
    return {
      message: formatted.message,
      locations: formatted.locations,
      extensions: { code: LIMIT_ERROR_CODE, limit, actual, max },
    };
  }
  if (code === "GRAPHQL_PARSE_FAILED" && isTokenLimitError(formatted.message)) {
    return { message: formatted.message, extensions: { code: LIMIT_ERROR_CODE, limit: "tokens" } };
  }
  if (code === "INTERNAL_SERVER_ERROR" || code === undefined) {
    // An outage is not a bug: the client should retry (the transports answer 503 + Retry-After).
    if (isDatabaseUnavailable(original)) {
      return {
        message: "The database is unavailable; nothing was changed. Retry shortly.",
        path: formatted.path,
        extensions: { code: "SERVICE_UNAVAILABLE", retryAfter: RETRY_AFTER_UNAVAILABLE_SECONDS },
      };
    }
    // A backstop behind the input wall: text the database cannot hold is the input's fault.
    if (isUnstorableText(original)) {
      return {
        message: "The input contains text that cannot be stored (NUL or invalid UTF-8).",
        path: formatted.path,
        extensions: { code: "BAD_USER_INPUT" },
      };
    }
    return { message: "Internal server error.", path: formatted.path, extensions: { code: "INTERNAL_SERVER_ERROR" } };
  }
  // `http` is transport advice (status, headers) that Apollo applies and the WebSocket ignores.
  const { stacktrace: _stacktrace, http: _http, ...extensions } = formatted.extensions ?? {};
  return { ...formatted, extensions };
}
