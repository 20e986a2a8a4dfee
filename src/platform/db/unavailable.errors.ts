import { sqlState } from "./savepoint";

// Whether an error means "the database cannot be reached right now" (a retryable outage),
// as opposed to a bug or bad input. Such errors are answered SERVICE_UNAVAILABLE (HTTP 503
// with Retry-After), never INTERNAL_SERVER_ERROR: the client should simply retry.

/** SQLSTATE classes and codes of a lost or refused connection, or a server going down. */
const UNAVAILABLE_STATES = new Set(["57P01", "57P02", "57P03", "53300", "58000", "58030"]);
const UNAVAILABLE_ERRNOS = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
]);
const UNAVAILABLE_MESSAGES =
  /Connection terminated|connection is closed|Client has encountered a connection error|timeout exceeded when trying to connect|Connection ended unexpectedly|terminating connection|the database system is (?:starting up|shutting down|in recovery)|Client was closed and is not queryable|Cannot use a pool after calling end/i;

export function isDatabaseUnavailable(err: unknown): boolean {
  for (
    let e = err as { code?: unknown; message?: unknown; driverError?: unknown; cause?: unknown } | null | undefined,
      depth = 0;
    e && depth < 5;
    depth++
  ) {
    const state = sqlState(e);
    if (state && (UNAVAILABLE_STATES.has(state) || state.startsWith("08"))) return true;
    if (typeof e.code === "string" && UNAVAILABLE_ERRNOS.has(e.code)) return true;
    if (typeof e.message === "string" && UNAVAILABLE_MESSAGES.test(e.message)) return true;
    e = (e.driverError ?? e.cause) as typeof e;
  }
  return false;
}

/** Text the database refused as text (NUL, bytes that are not UTF-8): the input's fault. */
export function isUnstorableText(err: unknown): boolean {
  const state = sqlState(err);
  return state === "22021" || state === "22P05";
}
