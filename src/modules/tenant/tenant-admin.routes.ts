import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { App } from "../../platform/context";
import { BodyTooLargeError, readBody } from "../../platform/http/body";
import { sendJson } from "../../platform/http/respond";
import type { Route } from "../../platform/http/route";
import { tenantService } from "./tenant.service";

// POST /admin/tenants — how `rebound tenant create` and `rebound demo` reach a server that
// owns the embedded database (no other process may open it). Only for callers on this machine
// that can read the data folder's lock file: the request must come over loopback and carry
// the token the server wrote there (mode 0600). Body: { "name": "...", "reuse": false }.
// With reuse, an existing tenant of that name gets a new key instead of a twin tenant.

export const ADMIN_TOKEN_HEADER = "x-rebound-admin-token";
export const ADMIN_TENANTS_PATH = "/admin/tenants";

function fromLoopback(req: IncomingMessage): boolean {
  const address = req.socket.remoteAddress ?? "";
  return address === "::1" || /^(::ffff:)?127\./.test(address);
}

function sameToken(given: string | string[] | undefined, expected: string): boolean {
  if (typeof given !== "string") return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function tenantAdminRoutes(app: App, adminToken: string): Route[] {
  return [
    {
      match: (_method, pathname) => (pathname === ADMIN_TENANTS_PATH ? {} : null),
      async handle(req, res) {
        // Not found, to anyone who is not the local operator: the endpoint does not advertise itself.
        if (!fromLoopback(req) || !sameToken(req.headers[ADMIN_TOKEN_HEADER], adminToken)) {
          return sendJson(res, 404, { error: "not found" });
        }
        if (req.method !== "POST") return sendJson(res, 405, { error: "use POST" }, { allow: "POST" });
        let input: { name?: unknown; reuse?: unknown };
        try {
          input = JSON.parse((await readBody(req, 4096)).toString("utf8")) as typeof input;
        } catch (err) {
          const tooLarge = err instanceof BodyTooLargeError;
          return sendJson(res, tooLarge ? 413 : 400, {
            error: tooLarge ? err.message : 'The body must be JSON: { "name": "..." }.',
          });
        }
        const name = typeof input?.name === "string" ? input.name.trim() : "";
        if (name.length < 1 || name.length > 200)
          return sendJson(res, 400, { error: "name must be 1 to 200 characters." });
        const { tenant, apiKey, created } =
          input.reuse === true
            ? await tenantService.createOrReuse(app, name)
            : { ...(await tenantService.create(app, name)), created: true };
        sendJson(res, 200, { tenantId: tenant.id, name: tenant.name, apiKey, created });
      },
    },
  ];
}
