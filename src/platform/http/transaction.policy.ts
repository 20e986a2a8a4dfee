import type { GraphQLFormattedError, OperationTypeNode } from "graphql";
import type { RequestContext } from "../context";
import { isDatabaseUnavailable } from "../db/unavailable.errors";
import { RETRY_AFTER_UNAVAILABLE_SECONDS } from "../graphql/errors";

// How an operation's transaction ends, over HTTP (graphql-http.ts) and over WebSocket
// (graphql-ws.ts) alike: a client is told "done" only about work that is durable, and any
// error rolls the whole operation back.

export type OperationEnd =
  /** The result had errors: nothing was kept. */
  | { kind: "rolled-back" }
  /** A query: its read transaction ends right after the answer, which need not wait for it. */
  | { kind: "answered-before-commit" }
  /** Committed before the answer; `wrote` when the operation used the database at all. */
  | { kind: "committed"; wrote: boolean }
  /**
   * The commit failed, so nothing was stored: the answer must say so instead of its data.
   * `unavailable`: the database could not be reached (retry after a pause); else a bug.
   */
  | { kind: "commit-failed"; unavailable: boolean; errors: GraphQLFormattedError[] };

/**
 * Ends `ctx`'s transaction as an operation of `type` whose result had errors or not requires.
 * Queries only read (every write is a mutation), so their transaction ends after their answer
 * leaves; mutations (and anything else) commit first.
 */
export async function endOperation(
  ctx: RequestContext,
  type: OperationTypeNode | undefined,
  hadErrors: boolean,
): Promise<OperationEnd> {
  if (hadErrors) {
    await ctx.tx.rollback();
    return { kind: "rolled-back" };
  }
  if (type === "query") {
    void ctx.tx.commit().catch((err: unknown) => ctx.log.warn({ err }, "ending a read transaction failed"));
    return { kind: "answered-before-commit" };
  }
  const wrote = ctx.tx.opened;
  try {
    await ctx.tx.commit();
    return { kind: "committed", wrote };
  } catch (err) {
    ctx.log.error({ err }, "commit failed");
    const unavailable = isDatabaseUnavailable(err);
    return {
      kind: "commit-failed",
      unavailable,
      errors: [
        unavailable
          ? {
              message: "The database is unavailable; nothing was stored. Retry shortly.",
              extensions: { code: "SERVICE_UNAVAILABLE", retryAfter: RETRY_AFTER_UNAVAILABLE_SECONDS },
            }
          : {
              message: "The change could not be committed; nothing was stored. Retry.",
              extensions: { code: "INTERNAL_SERVER_ERROR" },
            },
      ],
    };
  }
}
