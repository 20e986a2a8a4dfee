import type { IncomingMessage, ServerResponse } from "node:http";
import { ApolloServer, HeaderMap, type ApolloServerPlugin } from "@apollo/server";
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import type { GraphQLSchema } from "graphql";
import { RequestContext, type App } from "../context";
import { formatError } from "../graphql/format-error";
import { limitRules, parseOptions } from "../graphql/limits";
import { rootFieldNames } from "../graphql/operation";
import { apiKeyService } from "../modules/api-key/api-key.service";
import { BodyTooLargeError, readBody } from "./body";
import { bearerToken } from "./bearer";
import { sendGraphQLError } from "./respond";

/** Operations that may send bodies above the ordinary limit (bulk ingest and analysis). */
export const LARGE_BODY_FIELDS = new Set([
  "ingestBounces",
  "ingestBounceMessage",
  "recordSends",
  "analyzeBounce",
  "checkRecipients",
  "addSuppressions",
]);

/**
 * Commits a mutation's transaction before the response leaves, so a client is only told
 * "done" about work that is durable; any error rolls the whole operation back.
 */
const transactionPlugin: ApolloServerPlugin<RequestContext> = {
  async requestDidStart() {
    return {
      async willSendResponse({ contextValue, response, operation }) {
        if (response.body.kind !== "single") return;
        const result = response.body.singleResult;
        if (result.errors?.length) {
          await contextValue.tx.rollback();
          return;
        }
        // Queries only read (every write is a mutation), so their answer need not wait for the
        // read transaction to end: it ends right after, without holding the response back.
        if (operation?.operation === "query") {
          void contextValue.tx.commit().catch((err: unknown) => process.stderr.write(`ending a read transaction failed: ${String(err)}\n`));
          return;
        }
        try {
          const wrote = contextValue.tx.opened;
          await contextValue.tx.commit();
          // When the work became durable (epoch ms): lets a client measure what happens after
          // the commit, e.g. how long a real-time subscriber waits for the event.
          if (wrote) result.extensions = { ...result.extensions, committedAt: Date.now() };
        } catch (err) {
          process.stderr.write(`commit failed: ${String(err)}\n`);
          result.data = null;
          result.errors = [{ message: "The change could not be committed; nothing was stored. Retry.", extensions: { code: "INTERNAL_SERVER_ERROR" } }];
        }
      },
    };
  },
};

export async function createGraphQLHttpHandler(app: App, schema: GraphQLSchema) {
  const { limits } = app.config;
  const apollo = new ApolloServer<RequestContext>({
    schema,
    validationRules: limitRules(limits),
    parseOptions: parseOptions(limits),
    // No cache-control plugin: every answer is one tenant's and is never cacheable (handle()
    // says "no-store" itself), so there is no policy to compute, and that plugin's hook runs
    // for every field of every response (on the dashboard, most of what a request allocates).
    // No landing page either: Apollo's loads Apollo Sandbox from a CDN; browsers get Rebound's
    // own explorer (explorer.ts) before a request reaches Apollo.
    plugins: [transactionPlugin, ApolloServerPluginCacheControlDisabled(), ApolloServerPluginLandingPageDisabled()],
    formatError,
    includeStacktraceInErrorResponses: false,
    introspection: true,
    csrfPrevention: true,
  });
  await apollo.start();

  async function handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const token = bearerToken(req.headers.authorization);
    const auth = token === null ? null : await apiKeyService.authenticate(app, token);
    if (token !== null && !auth) {
      sendGraphQLError(res, 401, "UNAUTHENTICATED", "The API key is not valid (unknown, revoked or malformed).");
      return;
    }

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
    const context = new RequestContext(app, auth);
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
      await context.tx.rollback();
    }
  }

  return { handle, stop: () => apollo.stop() };
}
