import type { ServerResponse } from "node:http";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { stringify } from "csv-stringify";
import type { RequestContext } from "../context";
import { inTenantTransaction } from "../db/tenant-transaction";
import { isDatabaseUnavailable } from "../db/unavailable.errors";
import { sendUnavailable } from "./graphql-http";
import { sendGraphQLError } from "./respond";

// CSV answers (exports) streamed a batch at a time: rows flow from PostgreSQL to the socket
// with backpressure all the way (a slow client slows the reading), so a million rows cost the
// memory of a few batches. RFC 4180: CRLF between records, a header
// line, fields holding a comma, a quote, CR or LF quoted with quotes doubled. A field that a
// spreadsheet would run as a formula (starting with = + - @ TAB or CR) gets a leading
// apostrophe (OWASP's CSV injection advice); the import takes it off again.

export type CsvValue = string | number | boolean | Date | null;

/** The CSV text of a header and records, exactly as an export writes it (for small answers and tests). */
export function csvOptions(columns: readonly string[]) {
  return {
    header: true,
    columns: [...columns],
    record_delimiter: "windows" as const,
    quote_record_delimiter: true,
    escape_formulas: true,
    cast: {
      date: (d: Date) => d.toISOString(),
      boolean: (b: boolean) => (b ? "true" : "false"),
    },
  };
}

/**
 * Streams `rows` (from ctx's transaction) as a CSV attachment, each row turned into a record
 * by `toRecord`, then ends the transaction. A failure before the first byte is answered with
 * an error; after it, the connection is cut so that the client sees an incomplete download
 * instead of a short file that looks whole.
 */
export async function sendCsv<Row>(
  ctx: RequestContext,
  res: ServerResponse,
  filename: string,
  columns: readonly string[],
  rows: Readable,
  toRecord: (row: Row) => CsvValue[],
): Promise<void> {
  res.statusCode = 200;
  res.setHeader("content-type", "text/csv; charset=utf-8; header=present");
  res.setHeader("content-disposition", `attachment; filename="${filename}"`);
  const records = new Transform({
    objectMode: true,
    transform(row: Row, _encoding, done) {
      try {
        done(null, toRecord(row));
      } catch (err) {
        done(err as Error);
      }
    },
  });
  try {
    await pipeline(rows, records, stringify(csvOptions(columns)), res);
    await ctx.tx.commit();
  } catch (err) {
    await sendCsvFailure(ctx, res, err);
  }
}

/** Ends ctx's transaction after a failed export and answers it (or cuts it, once begun). */
async function sendCsvFailure(ctx: RequestContext, res: ServerResponse, err: unknown): Promise<void> {
  await ctx.tx.rollback();
  if (res.headersSent || res.destroyed) {
    res.destroy();
    // A client that went away is not the server's error.
    if ((err as { code?: string }).code === "ERR_STREAM_PREMATURE_CLOSE") return;
    ctx.log.warn({ err }, "CSV export stopped");
    return;
  }
  res.removeHeader("content-disposition");
  if (isDatabaseUnavailable(err)) return sendUnavailable(res);
  ctx.log.error({ err }, "CSV export failed");
  sendGraphQLError(res, 500, "INTERNAL_SERVER_ERROR", "Internal server error.");
}

/** An export's rows: a SELECT with its conditions, and the unique key that orders and pages it. */
export interface ExportQuery {
  /** SELECT ... FROM ... WHERE ..., without ORDER BY or LIMIT; its rows carry the key's columns. */
  sql: string;
  params: unknown[];
  /** Columns of a unique, index-backed key, ascending: the export's order and its page cursor. */
  key: readonly [string, string];
}

/** Rows read per round trip, from the export's cursor or per keyset page. */
export const EXPORT_PAGE_ROWS = 100;

/**
 * The export's rows on the embedded database, which has one connection and no other for a
 * cursor (platform/db/export-connections.ts): keyset pages (the key's values of a page's last
 * row start the next), each page its own tenant transaction, so that the one connection is
 * free between pages and other requests go on while a slow client downloads. Rows
 * committed meanwhile beyond the key read so far are included; none is repeated or skipped.
 * The key is carried as text, so a timestamp keeps its microseconds (a JavaScript Date would
 * round them away and repeat or skip rows).
 */
export async function* exportPages<Row>(ctx: RequestContext, query: ExportQuery): AsyncGenerator<Row> {
  const [k1, k2] = query.key;
  const n = query.params.length;
  const page = (after: boolean) =>
    `SELECT export_rows.*, export_rows.${k1}::text AS export_key1, export_rows.${k2}::text AS export_key2
       FROM (${query.sql}) AS export_rows
      ${after ? `WHERE (export_rows.${k1}, export_rows.${k2}) > ($${n + 1}, $${n + 2})` : ""}
      ORDER BY export_rows.${k1}, export_rows.${k2}
      LIMIT ${EXPORT_PAGE_ROWS}`;
  let cursor: [string, string] | null = null;
  for (;;) {
    const after = cursor;
    const rows = (await inTenantTransaction(ctx.app.db.dataSource, ctx.tenantId, (em) =>
      em.query(page(after !== null), after ? [...query.params, ...after] : query.params),
    )) as Array<Row & { export_key1: string; export_key2: string }>;
    for (const row of rows) {
      const { export_key1: _k1, export_key2: _k2, ...fields } = row;
      yield fields as unknown as Row;
    }
    if (rows.length < EXPORT_PAGE_ROWS) return;
    const last = rows[rows.length - 1]!;
    cursor = [last.export_key1, last.export_key2];
  }
}

/**
 * Streams an export's rows as a CSV attachment (sendCsv), in the key's order: from a cursor
 * on an export connection (PostgreSQL), else by keyset pages (exportPages, the embedded
 * database).
 */
export async function sendQueryAsCsv<Row>(
  ctx: RequestContext,
  res: ServerResponse,
  filename: string,
  columns: readonly string[],
  query: ExportQuery,
  toRecord: (row: Row) => CsvValue[],
): Promise<void> {
  const exports = ctx.app.db.exports;
  let rows: Readable;
  if (exports) {
    try {
      const sql = `${query.sql} ORDER BY ${query.key[0]}, ${query.key[1]}`;
      rows = await exports.stream(ctx.tenantId, sql, query.params, EXPORT_PAGE_ROWS);
    } catch (err) {
      return sendCsvFailure(ctx, res, err);
    }
  } else {
    rows = Readable.from(exportPages<Row>(ctx, query));
  }
  await sendCsv(ctx, res, filename, columns, rows, toRecord);
}

/** An ISO 8601 date or date-time query parameter; undefined when absent, null when not a date. */
export function dateParam(url: URL, name: string): Date | null | undefined {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === "") return undefined;
  if (!/^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i.test(raw))
    return null;
  // A date is midnight UTC; a time without a zone is UTC too (never the server's local time).
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(raw)
    ? `${raw}T00:00:00Z`
    : /(?:Z|[+-]\d{2}:?\d{2})$/i.test(raw)
      ? raw
      : `${raw}Z`;
  const at = new Date(iso.replace(" ", "T"));
  return Number.isNaN(at.getTime()) ? null : at;
}
