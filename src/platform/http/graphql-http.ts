import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { ApolloServer, HeaderMap, type ApolloServerPlugin } from "@apollo/server";
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from "@apollo/server/plugin/disabled";
import type { GraphQLSchema } from "graphql";
import { authenticate, RequestContext, type App } from "../context";
import { isDatabaseUnavailable } from "../db/unavailable.errors";
import { AppError, RETRY_AFTER_UNAVAILABLE_SECONDS } from "../graphql/errors";
import { bugBehind, formatError } from "../graphql/format-error";
import { actualCost, limitRules, parseOptions, requestedCost } from "../graphql/limits";
import { checkInputStrings, checkPayloadScopes } from "../graphql/operation.guard";
import { onlyIntrospection, rootFieldNames } from "../graphql/operation";
import { hasScope } from "../graphql/scopes";
import { BodyTooLargeError, readBody } from "./body";
import { bearerToken, NO_KEY_MESSAGE, refusalMessage } from "./bearer";
import { sendGraphQLError, sendJson } from "./respond";
import { endOperation } from "./transaction.policy";
import { rateLimitHeaders, type Verdict } from "./throttle.service";
import type { ThrottlePolicy } from "./throttle.policy";

/** Media types a GraphQL POST may carry: JSON (application/json, application/graphql-response+json...). */
const JSON_MEDIA_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

export function clientAddress(req: IncomingMessage): string {
  return req.socket.remoteAddress ?? "unknown";
}

export function sendRateLimited(res: ServerResponse, v: Verdict, message: string): void {
  sendJson(
    res,
    429,
    { errors: [{ message, extensions: { code: "RATE_LIMITED", retryAfter: v.retryAfter } }] },
    { "retry-after": String(v.retryAfter), ...rateLimitHeaders(v) },
  );
}

export function sendUnavailable(res: ServerResponse): void {
  sendJson(
    res,
    503,
    {
      errors: [
        {
          message: "The database is unavailable; nothing was changed. Retry shortly.",
          extensions: { code: "SERVICE_UNAVAILABLE", retryAfter: RETRY_AFTER_UNAVAILABLE_SECONDS },
        },
      ],
    },
    { "retry-after": String(RETRY_AFTER_UNAVAILABLE_SECONDS) },
  );
}

/**
 * The checks that depend on the request, once the operation is known and before anything
 * runs: the input wall (strings), the payload scopes, then the cost charged to the key's
 * and the tenant's buckets. After the answer: the unused part of the charge is given back,
 * the actual cost reported in extensions.cost and the key's bucket in RateLimit-* headers.
 */
function guardPlugin(throttle: ThrottlePolicy): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue, document, operation, request, schema }) {
          if (!operation) return;
          // Without a key only introspection runs; anything else is refused before it starts.
          if (!contextValue.auth && !onlyIntrospection(operation, document)) {
            throw new AppError("UNAUTHENTICATED", NO_KEY_MESSAGE, { http: { status: 401 } });
          }
          checkInputStrings(document, request.variables);
          checkPayloadScopes(
            schema,
            document,
            operation,
            !!contextValue.auth && hasScope(contextValue.auth.scopes, "read"),
          );
          contextValue.throttleCharge = await throttle.chargeQuery(
            {
              keyId: contextValue.auth?.keyId ?? `address:${contextValue.clientAddress}`,
              tenantId: contextValue.auth?.tenantId ?? null,
            },
            requestedCost(document, operation, request.variables),
          );
        },
        async willSendResponse({ contextValue, response, document, operation }) {
          if (response.body.kind !== "single") return;
          const result = response.body.singleResult;
          if (result.errors?.some((e) => e.extensions?.code === "SERVICE_UNAVAILABLE")) {
            response.http.status = 503;
            response.http.headers.set("retry-after", String(RETRY_AFTER_UNAVAILABLE_SECONDS));
          }
          const charge = contextValue.throttleCharge;
          if (!charge) return;
          const actual = actualCost(result.data, charge.requested, document, operation);
          await throttle.settle(charge, actual).catch(() => undefined);
          for (const [k, v] of Object.entries(rateLimitHeaders(charge.verdict))) response.http.headers.set(k, v);
          result.extensions = {
            ...result.extensions,
            cost: {
              requestedQueryCost: charge.requested,
              actualQueryCost: actual,
              throttleStatus: {
                maximumAvailable: charge.keyBudget.points,
                currentlyAvailable: charge.verdict.remaining,
                restoreRate: charge.keyBudget.points / charge.keyBudget.durationSeconds,
              },
            },
          };
        },
      };
    },
  };
}

/** What a caller's x-request-id may look like to be kept (anything else gets a fresh one). */
const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/** Operations that may send bodies above the ordinary limit (bulk ingest and analysis). */
export const LARGE_BODY_FIELDS = new Set([
  "ingestBounces",
  "ingestBounceMessage",
  "recordSends",
  "analyzeBounce",
  "checkRecipients",
  "addSuppressions",
]);

/** Ends the operation's transaction by the shared policy (transaction.policy.ts) before the response leaves. */
const transactionPlugin: ApolloServerPlugin<RequestContext> = {
  async requestDidStart({ contextValue }) {
    const timer = contextValue.app.metrics?.graphqlDuration.startTimer();
    return {
      async didEncounterErrors({ contextValue, errors }) {
        for (const error of errors) {
          const bug = bugBehind(error);
          if (bug) contextValue.log.error({ err: bug }, "internal error");
        }
      },
      async willSendResponse({ contextValue, response, operation }) {
        if (response.body.kind !== "single") return;
        const result = response.body.singleResult;
        timer?.({ type: operation?.operation ?? "unknown", outcome: result.errors?.length ? "error" : "ok" });
        if (contextValue.requestId) result.extensions = { ...result.extensions, requestId: contextValue.requestId };
        const end = await endOperation(contextValue, operation?.operation, !!result.errors?.length);
        // When the work became durable (epoch ms): lets a client measure what happens after
        // the commit, e.g. how long a real-time subscriber waits for the event.
        if (end.kind === "committed" && end.wrote)
          result.extensions = { ...result.extensions, committedAt: Date.now() };
        if (end.kind === "commit-failed") {
          result.data = null;
          result.errors = end.errors;
          // Plugins' willSendResponse hooks run side by side: this one sets its own status.
          if (end.unavailable) {
            response.http.status = 503;
            response.http.headers.set("retry-after", String(RETRY_AFTER_UNAVAILABLE_SECONDS));
          }
        }
      },
    };
  },
};

export async function createGraphQLHttpHandler(app: App, schema: GraphQLSchema) {
  const { limits } = app.config;
  const throttle = app.throttle!;
  const apollo = new ApolloServer<RequestContext>({
    schema,
    validationRules: limitRules(limits),
    parseOptions: parseOptions(limits),
    // No cache-control plugin: every answer is one tenant's and is never cacheable (handle()
    // says "no-store" itself), so there is no policy to compute, and that plugin's hook runs
    // for every field of every response (on the dashboard, most of what a request allocates).
    // The guard settles and reports after the transaction plugin decided the outcome. No
    // landing page: Apollo's loads Apollo Sandbox from a CDN; browsers get Rebound's own
    // explorer (explorer.ts) before a request reaches Apollo.
    plugins: [
      transactionPlugin,
      guardPlugin(throttle),
      ApolloServerPluginCacheControlDisabled(),
      ApolloServerPluginLandingPageDisabled(),
    ],
    formatError,
    includeStacktraceInErrorResponses: false,
    introspection: true,
    csrfPrevention: true,
  });
  await apollo.start();

  async function handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    // A caller's own id is kept when it looks like one (a proxy's or the client's), so one id
    // follows the request through both systems' logs.
    const given = req.headers["x-request-id"];
    const requestId = typeof given === "string" && REQUEST_ID.test(given) ? given : randomUUID();
    res.setHeader("x-request-id", requestId);
    const address = clientAddress(req);
    // A body in another format (XML, a form) is refused before it is read, never guessed at.
    if (req.method === "POST" && !JSON_MEDIA_TYPE.test(String(req.headers["content-type"] ?? ""))) {
      return sendGraphQLError(
        res,
        415,
        "UNSUPPORTED_MEDIA_TYPE",
        "Send the request as JSON (Content-Type: application/json).",
      );
    }
    const token = bearerToken(req.headers.authorization);
    let auth = null;
    if (token !== null) {
      // An address that keeps failing is refused before its keys are checked at all: a flood
      // of wrong keys costs neither hashing nor database look-ups.
      const blocked = await throttle.authBlocked(address);
      if (blocked)
        return sendRateLimited(
          res,
          blocked,
          `Too many failed authentications from this address; retry in ${blocked.retryAfter} s.`,
        );
      try {
        auth = await authenticate(app, token);
      } catch (err) {
        if (isDatabaseUnavailable(err)) return sendUnavailable(res);
        throw err;
      }
      if (!auth) {
        const verdict = await throttle.authFailed(address);
        if (!verdict.allowed)
          return sendRateLimited(
            res,
            verdict,
            `Too many failed authentications from this address; retry in ${verdict.retryAfter} s.`,
          );
        sendGraphQLError(res, 401, "UNAUTHENTICATED", refusalMessage(token));
        return;
      }
    }
    // This month's usage (viewer.usage): every authenticated request counts, whatever its outcome.
    if (auth) app.usage?.countRequest(auth.tenantId);

    let body: unknown = undefined;
    if (req.method === "POST") {
      let raw: Buffer;
      try {
        raw = await readBody(req, limits.maxIngestBodyBytes);
      } catch (err) {
        if (err instanceof BodyTooLargeError) return sendGraphQLError(res, 413, "PAYLOAD_TOO_LARGE", err.message);
        throw err;
      }
      try {
        body = raw.length ? JSON.parse(raw.toString("utf8")) : {};
      } catch {
        return sendGraphQLError(res, 400, "BAD_REQUEST", "The request body is not valid JSON.");
      }
      if (raw.length > limits.maxBodyBytes) {
        const b = body as { query?: unknown; operationName?: unknown };
        const fields =
          typeof b?.query === "string"
            ? rootFieldNames(b.query, typeof b.operationName === "string" ? b.operationName : null, limits.maxTokens)
            : null;
        if (!fields || !fields.every((f) => LARGE_BODY_FIELDS.has(f))) {
          return sendGraphQLError(
            res,
            413,
            "PAYLOAD_TOO_LARGE",
            `Request body is larger than ${limits.maxBodyBytes} bytes; only the bulk operations (${[...LARGE_BODY_FIELDS].join(", ")}) may send up to ${limits.maxIngestBodyBytes}.`,
          );
        }
      }
    }

    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(", ") : value);
    }
    const context = new RequestContext(app, auth, requestId);
    context.clientAddress = address;
    try {
      const result = await apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: req.method ?? "GET", headers, search: url.search, body },
        context: async () => context,
      });
      for (const [key, value] of result.headers) res.setHeader(key, value);
      // Tenant data: no cache, private or shared, may keep it.
      res.setHeader("cache-control", "no-store");
      res.statusCode = result.status ?? 200;
      if (result.body.kind === "complete") {
        res.end(result.body.string);
      } else {
        for await (const chunk of result.body.asyncIterator) res.write(chunk);
        res.end();
      }
    } finally {
      await context.tx.rollback().catch(() => undefined);
    }
  }

  return { handle, stop: () => apollo.stop() };
}
