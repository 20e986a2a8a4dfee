import type { ServerResponse } from "node:http";
import { Transform, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { stringify } from "csv-stringify";
import type { RequestContext } from "../context";
import { isDatabaseUnavailable } from "../db/unavailable.errors";
import { sendUnavailable } from "./graphql-http";
import { sendGraphQLError } from "./respond";

// CSV answers (exports) streamed from a server-side cursor: rows flow from PostgreSQL to the
// socket a batch at a time, with backpressure all the way (a slow client slows the cursor), so
// a million rows cost the memory of a few batches. RFC 4180: CRLF between records, a header
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
}

/**
 * Runs `sql` in ctx's tenant transaction through a server-side cursor (TypeORM's stream, which
 * reads with pg-query-stream a batch at a time) and streams its rows as CSV (sendCsv).
 */
export async function sendQueryAsCsv<Row>(
  ctx: RequestContext,
  res: ServerResponse,
  filename: string,
  columns: readonly string[],
  query: { sql: string; params: unknown[] },
  toRecord: (row: Row) => CsvValue[],
): Promise<void> {
  let rows: Readable;
  try {
    const runner = (await ctx.db()).queryRunner;
    if (!runner) throw new Error("a tenant transaction runs on a query runner");
    rows = await runner.stream(query.sql, query.params);
  } catch (err) {
    await ctx.tx.rollback();
    throw err;
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
