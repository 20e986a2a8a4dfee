import type { App } from "../../platform/context";
import { dateParam, sendQueryAsCsv, type CsvValue } from "../../platform/http/csv";
import { sendGraphQLError, sendJson } from "../../platform/http/respond";
import type { Route } from "../../platform/http/route";
import { authenticateRoute } from "../../platform/http/route-auth";
import { toGlobalId } from "../../platform/graphql/global-id";

// GET /export/bounce-events.csv?from=<ISO date or date-time>&to=<...>  (Bearer key, read scope)
//
// The tenant's bounce events that occurred in [from, to) (either end may be left open), oldest
// first, as CSV streamed from a server-side cursor in the tenant's transaction: the same
// row-level security and tenant filter as every GraphQL read, so another tenant's events
// never appear. Ids are the API's global ids, so a row can be looked up with node(id:).

export const BOUNCE_EVENTS_CSV_PATH = "/export/bounce-events.csv";

/** What an export is charged to the key's and tenant's cost buckets (a 100-row page costs about this). */
export const EXPORT_COST = 100;

const COLUMNS = [
  "id",
  "occurred_at",
  "received_at",
  "source",
  "recipient",
  "recipient_domain",
  "recipient_provider",
  "reason",
  "bounce_type",
  "hard_bounce",
  "fault",
  "variant",
  "status",
  "reply_code",
  "diagnostic_code",
  "remote_mta",
  "reporting_mta",
  "feedback_type",
  "message_id",
  "campaign_id",
  "inbox_id",
] as const;

interface Row {
  id: string;
  occurred_at: Date;
  created_at: Date;
  source: string;
  recipient: string;
  recipient_domain: string;
  recipient_provider: string;
  reason: string;
  bounce_type: string;
  hard_bounce: boolean;
  fault: string;
  variant: string;
  status: string | null;
  reply_code: number | null;
  diagnostic_code: string | null;
  remote_mta: string | null;
  reporting_mta: string | null;
  feedback_type: string | null;
  message_id: string | null;
  campaign_id: string | null;
  inbox_id: string | null;
}

function toRecord(r: Row): CsvValue[] {
  return [
    toGlobalId("BounceEvent", r.id),
    r.occurred_at,
    r.created_at,
    r.source,
    r.recipient,
    r.recipient_domain,
    r.recipient_provider.toUpperCase(),
    r.reason.toUpperCase(),
    r.bounce_type,
    r.hard_bounce,
    r.fault.toUpperCase(),
    r.variant,
    r.status,
    r.reply_code,
    r.diagnostic_code,
    r.remote_mta,
    r.reporting_mta,
    r.feedback_type,
    r.message_id,
    r.campaign_id ? toGlobalId("Campaign", r.campaign_id) : null,
    r.inbox_id ? toGlobalId("Inbox", r.inbox_id) : null,
  ];
}

export function bounceExportRoutes(app: App): Route[] {
  return [
    {
      match: (_method, pathname) => (pathname === BOUNCE_EVENTS_CSV_PATH ? {} : null),
      async handle(req, res) {
        if (req.method !== "GET") return sendJson(res, 405, { error: "use GET" }, { allow: "GET" });
        const url = new URL(req.url ?? "/", "http://localhost");
        const from = dateParam(url, "from");
        const to = dateParam(url, "to");
        if (from === null || to === null)
          return sendGraphQLError(
            res,
            400,
            "BAD_USER_INPUT",
            "from and to must be ISO 8601 dates or date-times, e.g. 2026-12-01 or 2026-12-01T00:00:00Z.",
          );
        if (from && to && from > to) return sendGraphQLError(res, 400, "BAD_USER_INPUT", "from must not be after to.");
        const ctx = await authenticateRoute(app, req, res, "read", EXPORT_COST);
        if (!ctx) return;
        const sql = `SELECT id, occurred_at, created_at, source, recipient, recipient_domain, recipient_provider, reason,
                  bounce_type, hard_bounce, fault, variant, status, reply_code, diagnostic_code, remote_mta,
                  reporting_mta, feedback_type, message_id, campaign_id, inbox_id
             FROM bounce_events
            WHERE tenant_id = $1 AND occurred_at >= $2 AND occurred_at < $3`;
        const params = [ctx.tenantId, from ?? "-infinity", to ?? "infinity"];
        const day = (d: Date | undefined) => (d ? d.toISOString().slice(0, 10) : "");
        const name = from || to ? `bounce-events_${day(from)}_${day(to)}.csv` : "bounce-events.csv";
        await sendQueryAsCsv<Row>(ctx, res, name, COLUMNS, { sql, params, key: ["occurred_at", "id"] }, toRecord);
      },
    },
  ];
}
