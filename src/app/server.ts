import type { Metrics } from "./metrics";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { App } from "../platform/context";
import { isDatabaseUnavailable } from "../platform/db/unavailable.errors";
import { createGraphQLHttpHandler, sendUnavailable } from "../platform/http/graphql-http";
import { attachGraphQLWebSocket } from "../platform/http/graphql-ws";
import { explorerRoutes, sendExplorer, wantsExplorer } from "../platform/http/explorer";
import { sendJson } from "../platform/http/respond";
import { getSchema } from "./schema";

export const GRAPHQL_PATH = "/graphql";

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** The label a request is counted under: its route, never its raw path (ids would explode the series). */
function routeLabel(pathname: string): string {
  if (pathname === GRAPHQL_PATH || pathname === "/healthz" || pathname === "/readyz" || pathname === "/metrics")
    return pathname;
  const first = /^\/(webhooks|explorer|admin|export|import)\//.exec(pathname);
  return first ? `/${first[1]}` : "other";
}

/** One HTTP server: GraphQL over HTTP and WebSocket on /graphql, health, readiness, metrics. */
export async function startServer(
  app: App,
  port: number,
  host: string,
  /** The app's prom-client metrics (app.metrics is the part the platform and modules see). */
  metrics?: Metrics,
): Promise<RunningServer> {
  const schema = await getSchema();
  const graphql = await createGraphQLHttpHandler(app, schema);
  const extraRoutes = [...explorerRoutes(), ...(app.routes ?? [])];

  const timeouts = app.config.timeouts;
  // Slow clients must not hold connections: Node enforces headersTimeout and requestTimeout
  // only when it checks its connections, every connectionsCheckingInterval (30 s by
  // default, which would let a slow-loris client keep a connection three times as long).
  const server = createServer(
    { connectionsCheckingInterval: Math.max(250, Math.min(5_000, Math.floor(timeouts.headersMs / 4))) },
    (req: IncomingMessage, res: ServerResponse) => {
      const url = new URL(req.url ?? "/", "http://localhost");
      if (metrics) {
        const route = routeLabel(url.pathname);
        const done = metrics.httpDuration.startTimer({ route });
        res.once("finish", () => {
          done();
          metrics.httpRequests.inc({ route, status: `${Math.floor(res.statusCode / 100)}xx` });
        });
      }
      const route = async () => {
        if (url.pathname === GRAPHQL_PATH)
          return wantsExplorer(req, url) ? sendExplorer(res) : graphql.handle(req, res, url);
        if (url.pathname === "/healthz") return sendJson(res, 200, { status: "ok" });
        if (url.pathname === "/readyz") {
          try {
            await app.db.dataSource.query("SELECT 1");
            return sendJson(res, 200, { status: "ready" });
          } catch {
            return sendJson(res, 503, { status: "database unreachable" });
          }
        }
        if (url.pathname === "/metrics" && metrics) {
          const text = await metrics.registry.metrics();
          res.writeHead(200, { "content-type": metrics.registry.contentType });
          return res.end(text);
        }
        for (const r of extraRoutes) {
          const params = r.match(req.method ?? "GET", url.pathname);
          if (params) return r.handle(req, res, params);
        }
        return sendJson(res, 404, { error: "not found" });
      };
      route().catch((err: unknown) => {
        if (isDatabaseUnavailable(err)) {
          if (!res.headersSent) return sendUnavailable(res);
          return res.end();
        }
        app.log.error({ err, method: req.method, path: url.pathname }, "request failed");
        if (!res.headersSent)
          sendJson(res, 500, {
            errors: [{ message: "Internal server error.", extensions: { code: "INTERNAL_SERVER_ERROR" } }],
          });
        else res.end();
      });
    },
  );
  // Headers must be complete within headersMs, the whole request (body included) within
  // requestMs, and an idle kept-alive connection is closed after keepAliveMs.
  server.headersTimeout = timeouts.headersMs;
  server.requestTimeout = Math.max(timeouts.requestMs, timeouts.headersMs);
  server.keepAliveTimeout = timeouts.keepAliveMs;

  const ws = attachGraphQLWebSocket(app, schema, server, GRAPHQL_PATH);
  if (metrics)
    metrics.live = {
      ...metrics.live,
      sockets: () => ws.wss.clients.size,
      subscriptions: () => app.realtime?.hub.subscriberCount() ?? 0,
    };
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const actualPort = (server.address() as AddressInfo).port;

  return {
    url: `http://localhost:${actualPort}${GRAPHQL_PATH}`,
    port: actualPort,
    async close() {
      await ws.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await graphql.stop();
    },
  };
}
