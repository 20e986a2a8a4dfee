import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { App } from "./context";
import { statementCounter } from "./db/statement-counter";
import { isDatabaseUnavailable } from "./db/unavailable.errors";
import { createGraphQLHttpHandler, sendUnavailable } from "./http/graphql-http";
import { attachGraphQLWebSocket } from "./http/graphql-ws";
import { explorerRoutes, sendExplorer, wantsExplorer } from "./http/explorer";
import { sendJson } from "./http/respond";
import { getSchema } from "./schema";

export const GRAPHQL_PATH = "/graphql";

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

const counters = { httpRequests: 0 };

function metrics(): string {
  const mem = process.memoryUsage();
  return [
    "# HELP rebound_http_requests_total HTTP requests received.",
    "# TYPE rebound_http_requests_total counter",
    `rebound_http_requests_total ${counters.httpRequests}`,
    "# HELP rebound_sql_statements_total SQL statements sent to the database.",
    "# TYPE rebound_sql_statements_total counter",
    `rebound_sql_statements_total ${statementCounter.total}`,
    "# HELP rebound_process_resident_memory_bytes Resident memory of this process.",
    "# TYPE rebound_process_resident_memory_bytes gauge",
    `rebound_process_resident_memory_bytes ${mem.rss}`,
    "",
  ].join("\n");
}

/** One HTTP server: GraphQL over HTTP and WebSocket on /graphql, health, readiness, metrics. */
export async function startServer(app: App, port: number, host: string): Promise<RunningServer> {
  const schema = await getSchema();
  const graphql = await createGraphQLHttpHandler(app, schema);
  const extraRoutes = [...explorerRoutes(), ...(app.routes ?? [])];

  const timeouts = app.config.timeouts;
  // Slow clients must not hold connections: Node enforces headersTimeout and requestTimeout
  // only when it checks its connections, every connectionsCheckingInterval (30 s by
  // default, which would let a slow-loris client keep a connection three times as long).
  const server = createServer({ connectionsCheckingInterval: Math.max(250, Math.min(5_000, Math.floor(timeouts.headersMs / 4))) }, (req: IncomingMessage, res: ServerResponse) => {
    counters.httpRequests++;
    const url = new URL(req.url ?? "/", "http://localhost");
    const route = async () => {
      if (url.pathname === GRAPHQL_PATH) return wantsExplorer(req, url) ? sendExplorer(res) : graphql.handle(req, res, url);
      if (url.pathname === "/healthz") return sendJson(res, 200, { status: "ok" });
      if (url.pathname === "/readyz") {
        try {
          await app.db.dataSource.query("SELECT 1");
          return sendJson(res, 200, { status: "ready" });
        } catch {
          return sendJson(res, 503, { status: "database unreachable" });
        }
      }
      if (url.pathname === "/metrics") {
        res.writeHead(200, { "content-type": "text/plain; version=0.0.4" });
        return res.end(metrics());
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
      process.stderr.write(`request failed: ${(err as Error)?.stack ?? String(err)}\n`);
      if (!res.headersSent) sendJson(res, 500, { errors: [{ message: "Internal server error.", extensions: { code: "INTERNAL_SERVER_ERROR" } }] });
      else res.end();
    });
  });
  // Headers must be complete within headersMs, the whole request (body included) within
  // requestMs, and an idle kept-alive connection is closed after keepAliveMs.
  server.headersTimeout = timeouts.headersMs;
  server.requestTimeout = Math.max(timeouts.requestMs, timeouts.headersMs);
  server.keepAliveTimeout = timeouts.keepAliveMs;

  const ws = attachGraphQLWebSocket(app, schema, server, GRAPHQL_PATH);
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
