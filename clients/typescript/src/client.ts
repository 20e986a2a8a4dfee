import { createClient, type Client as WsClient } from "graphql-ws";
import type { TypedDocumentString } from "./gql/graphql";

// A small client for Rebound's API around the generated, typed documents (./gql): the key on
// every request, retries where the API says a retry will work, typed subscriptions over
// graphql-ws, and the CSV endpoints. Results are exactly the generated types: no casts.

/** One GraphQL error as the API sends it. */
export interface ApiError {
  message: string;
  path?: ReadonlyArray<string | number>;
  /** `code` (README's table of codes), `retryAfter` (seconds) and details of some codes. */
  extensions?: { readonly [key: string]: unknown };
}

/** An error's extensions.code, or `fallback` when it has none. */
function codeOf(error: ApiError | undefined, fallback: string): string {
  const code = error?.extensions?.code;
  return typeof code === "string" ? code : fallback;
}

/** A request the API refused or failed: the first error's code and message, with all errors. */
export class ReboundError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly errors: readonly ApiError[],
  ) {
    super(message);
    this.name = "ReboundError";
  }
}

export interface ReboundClientOptions {
  /** The GraphQL endpoint, e.g. http://localhost:4000/graphql (WebSocket: the same URL). */
  url: string;
  /** An API key (rbk_...). */
  apiKey: string;
  /** Retries of a request answered RATE_LIMITED (429) or SERVICE_UNAVAILABLE (503). Default 3. */
  maxRetries?: number;
  /** Longest wait before a retry, whatever Retry-After says, in ms. Default 30,000. */
  maxRetryDelayMs?: number;
  /** Told before each retry (logging, metrics). */
  onRetry?: (info: { attempt: number; code: string; delayMs: number }) => void;
  /** A WebSocket implementation for subscriptions where there is no global one (Node 20: the ws package). */
  webSocketImpl?: unknown;
  /** fetch to use (default: the global one). */
  fetch?: typeof fetch;
}

/** The answer of POST /import/suppressions.csv. */
export interface SuppressionImportReport {
  rows: number;
  added: number;
  alreadyPresent: number;
  invalid: number;
  invalidRows: Array<{ line: number; code: string; message: string; value: string }>;
}

/** Codes the API documents as retryable: nothing ran, the same request may be sent again. */
const RETRYABLE = new Set(["RATE_LIMITED", "SERVICE_UNAVAILABLE"]);

interface GraphQLBody<R> {
  data?: R | null;
  errors?: ApiError[];
}

function retryDelayMs(res: Response, errors: readonly ApiError[] | undefined, attempt: number): number {
  const header = Number(res.headers.get("retry-after"));
  if (Number.isFinite(header) && header >= 0) return header * 1000;
  for (const e of errors ?? []) {
    const seconds = e.extensions?.retryAfter;
    if (typeof seconds === "number") return seconds * 1000;
  }
  return 500 * 2 ** attempt;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createReboundClient(options: ReboundClientOptions) {
  const doFetch = options.fetch ?? fetch;
  const maxRetries = options.maxRetries ?? 3;
  const maxDelay = options.maxRetryDelayMs ?? 30_000;
  const authorization = `Bearer ${options.apiKey}`;
  const origin = new URL(options.url).origin;
  let ws: WsClient | null = null;

  /** Sends `attempt()` again while the API answers with a retryable code, as Retry-After says. */
  async function withRetries(attempt: () => Promise<Response>): Promise<Response> {
    for (let n = 0; ; n++) {
      const res = await attempt();
      if (res.status !== 429 && res.status !== 503) return res;
      const body = (await res
        .clone()
        .json()
        .catch(() => ({}))) as GraphQLBody<unknown>;
      const code = codeOf(body.errors?.[0], res.status === 429 ? "RATE_LIMITED" : "SERVICE_UNAVAILABLE");
      if (n >= maxRetries || !RETRYABLE.has(code)) return res;
      const delayMs = Math.min(maxDelay, retryDelayMs(res, body.errors, n));
      options.onRetry?.({ attempt: n + 1, code, delayMs });
      await sleep(delayMs);
    }
  }

  async function failure(res: Response): Promise<ReboundError> {
    const body = (await res.json().catch(() => ({}))) as GraphQLBody<unknown>;
    const errors = body.errors ?? [];
    return new ReboundError(
      codeOf(errors[0], `HTTP_${res.status}`),
      errors[0]?.message ?? `HTTP ${res.status}`,
      res.status,
      errors,
    );
  }

  return {
    /**
     * Runs a query or mutation. Resolves with its data, typed by the document; rejects with a
     * ReboundError when the API answered errors (after the retries it allows).
     */
    async request<R, V>(document: TypedDocumentString<R, V>, variables: V): Promise<R> {
      const res = await withRetries(() =>
        doFetch(options.url, {
          method: "POST",
          headers: { "content-type": "application/json", authorization },
          body: JSON.stringify({ query: document.toString(), variables }),
        }),
      );
      const body = (await res.json()) as GraphQLBody<R>;
      const first = body.errors?.[0];
      if (first) throw new ReboundError(codeOf(first, "UNKNOWN"), first.message, res.status, body.errors ?? []);
      if (body.data === undefined || body.data === null)
        throw new ReboundError(`HTTP_${res.status}`, "The answer carried no data.", res.status, []);
      return body.data;
    },

    /** A subscription's events, typed by the document, until `return()` (break out of the loop). */
    subscribe<R, V>(document: TypedDocumentString<R, V>, variables: V): AsyncIterableIterator<R> {
      ws ??= createClient({
        url: options.url.replace(/^http/, "ws"),
        connectionParams: { authorization },
        webSocketImpl: options.webSocketImpl,
        lazy: true,
        retryAttempts: 5,
      });
      const events = ws.iterate<R>({ query: document.toString(), variables: variables as Record<string, unknown> });
      const next = async (): Promise<IteratorResult<R>> => {
        const result = await events.next();
        if (result.done) return { done: true, value: undefined };
        const first = result.value.errors?.[0];
        if (first) throw new ReboundError(codeOf(first, "UNKNOWN"), first.message, 200, [first]);
        if (result.value.data === undefined || result.value.data === null) return next();
        return { done: false, value: result.value.data };
      };
      const iterator: AsyncIterableIterator<R> = {
        next,
        async return() {
          await events.return?.();
          return { done: true, value: undefined };
        },
        [Symbol.asyncIterator]() {
          return iterator;
        },
      };
      return iterator;
    },

    /** A CSV export as text: suppressions, or bounce events that occurred in [from, to). */
    async exportCsv(
      kind: "suppressions" | "bounce-events",
      range: { from?: string; to?: string; includeRemoved?: boolean } = {},
    ): Promise<string> {
      const url = new URL(`/export/${kind}.csv`, origin);
      if (range.from) url.searchParams.set("from", range.from);
      if (range.to) url.searchParams.set("to", range.to);
      if (range.includeRemoved) url.searchParams.set("includeRemoved", "true");
      const res = await withRetries(() => doFetch(url, { headers: { authorization } }));
      if (!res.ok) throw await failure(res);
      return res.text();
    },

    /** Imports a suppression list (CSV with a header: value or email, optional scope and note). */
    async importSuppressionsCsv(csv: string): Promise<SuppressionImportReport> {
      const res = await withRetries(() =>
        doFetch(new URL("/import/suppressions.csv", origin), {
          method: "POST",
          headers: { "content-type": "text/csv; charset=utf-8", authorization },
          body: csv,
        }),
      );
      if (!res.ok) throw await failure(res);
      return (await res.json()) as SuppressionImportReport;
    },

    /** Closes the subscription socket, if one was opened. */
    async close(): Promise<void> {
      await ws?.dispose();
      ws = null;
    },
  };
}

export type ReboundClient = ReturnType<typeof createReboundClient>;
