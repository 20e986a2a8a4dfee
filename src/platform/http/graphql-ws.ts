import type { Server as HttpServer } from "node:http";
import {
  execute,
  GraphQLError,
  parse,
  validate,
  specifiedRules,
  type ExecutionArgs,
  type GraphQLSchema,
} from "graphql";
import { useServer } from "graphql-ws/use/ws";
import { WebSocketServer, type WebSocket } from "ws";
import { authenticate, RequestContext, type App, type AuthInfo } from "../context";
import { bugBehind, formatError } from "../graphql/format-error";
import { isTokenLimitError, LIMIT_ERROR_CODE, limitRules, parseOptions } from "../graphql/limits";
import { selectedOperation } from "../graphql/operation";
import { subscribeShared } from "../graphql/shared-subscription";
import { requestedCost } from "../graphql/limits";
import { checkInputStrings, checkPayloadScopes } from "../graphql/operation.guard";
import { hasScope } from "../graphql/scopes";
import type { IncomingMessage } from "node:http";
import { bearerToken, socketRefusalReason } from "./bearer";
import { endOperation } from "./transaction.policy";

type ConnectionExtra = { auth?: AuthInfo; socket?: WebSocket; request?: IncomingMessage; subscriptions?: Set<string> };

/** The errors a refused operation answers with, coded as the HTTP transport codes them. */
function refused(err: unknown): GraphQLError[] {
  if (err instanceof GraphQLError) {
    const { http: _http, ...extensions } = err.extensions ?? {};
    return [new GraphQLError(err.message, { extensions })];
  }
  throw err;
}

/** Per operation, once: onNext runs for every event of every subscriber. */
const operationKinds = new WeakMap<ExecutionArgs, boolean>();
function isSubscription(args: ExecutionArgs): boolean {
  let known = operationKinds.get(args);
  if (known === undefined) {
    known = selectedOperation(args.document, args.operationName)?.operation === "subscription";
    operationKinds.set(args, known);
  }
  return known;
}

/** graphql-ws's own 4403 Forbidden: a missing, malformed, unknown or revoked key at connection_init. */
const CLOSE_UNAUTHENTICATED = 4403;

/** Close codes beside graphql-ws's own 4403 Forbidden. */
export const CLOSE_TOO_MANY_CONNECTIONS = 4429;

/**
 * GraphQL over WebSocket (graphql-ws protocol) on the HTTP server's port and path. The key
 * is checked at connection_init (4403 when wrong); every operation then goes through the
 * same parse limits, validation rules and error policy as HTTP.
 */
export function attachGraphQLWebSocket(app: App, schema: GraphQLSchema, httpServer: HttpServer, path: string) {
  const limits = app.config.limits;
  const formatAndLog = (error: GraphQLError) => {
    const bug = bugBehind(error);
    if (bug) app.log.error({ err: bug }, "internal error (websocket)");
    return formatError(error.toJSON(), error);
  };
  const wss = new WebSocketServer({ server: httpServer, path, maxPayload: limits.maxBodyBytes });
  const rules = [...specifiedRules, ...limitRules(limits)];
  // Open sockets per API key: for the per-key connection limit, and to close a revoked
  // key's sockets at once (revocation is announced on the bus, so every process hears it).
  const socketsByKey = new Map<string, Set<WebSocket>>();
  // Open sockets and subscriptions per tenant on this process, for the per-tenant limits
  // (a tenant with many keys must not hold the whole process's sockets).
  const socketsByTenant = new Map<string, number>();
  const subscriptionsByTenant = new Map<string, number>();
  const throttle = app.throttle;
  const bump = (m: Map<string, number>, k: string, d: number) => {
    const n = (m.get(k) ?? 0) + d;
    if (n <= 0) m.delete(k);
    else m.set(k, n);
  };
  app.realtime?.hub.onTopic("key-revoked", (message) => {
    for (const keyId of message.ids) {
      for (const socket of socketsByKey.get(keyId) ?? []) socket.close(4403, "API key revoked");
    }
  });

  const disposable = useServer<Record<string, unknown> | undefined, ConnectionExtra>(
    {
      schema,
      async onConnect(ctx) {
        const raw = ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization;
        const token = bearerToken(typeof raw === "string" ? raw : null);
        const socket = (ctx.extra as unknown as { socket: WebSocket }).socket;
        const address = (ctx.extra as ConnectionExtra).request?.socket.remoteAddress ?? "unknown";
        // The same failed-authentication budget per client address as over HTTP.
        const blocked = throttle ? await throttle.authBlocked(address) : null;
        if (blocked) {
          socket.close(CLOSE_TOO_MANY_CONNECTIONS, `Too many failed authentications; retry in ${blocked.retryAfter} s`);
          return false;
        }
        const auth = token ? await authenticate(app, token) : null;
        if (!auth) {
          const verdict = throttle ? await throttle.authFailed(address) : null;
          if (verdict && !verdict.allowed) {
            socket.close(
              CLOSE_TOO_MANY_CONNECTIONS,
              `Too many failed authentications; retry in ${verdict.retryAfter} s`,
            );
            return false;
          }
          // 4403 as graphql-ws would, with a reason that says what was expected.
          socket.close(CLOSE_UNAUTHENTICATED, socketRefusalReason(token));
          return false;
        }
        const open = socketsByKey.get(auth.keyId) ?? new Set<WebSocket>();
        if (open.size >= limits.connectionsPerKey) {
          socket.close(CLOSE_TOO_MANY_CONNECTIONS, `At most ${limits.connectionsPerKey} connections per API key`);
          return false;
        }
        const perTenant = (await throttle?.limitsFor(auth.tenantId))?.connectionsPerTenant ?? Infinity;
        if ((socketsByTenant.get(auth.tenantId) ?? 0) >= perTenant) {
          socket.close(CLOSE_TOO_MANY_CONNECTIONS, `At most ${perTenant} connections per tenant`);
          return false;
        }
        open.add(socket);
        socketsByKey.set(auth.keyId, open);
        bump(socketsByTenant, auth.tenantId, 1);
        Object.assign(ctx.extra as ConnectionExtra, { auth, socket, subscriptions: new Set<string>() });
        return true;
      },
      onClose(ctx) {
        const { auth, socket, subscriptions } = ctx.extra as ConnectionExtra;
        if (!auth || !socket) return;
        const open = socketsByKey.get(auth.keyId);
        open?.delete(socket);
        if (open?.size === 0) socketsByKey.delete(auth.keyId);
        bump(socketsByTenant, auth.tenantId, -1);
        bump(subscriptionsByTenant, auth.tenantId, -(subscriptions?.size ?? 0));
        subscriptions?.clear();
      },
      onComplete(ctx, id) {
        const { auth, subscriptions } = ctx.extra as ConnectionExtra;
        if (auth && subscriptions?.delete(id)) bump(subscriptionsByTenant, auth.tenantId, -1);
      },
      async onSubscribe(ctx, id, payload) {
        // graphql-ws has already reserved this operation's id in ctx.subscriptions.
        if (Object.keys(ctx.subscriptions).length > limits.subscriptionsPerConnection) {
          return [
            new GraphQLError(`At most ${limits.subscriptionsPerConnection} operations per connection.`, {
              extensions: { code: "RATE_LIMITED" },
            }),
          ];
        }
        let document;
        try {
          document = parse(payload.query, parseOptions(app.config.limits));
        } catch (err) {
          const message = err instanceof Error ? err.message : String(err);
          const code = isTokenLimitError(message) ? LIMIT_ERROR_CODE : "GRAPHQL_PARSE_FAILED";
          return [
            new GraphQLError(message, {
              extensions: { code, ...(code === LIMIT_ERROR_CODE ? { limit: "tokens" } : {}) },
            }),
          ];
        }
        const errors = validate(schema, document, rules);
        if (errors.length) {
          return errors.map((e) =>
            e.extensions?.code
              ? e
              : new GraphQLError(e.message, { nodes: e.nodes, extensions: { code: "GRAPHQL_VALIDATION_FAILED" } }),
          );
        }
        const operation = selectedOperation(document, payload.operationName);
        if (!operation) {
          return [new GraphQLError("Name the operation to run (operationName).")];
        }
        const extra = ctx.extra as ConnectionExtra;
        const auth = extra.auth ?? null;
        // The same request checks as over HTTP (graphql-http.ts's guard): input wall, payload
        // scopes, cost charged to the key's and tenant's buckets; and subscriptions per tenant.
        try {
          checkInputStrings(document, payload.variables);
          checkPayloadScopes(schema, document, operation, !!auth && hasScope(auth.scopes, "read"));
          if (throttle && auth)
            await throttle.chargeQuery(
              { keyId: auth.keyId, tenantId: auth.tenantId },
              requestedCost(document, operation, payload.variables),
            );
        } catch (err) {
          return refused(err);
        }
        if (operation.operation === "subscription" && auth && extra.subscriptions) {
          const perTenant = (await throttle?.limitsFor(auth.tenantId))?.subscriptionsPerTenant ?? Infinity;
          if ((subscriptionsByTenant.get(auth.tenantId) ?? 0) >= perTenant) {
            return [
              new GraphQLError(`At most ${perTenant} subscriptions per tenant.`, {
                extensions: { code: "RATE_LIMITED", retryAfter: 60 },
              }),
            ];
          }
          extra.subscriptions.add(id);
          bump(subscriptionsByTenant, auth.tenantId, 1);
        }
        // This month's usage: each operation over the socket is one request, as over HTTP.
        if (auth) app.usage?.countRequest(auth.tenantId);
        return {
          schema,
          document,
          operationName: payload.operationName,
          variableValues: payload.variables,
          contextValue: new RequestContext(app, auth),
        };
      },
      async execute(args: ExecutionArgs) {
        const context = args.contextValue as RequestContext;
        const operation = selectedOperation(args.document, args.operationName)?.operation;
        let result;
        try {
          result = await execute(args);
        } catch (err) {
          await context.tx.rollback();
          throw err;
        }
        // The same transaction policy as over HTTP (transaction.policy.ts).
        const end = await endOperation(context, operation, !!result.errors?.length);
        if (end.kind !== "commit-failed") return result;
        return { data: null, errors: end.errors.map((e) => new GraphQLError(e.message, { extensions: e.extensions })) };
      },
      subscribe: (args: ExecutionArgs) =>
        subscribeShared(args, (args.contextValue as RequestContext).auth?.tenantId ?? ""),
      async onNext(_ctx, _id, _payload, args, result) {
        // Each event of a subscription is its own unit of work: commit its reads, start afresh.
        if (isSubscription(args)) await (args.contextValue as RequestContext).nextOperation();
        if (!result.errors?.length) return result;
        return { ...result, errors: result.errors.map((e) => formatAndLog(e)) } as unknown as typeof result;
      },
      onError(_ctx, _id, _payload, errors) {
        return errors.map((e) => {
          const f = formatAndLog(e);
          return new GraphQLError(f.message, { extensions: f.extensions });
        });
      },
    },
    wss,
  );

  return {
    wss,
    async close() {
      for (const client of wss.clients) client.close(1001, "server shutting down");
      await disposable.dispose();
    },
  };
}
