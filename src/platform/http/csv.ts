import type { ServerResponse } from "node:http";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { stringify } from "csv-stringify";
import type { RequestContext } from "../context";
import { isDatabaseUnavailable } from "../db/unavailable.errors";
import { sendUnavailable } from "./graphql-http";
import { sendGraphQLError } from "./respond";

// CSV answers (exports) streamed a page at a time: rows flow from PostgreSQL to the socket with
// backpressure all the way (a slow client slows the reading), so a million rows cost the
// memory of a few pages. RFC 4180: CRLF between records, a header
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

/** An export's rows: a SELECT with its conditions, and the unique key that orders and pages it. */
export interface ExportQuery {
  /** SELECT ... FROM ... WHERE ..., without ORDER BY or LIMIT; its rows carry the key's columns. */
  sql: string;
  params: unknown[];
  /** Columns of a unique, index-backed key, ascending: the export's order and its page cursor. */
  key: readonly [string, string];
}

/**
 * Rows read per statement. Small enough that a page dies young: with 500- and 5,000-row pages
 * the pages outlived scavenges and a million-row export's old generation peaked 160-245 MB
 * above its start; with 100 it grows about 13 MB (test/e2e/export-memory.test.ts).
 */
export const EXPORT_PAGE_ROWS = 100;

/**
 * The export's rows, read in ctx's tenant transaction a page at a time by keyset (the key's
 * values of a page's last row start the next), pulled only as fast as the client reads.
 * Keyset pages rather than a server-side cursor: pooled connections run in pg's pipeline mode
 * (platform/db/data-source.ts), where a portal kept open across round trips is refused, and
 * every page is an index range scan however deep into the export it is. The key is carried as
 * text, so a timestamp keeps its microseconds (a JavaScript Date would round them away and
 * repeat or skip rows).
 */
export async function* exportRows<Row>(ctx: RequestContext, query: ExportQuery): AsyncGenerator<Row> {
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
    const em = await ctx.db();
    const rows = (await em.query(page(cursor !== null), cursor ? [...query.params, ...cursor] : query.params)) as Array<
      Row & { export_key1: string; export_key2: string }
    >;
    for (const row of rows) {
      const { export_key1: _k1, export_key2: _k2, ...fields } = row;
      yield fields as unknown as Row;
    }
    if (rows.length < EXPORT_PAGE_ROWS) return;
    const last = rows[rows.length - 1]!;
    cursor = [last.export_key1, last.export_key2];
  }
}

/** Streams an export's rows (exportRows) as a CSV attachment (sendCsv). */
export async function sendQueryAsCsv<Row>(
  ctx: RequestContext,
  res: ServerResponse,
  filename: string,
  columns: readonly string[],
  query: ExportQuery,
  toRecord: (row: Row) => CsvValue[],
): Promise<void> {
  await sendCsv(ctx, res, filename, columns, Readable.from(exportRows<Row>(ctx, query)), toRecord);
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
