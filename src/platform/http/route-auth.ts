import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { authenticate, RequestContext, type App } from "../context";
import { isDatabaseUnavailable } from "../db/unavailable.errors";
import { AppError } from "../graphql/errors";
import { hasScope, type ApiKeyScope } from "../graphql/scopes";
import { bearerToken, NO_KEY_MESSAGE, refusalMessage } from "./bearer";
import { clientAddress, sendRateLimited, sendUnavailable } from "./graphql-http";
import { sendGraphQLError } from "./respond";
import { rateLimitHeaders } from "./throttle.service";

// The API key of a plain HTTP endpoint beside GraphQL (CSV export and import): the same
// Bearer key, the same scopes, the same throttles, and errors in the same shape as GraphQL's
// ({ errors: [{ message, extensions: { code } }] }) with the same HTTP statuses.

const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/**
 * The request's context once its key is valid and has `scope`, after charging `cost` points
 * to the key's and the tenant's buckets; null when an answer (401, 403, 429, 503) was sent.
 * The caller ends the context's transaction (commit or rollback).
 */
export async function authenticateRoute(
  app: App,
  req: IncomingMessage,
  res: ServerResponse,
  scope: ApiKeyScope,
  cost: number,
): Promise<RequestContext | null> {
  const given = req.headers["x-request-id"];
  const requestId = typeof given === "string" && REQUEST_ID.test(given) ? given : randomUUID();
  res.setHeader("x-request-id", requestId);
  res.setHeader("cache-control", "no-store");
  const throttle = app.throttle;
  const address = clientAddress(req);
  const token = bearerToken(req.headers.authorization);
  if (!token) {
    // The same answers as GraphQL over HTTP: 401 with what was expected.
    sendGraphQLError(res, 401, "UNAUTHENTICATED", token === null ? NO_KEY_MESSAGE : refusalMessage(token));
    return null;
  }
  const blocked = await throttle?.authBlocked(address);
  if (blocked) {
    sendRateLimited(
      res,
      blocked,
      `Too many failed authentications from this address; retry in ${blocked.retryAfter} s.`,
    );
    return null;
  }
  let auth;
  try {
    auth = await authenticate(app, token);
  } catch (err) {
    if (!isDatabaseUnavailable(err)) throw err;
    sendUnavailable(res);
    return null;
  }
  if (!auth) {
    const verdict = await throttle?.authFailed(address);
    if (verdict && !verdict.allowed)
      sendRateLimited(
        res,
        verdict,
        `Too many failed authentications from this address; retry in ${verdict.retryAfter} s.`,
      );
    else sendGraphQLError(res, 401, "UNAUTHENTICATED", refusalMessage(token));
    return null;
  }
  // This month's usage: an authenticated request counts, whatever its outcome (as over GraphQL).
  app.usage?.countRequest(auth.tenantId);
  if (!hasScope(auth.scopes, scope)) {
    res.writeHead(403, { "content-type": "application/json; charset=utf-8" });
    res.end(
      JSON.stringify({
        errors: [
          {
            message: `This API key lacks the "${scope}" scope.`,
            extensions: { code: "FORBIDDEN", requiredScope: scope },
          },
        ],
      }),
    );
    return null;
  }
  if (throttle) {
    try {
      const charge = await throttle.chargeQuery({ keyId: auth.keyId, tenantId: auth.tenantId }, cost);
      for (const [k, v] of Object.entries(rateLimitHeaders(charge.verdict))) res.setHeader(k, v);
    } catch (err) {
      if (!(err instanceof AppError) || err.extensions.code !== "RATE_LIMITED") throw err;
      const retryAfter = Number(err.extensions.retryAfter);
      res.writeHead(429, { "content-type": "application/json; charset=utf-8", "retry-after": String(retryAfter) });
      res.end(JSON.stringify({ errors: [{ message: err.message, extensions: { code: "RATE_LIMITED", retryAfter } }] }));
      return null;
    }
  }
  const ctx = new RequestContext(app, auth, requestId);
  ctx.clientAddress = address;
  return ctx;
}
