import type { IncomingMessage, ServerResponse } from "node:http";
import { RequestContext, type App } from "../../platform/context";
import type { Logger } from "../../app/logger";
import {
  normalizeMailgun,
  normalizePostmark,
  normalizeSendgrid,
  normalizeSes,
  parseJsonBody,
  parsePostmarkBody,
  parseSendgridPublicKey,
  readMailgunSignature,
  verifyMailgunSignature,
  verifyPostmarkBasicAuth,
  verifySendgridSignature,
  verifySnsMessage,
  WebhookConfigError,
  WebhookPayloadError,
  SENDGRID_SIGNATURE_HEADER,
  SENDGRID_TIMESTAMP_HEADER,
  type EspProvider,
  type NormalizedEvent,
} from "../../core/webhooks";
import { sqlState } from "../../platform/db/savepoint";
import { isDatabaseUnavailable } from "../../platform/db/unavailable.errors";
import { RETRY_AFTER_UNAVAILABLE_SECONDS } from "../../platform/graphql/errors";
import { rateLimitHeaders } from "../../platform/http/throttle.service";
import { checkWebhookContentType, decodeWebhookBody, UnsupportedMediaTypeError } from "./webhook-body.decoder";
import { BodyTooLargeError, readBody } from "../../platform/http/body";
import { sendJson } from "../../platform/http/respond";
import type { Route } from "../../platform/http/route";
import { ingestService } from "../ingest";
import { webhookDependencies } from "./webhook-dependencies";
import { webhookEndpointService, type EndpointForDelivery } from "./webhook-endpoint.service";

// POST /webhooks/{ses|sendgrid|mailgun|postmark}/{endpointId}
//
// Order of work, so that nothing unauthenticated has any effect: find the endpoint (system
// context), read the body under a size limit, prove authenticity the vendor's way, parse and
// normalise, then store every event through the ingest service in ONE tenant transaction
// and answer 200 only after it committed. A vendor that gets no 2xx retries; the retry is
// deduplicated by the events' dedupe keys. Statuses follow src/core/webhooks/README.md:
//   400 malformed body · 401 Postmark credentials · 403 signature, topic or staleness ·
//   404 no such endpoint · 405 not POST · 413 body too large · 503 SNS certificate unavailable
//   or a transient database failure (vendors retry 5xx) · 500 our configuration is broken.

const PATH = /^\/webhooks\/(ses|sendgrid|mailgun|postmark)\/([^/]+)\/?$/;
const PROVIDERS: Record<string, EspProvider> = {
  ses: "SES",
  sendgrid: "SENDGRID",
  mailgun: "MAILGUN",
  postmark: "POSTMARK",
};
/** Serialization failures and deadlocks are retried here rather than bounced to the vendor. */
const RETRYABLE = new Set(["40001", "40P01"]);

class HttpFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

function reject(status: number, code: string, message: string, headers?: Record<string, string>): never {
  throw new HttpFailure(status, code, message, headers);
}

export function webhookRoutes(app: App): Route[] {
  return [
    {
      match(_method, pathname) {
        const m = PATH.exec(pathname);
        return m ? { provider: PROVIDERS[m[1]], endpointId: m[2] } : null;
      },
      async handle(req, res, params) {
        try {
          if (req.method !== "POST")
            reject(405, "METHOD_NOT_ALLOWED", "Webhooks are delivered with POST.", { allow: "POST" });
          const result = await deliver(app, req, params.provider as EspProvider, params.endpointId);
          sendJson(res, 200, result);
        } catch (err) {
          respondError(app.log, res, err);
        }
      },
    },
  ];
}

function respondError(log: Logger, res: ServerResponse, err: unknown): void {
  if (err instanceof HttpFailure)
    return sendJson(res, err.status, { error: { code: err.code, message: err.message } }, err.headers);
  if (err instanceof WebhookPayloadError)
    return sendJson(res, 400, { error: { code: err.code, message: err.message } });
  if (err instanceof BodyTooLargeError)
    return sendJson(res, 413, { error: { code: "PAYLOAD_TOO_LARGE", message: err.message } });
  if (err instanceof UnsupportedMediaTypeError)
    return sendJson(res, 415, { error: { code: "UNSUPPORTED_MEDIA_TYPE", message: err.message } });
  if (isDatabaseUnavailable(err)) {
    return sendJson(
      res,
      503,
      { error: { code: "SERVICE_UNAVAILABLE", message: "The database is unavailable; nothing was stored. Retry." } },
      { "retry-after": String(RETRY_AFTER_UNAVAILABLE_SECONDS) },
    );
  }
  if (err instanceof WebhookConfigError) {
    log.error({ err }, "webhook endpoint misconfigured");
    return sendJson(res, 500, {
      error: { code: "ENDPOINT_MISCONFIGURED", message: "This endpoint's verification settings are unusable." },
    });
  }
  log.error({ err }, "webhook delivery failed");
  // 503: the ESP retries, and the retry is deduplicated.
  sendJson(res, 503, {
    error: { code: "TEMPORARILY_UNAVAILABLE", message: "The events could not be stored; nothing was stored. Retry." },
  });
}

interface DeliveryResult {
  received: number;
  inserted: number;
  duplicates: number;
  ignored: number;
  /** Events refused one by one (no valid recipient, a date out of range): listed, never stored. */
  rejected?: Array<{ index: number; code: string; message: string }>;
  replayed?: boolean;
  subscriptionConfirmed?: boolean;
}

async function deliver(
  app: App,
  req: IncomingMessage,
  provider: EspProvider,
  endpointId: string,
): Promise<DeliveryResult> {
  const deps = webhookDependencies(app);
  const endpoint = await webhookEndpointService.findForDelivery(app, provider, endpointId);
  if (!endpoint) reject(404, "NOT_FOUND", "No webhook endpoint at this URL.");

  if (provider === "POSTMARK") {
    // Credentials come first: an unauthenticated body is not even read.
    const auth = verifyPostmarkBasicAuth(req.headers.authorization, {
      username: endpoint.settings.postmarkUsername ?? "",
      password: endpoint.secrets.postmarkPassword ?? "",
    });
    if (!auth.ok || !endpoint.secrets.postmarkPassword) {
      reject(401, auth.ok ? "BAD_CREDENTIALS" : auth.code, "Basic credentials are missing or wrong.", {
        "www-authenticate": 'Basic realm="rebound-webhooks", charset="UTF-8"',
      });
    }
  }
  checkWebhookContentType(req.headers["content-type"], provider === "SES");
  const raw = decodeWebhookBody(await readBody(req, deps.maxBodyBytes));
  const now = deps.now();

  switch (provider) {
    case "SES": {
      const body = parseJsonBody(raw);
      const check = await verifySnsMessage(body, {
        allowedTopicArns: endpoint.settings.allowedTopicArns ?? [],
        fetchCertificate: deps.fetchCertificate,
        now,
      });
      if (!check.ok) {
        if (check.code === "MALFORMED") reject(400, check.code, check.message);
        if (check.code === "CERT_UNAVAILABLE")
          reject(503, check.code, "The SNS signing certificate could not be fetched; retry.");
        reject(403, check.code, check.message);
      }
      const ses = normalizeSes(body);
      if (ses.type === "UnsubscribeConfirmation") return empty();
      if (ses.type === "SubscriptionConfirmation") {
        // Confirming is a GET of the (already SNS-host-checked) SubscribeURL.
        let status: number;
        try {
          status = (await deps.httpGet(ses.subscribeUrl)).status;
        } catch (err) {
          reject(502, "CONFIRMATION_FAILED", `Could not confirm the subscription: ${(err as Error).message}`);
        }
        if (status < 200 || status > 299)
          reject(502, "CONFIRMATION_FAILED", `SNS answered ${status} to the confirmation.`);
        return { ...empty(), subscriptionConfirmed: true };
      }
      return store(app, endpoint, ses.events);
    }
    case "SENDGRID": {
      const check = verifySendgridSignature({
        publicKey: parseSendgridPublicKey(endpoint.settings.sendgridPublicKey ?? ""),
        signature: header(req, SENDGRID_SIGNATURE_HEADER),
        timestamp: header(req, SENDGRID_TIMESTAMP_HEADER),
        rawBody: raw,
        now,
      });
      if (!check.ok) reject(403, check.code, check.message);
      return store(app, endpoint, normalizeSendgrid(parseJsonBody(raw)));
    }
    case "MAILGUN": {
      const body = parseJsonBody(raw);
      const signature = readMailgunSignature(body);
      const check = verifyMailgunSignature({ signingKey: endpoint.secrets.mailgunSigningKey ?? "", signature, now });
      if (!check.ok) reject(check.code === "MALFORMED" ? 400 : 403, check.code, check.message);
      const token = signature!.token;
      // A replay is answered 200 with nothing stored: any other non-2xx makes Mailgun retry.
      if (deps.mailgunReplayCache.has(token, now)) return { ...empty(), replayed: true };
      const events = normalizeMailgun(body);
      const result = await store(app, endpoint, events, token);
      // Remembered only now that it is committed, so a retry of a failed request is accepted.
      deps.mailgunReplayCache.checkAndRemember(token, now);
      return result;
    }
    case "POSTMARK":
      return store(app, endpoint, normalizePostmark(parsePostmarkBody(raw)));
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function empty(): DeliveryResult {
  return { received: 0, inserted: 0, duplicates: 0, ignored: 0 };
}

/**
 * Stores one delivery's events in one tenant transaction (the durable Mailgun token with
 * them), committing before the caller answers. Deadlocks and serialization failures, which
 * concurrent deliveries of overlapping events can cause, are retried a few times.
 */
async function store(
  app: App,
  endpoint: EndpointForDelivery,
  events: NormalizedEvent[],
  replayToken?: string,
): Promise<DeliveryResult> {
  // The tenant's ingestion volume: over it, 429 with Retry-After (vendors retry those later).
  const volume = await app.throttle?.chargeIngest(endpoint.tenantId, events.length);
  if (volume && !volume.allowed) {
    reject(
      429,
      "RATE_LIMITED",
      `This tenant's ingestion volume is spent (${volume.limit} events per minute); retry in ${volume.retryAfter} s.`,
      {
        "retry-after": String(volume.retryAfter),
        ...rateLimitHeaders(volume),
      },
    );
  }
  for (let attempt = 1; ; attempt++) {
    const ctx = new RequestContext(app, {
      tenantId: endpoint.tenantId,
      keyId: `webhook:${endpoint.id}`,
      scopes: ["ingest"],
    });
    try {
      if (replayToken !== undefined) {
        const em = await ctx.db();
        const fresh: unknown[] = await em.query(
          `INSERT INTO webhook_replay_tokens (tenant_id, provider, token, endpoint_id) VALUES ($1, $2, $3, $4)
           ON CONFLICT (tenant_id, provider, token) DO NOTHING RETURNING 1`,
          [endpoint.tenantId, endpoint.provider, replayToken, endpoint.id],
        );
        if (fresh.length === 0) {
          await ctx.tx.rollback();
          return { ...empty(), received: events.length, replayed: true };
        }
      }
      const result = await ingestService.ingestWebhookEvents(ctx, endpoint, events);
      await ctx.tx.commit();
      return {
        received: events.length,
        inserted: result.inserted,
        duplicates: result.duplicates,
        ignored: result.ignored,
        ...(result.rejected.length ? { rejected: result.rejected } : {}),
      };
    } catch (err) {
      await ctx.tx.rollback().catch(() => undefined);
      if (attempt < 4 && RETRYABLE.has(sqlState(err) ?? "")) continue;
      throw err;
    }
  }
}
