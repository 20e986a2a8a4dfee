import type { IncomingMessage } from "node:http";
import { Transform } from "node:stream";
import { CsvError, parse } from "csv-parse";
import type { App } from "../../platform/context";
import { sendQueryAsCsv, type CsvValue } from "../../platform/http/csv";
import { sendGraphQLError, sendJson } from "../../platform/http/respond";
import type { Route } from "../../platform/http/route";
import { authenticateRoute } from "../../platform/http/route-auth";
import { toGlobalId } from "../../platform/graphql/global-id";
import { ImportFormatError, suppressionImportService } from "./suppression-import.service";

// GET  /export/suppressions.csv[?includeRemoved=true]   (Bearer key, read scope)
// POST /import/suppressions.csv  Content-Type: text/csv  (Bearer key, write scope)
//
// The export streams the tenant's suppressions, oldest first, from a server-side cursor in the
// tenant's transaction (the same walls as GraphQL). The import reads the upload as it arrives
// (csv-parse), inserts a batch at a time in one transaction (all or nothing), and answers
// { rows, added, alreadyPresent, invalid, invalidRows: [{ line, code, message, value }] }.
// An export's file imports as it is: its scope, value and note columns are what the import reads.

export const SUPPRESSIONS_EXPORT_PATH = "/export/suppressions.csv";
export const SUPPRESSIONS_IMPORT_PATH = "/import/suppressions.csv";
const EXPORT_COST = 100;
const IMPORT_COST = 100;
/** Longest CSV record the import accepts (a line of an address and a note is far shorter). */
const MAX_RECORD_BYTES = 8_192;

const COLUMNS = [
  "id",
  "scope",
  "value",
  "reason",
  "bounce_reason",
  "note",
  "created_at",
  "expires_at",
  "removed_at",
  "removal_note",
  "created_by_api_key_id",
  "event_id",
] as const;

interface Row {
  id: string;
  scope: string;
  value: string;
  reason: string;
  bounce_reason: string | null;
  note: string | null;
  created_at: Date;
  expires_at: Date | null;
  removed_at: Date | null;
  removal_note: string | null;
  created_by_key_id: string | null;
  event_id: string | null;
}

function toRecord(r: Row): CsvValue[] {
  return [
    toGlobalId("Suppression", r.id),
    r.scope,
    r.value,
    r.reason,
    r.bounce_reason?.toUpperCase() ?? null,
    r.note,
    r.created_at,
    r.expires_at,
    r.removed_at,
    r.removal_note,
    r.created_by_key_id ? toGlobalId("ApiKey", r.created_by_key_id) : null,
    r.event_id ? toGlobalId("BounceEvent", r.event_id) : null,
  ];
}

class BodyLimitExceeded extends Error {
  constructor(readonly limit: number) {
    super(`The CSV is larger than ${limit} bytes (REBOUND_MAX_IMPORT_BODY_BYTES); split it into several imports.`);
  }
}

/** The upload's records with the line each ends on, read as the bytes arrive, under a size limit. */
async function* csvRecords(req: IncomingMessage, limit: number): AsyncGenerator<{ line: number; record: string[] }> {
  let size = 0;
  const limited = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length;
      done(size > limit ? new BodyLimitExceeded(limit) : null, chunk);
    },
  });
  const parser = parse({
    bom: true,
    relax_column_count: true,
    skip_empty_lines: true,
    max_record_size: MAX_RECORD_BYTES,
    info: true,
  });
  limited.on("error", (err) => parser.destroy(err));
  req.on("error", (err) => parser.destroy(err));
  req.pipe(limited).pipe(parser);
  for await (const { info, record } of parser as AsyncIterable<{ info: { lines: number }; record: string[] }>) {
    yield { line: info.lines, record };
  }
}

export function suppressionCsvRoutes(app: App): Route[] {
  const limit = app.config.limits.maxImportBodyBytes;
  return [
    {
      match: (_method, pathname) => (pathname === SUPPRESSIONS_EXPORT_PATH ? {} : null),
      async handle(req, res) {
        if (req.method !== "GET") return sendJson(res, 405, { error: "use GET" }, { allow: "GET" });
        const url = new URL(req.url ?? "/", "http://localhost");
        const includeRemoved = url.searchParams.get("includeRemoved");
        if (includeRemoved !== null && includeRemoved !== "true" && includeRemoved !== "false")
          return sendGraphQLError(res, 400, "BAD_USER_INPUT", "includeRemoved must be true or false.");
        const ctx = await authenticateRoute(app, req, res, "read", EXPORT_COST);
        if (!ctx) return;
        const sql = `SELECT id, scope, value, reason, bounce_reason, note, created_at, expires_at, removed_at,
                            removal_note, created_by_key_id, event_id
                       FROM suppressions
                      WHERE tenant_id = $1
                        ${includeRemoved === "true" ? "" : "AND removed_at IS NULL AND (expires_at IS NULL OR expires_at > now())"}`;
        const query = { sql, params: [ctx.tenantId], key: ["created_at", "id"] as const };
        await sendQueryAsCsv<Row>(ctx, res, "suppressions.csv", COLUMNS, query, toRecord);
      },
    },
    {
      match: (_method, pathname) => (pathname === SUPPRESSIONS_IMPORT_PATH ? {} : null),
      async handle(req, res) {
        if (req.method !== "POST") return sendJson(res, 405, { error: "use POST" }, { allow: "POST" });
        if (!/^text\/csv\s*(?:;|$)/i.test(String(req.headers["content-type"] ?? "")))
          return sendGraphQLError(
            res,
            415,
            "UNSUPPORTED_MEDIA_TYPE",
            "Send the suppression list as CSV (Content-Type: text/csv), UTF-8, with a header line.",
          );
        const declared = Number(req.headers["content-length"]);
        if (Number.isFinite(declared) && declared > limit) {
          res.setHeader("connection", "close");
          return sendGraphQLError(res, 413, "PAYLOAD_TOO_LARGE", new BodyLimitExceeded(limit).message);
        }
        const ctx = await authenticateRoute(app, req, res, "write", IMPORT_COST);
        if (!ctx) return;
        try {
          const report = await suppressionImportService.import(ctx, csvRecords(req, limit));
          await ctx.tx.commit();
          return sendJson(res, 200, report);
        } catch (err) {
          await ctx.tx.rollback();
          // The rest of the upload is not read: close the connection after answering.
          res.setHeader("connection", "close");
          if (err instanceof BodyLimitExceeded) {
            return sendGraphQLError(res, 413, "PAYLOAD_TOO_LARGE", `${err.message} Nothing was imported.`);
          }
          if (err instanceof ImportFormatError)
            return sendJson(res, 400, {
              errors: [{ message: `${err.message} Nothing was imported.`, extensions: { code: err.code } }],
            });
          if (err instanceof CsvError) {
            const line = (err as CsvError & { lines?: number }).lines;
            return sendJson(res, 400, {
              errors: [
                {
                  message: `The file is not valid CSV${line ? ` (line ${line})` : ""}: ${err.message} Nothing was imported.`,
                  extensions: { code: "MALFORMED_CSV", csvCode: err.code, line: line ?? null },
                },
              ],
            });
          }
          throw err;
        }
      },
    },
  ];
}
