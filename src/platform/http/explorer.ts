import { readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { dirname, join } from "node:path";
import type { Route } from "./route";

// The GraphQL explorer a browser gets at GET /graphql: GraphiQL from its npm package, with
// React and graphql-ws, every file served from here. Nothing is fetched from a CDN, so it
// works offline, and the Content-Security-Policy keeps the page from reaching anywhere but
// this server. Programs asking for JSON (or sending a query in the URL) get GraphQL instead.

const OWN = join(__dirname, "explorer");
const packageDir = (name: string) => dirname(require.resolve(`${name}/package.json`));

/** File name under /explorer/ → where it is and its content type. A fixed list: no path is ever built from the URL. */
const ASSETS: Record<string, { path: () => string; type: string }> = {
  "explorer.js": { path: () => join(OWN, "explorer.js"), type: "text/javascript" },
  "examples.js": { path: () => join(OWN, "examples.js"), type: "text/javascript" },
  "explorer.css": { path: () => join(OWN, "explorer.css"), type: "text/css" },
  "graphiql.min.js": { path: () => join(packageDir("graphiql"), "graphiql.min.js"), type: "text/javascript" },
  "graphiql.min.css": { path: () => join(packageDir("graphiql"), "graphiql.min.css"), type: "text/css" },
  "react.production.min.js": {
    path: () => join(packageDir("react"), "umd/react.production.min.js"),
    type: "text/javascript",
  },
  "react-dom.production.min.js": {
    path: () => join(packageDir("react-dom"), "umd/react-dom.production.min.js"),
    type: "text/javascript",
  },
  "graphql-ws.min.js": { path: () => join(packageDir("graphql-ws"), "umd/graphql-ws.min.js"), type: "text/javascript" },
};

export const EXPLORER_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  // GraphiQL sets style attributes from script (resizable panes, CodeMirror).
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  // Same origin only: HTTP for queries, ws:// of this host for subscriptions.
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

const cache = new Map<string, Buffer>();
function read(path: string): Buffer {
  let content = cache.get(path);
  if (!content) cache.set(path, (content = readFileSync(path)));
  return content;
}

/** A browser navigating to the GraphQL URL, not a client asking for a result. */
export function wantsExplorer(req: IncomingMessage, url: URL): boolean {
  return req.method === "GET" && !url.searchParams.has("query") && (req.headers.accept ?? "").includes("text/html");
}

export function sendExplorer(res: ServerResponse): void {
  const page = read(join(OWN, "index.html"));
  res.writeHead(200, {
    "content-type": "text/html; charset=utf-8",
    "content-length": page.length,
    "content-security-policy": EXPLORER_CSP,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cache-control": "no-cache",
  });
  res.end(page);
}

export function explorerRoutes(): Route[] {
  return [
    {
      match: (method, pathname) => {
        const m = /^\/explorer\/([a-z.-]+)$/.exec(pathname);
        return m && (method === "GET" || method === "HEAD") && Object.hasOwn(ASSETS, m[1]) ? { file: m[1] } : null;
      },
      async handle(_req, res, params) {
        const asset = ASSETS[params.file];
        const content = read(asset.path());
        res.writeHead(200, {
          "content-type": `${asset.type}; charset=utf-8`,
          "content-length": content.length,
          "x-content-type-options": "nosniff",
          "cache-control": "no-cache",
        });
        res.end(content);
      },
    },
  ];
}
