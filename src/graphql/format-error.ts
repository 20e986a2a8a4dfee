import { unwrapResolverError } from "@apollo/server/errors";
import { GraphQLError, type GraphQLFormattedError } from "graphql";
import { isTokenLimitError, LIMIT_ERROR_CODE } from "./limits";

/**
 * One error policy for HTTP and WebSocket: no stack traces, SQL or internals leave the
 * server (they are logged), and limit violations keep their own code.
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  const code = formatted.extensions?.code;
  // Apollo re-codes every validation error GRAPHQL_VALIDATION_FAILED; ours carry a `limit`.
  const limit = formatted.extensions?.limit ?? (original instanceof GraphQLError ? original.extensions?.limit : undefined);
  if (typeof limit === "string") {
    const { limit: _l, actual, max } = { ...(original instanceof GraphQLError ? original.extensions : {}), ...formatted.extensions };
    return { message: formatted.message, locations: formatted.locations, extensions: { code: LIMIT_ERROR_CODE, limit, actual, max } };
  }
  if (code === "GRAPHQL_PARSE_FAILED" && isTokenLimitError(formatted.message)) {
    return { message: formatted.message, extensions: { code: LIMIT_ERROR_CODE, limit: "tokens" } };
  }
  if (code === "INTERNAL_SERVER_ERROR" || code === undefined) {
    if (!(original instanceof GraphQLError) || code === "INTERNAL_SERVER_ERROR") {
      process.stderr.write(`internal error: ${(original as Error)?.stack ?? String(original)}\n`);
    }
    return { message: "Internal server error.", path: formatted.path, extensions: { code: "INTERNAL_SERVER_ERROR" } };
  }
  const { stacktrace: _stacktrace, ...extensions } = formatted.extensions ?? {};
  return { ...formatted, extensions };
}
