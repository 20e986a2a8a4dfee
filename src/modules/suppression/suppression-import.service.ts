import type { RequestContext } from "../../platform/context";
import { canonicalAddress, suppressionService, type SuppressionCandidate } from "./suppression.service";

// Bulk suppression import from CSV (POST /import/suppressions.csv). Rows arrive as parsed
// records, a batch at a time, and each batch is one insert in the request's transaction, so a
// list of any length costs the memory of one batch (plus at most MAX_REPORTED invalid rows).
// Idempotent: an active suppression of the same value is left as it is and counted as
// already present, so importing the same file twice adds nothing the second time.

/** Rows validated and inserted together. */
export const IMPORT_BATCH = 1_000;
/** Invalid rows reported one by one; beyond, only counted. */
export const MAX_REPORTED = 1_000;

export type ImportRowCode = "MISSING_VALUE" | "INVALID_EMAIL" | "INVALID_DOMAIN" | "INVALID_SCOPE" | "INVALID_NOTE";

export interface InvalidRow {
  /** The line of the file where the row ends (1 is the header). */
  line: number;
  code: ImportRowCode;
  message: string;
  /** The row's value as given (at most 200 characters). */
  value: string;
}

export interface ImportReport {
  /** Data rows read (the header excluded). */
  rows: number;
  /** Suppressions created. */
  added: number;
  /** Valid rows whose value was already actively suppressed (earlier, or earlier in this file). */
  alreadyPresent: number;
  /** Rows refused; the first MAX_REPORTED are listed in invalidRows. */
  invalid: number;
  invalidRows: InvalidRow[];
}

/** A CSV that cannot be imported as a whole (no usable header): nothing is stored. */
export class ImportFormatError extends Error {
  constructor(
    readonly code: "CSV_HEADER_MISSING" | "CSV_EMPTY",
    message: string,
  ) {
    super(message);
  }
}

/** Header names that hold the address or domain, in order of preference. */
const VALUE_COLUMNS = ["value", "email", "email_address", "address", "recipient", "domain"];

/** Takes off the apostrophe an export puts before a field a spreadsheet would run as a formula. */
function unescapeFormula(field: string): string {
  return /^'[=+\-@\t\r]/.test(field) ? field.slice(1) : field;
}

interface Columns {
  value: number;
  scope: number;
  note: number;
}

function columnsOf(header: string[]): Columns {
  const names = header.map((h) =>
    h
      .trim()
      .toLowerCase()
      .replace(/[\s-]+/g, "_"),
  );
  const value = VALUE_COLUMNS.map((c) => names.indexOf(c)).find((i) => i >= 0) ?? -1;
  if (value < 0)
    throw new ImportFormatError(
      "CSV_HEADER_MISSING",
      `The first line must be a header naming the column of addresses or domains (one of: ${VALUE_COLUMNS.join(", ")}); optional columns: scope (ADDRESS or DOMAIN), note.`,
    );
  return { value, scope: names.indexOf("scope"), note: names.indexOf("note") };
}

export class SuppressionImportService {
  /** Imports every record of `records` (the header first) in ctx's transaction. */
  async import(ctx: RequestContext, records: AsyncIterable<{ line: number; record: string[] }>): Promise<ImportReport> {
    const report: ImportReport = { rows: 0, added: 0, alreadyPresent: 0, invalid: 0, invalidRows: [] };
    let columns: Columns | null = null;
    let batch = new Map<string, SuppressionCandidate>();
    let repeats = 0;
    const invalid = (line: number, code: ImportRowCode, message: string, value: string) => {
      report.invalid++;
      if (report.invalidRows.length < MAX_REPORTED) report.invalidRows.push({ line, code, message, value });
    };
    const flush = async () => {
      if (batch.size > 0) {
        const inserted = await suppressionService.insertMany(await ctx.db(), ctx.tenantId, [...batch.values()]);
        report.added += inserted.length;
        report.alreadyPresent += batch.size - inserted.length;
      }
      report.alreadyPresent += repeats;
      batch = new Map();
      repeats = 0;
    };

    for await (const { line, record } of records) {
      if (!columns) {
        columns = columnsOf(record);
        continue;
      }
      report.rows++;
      const raw = unescapeFormula((record[columns.value] ?? "").trim());
      const shown = raw.slice(0, 200);
      const scopeText = columns.scope >= 0 ? (record[columns.scope] ?? "").trim().toUpperCase() : "";
      const note = columns.note >= 0 ? unescapeFormula((record[columns.note] ?? "").trim()) : "";
      if (raw === "") {
        invalid(line, "MISSING_VALUE", "The row has no address or domain.", shown);
        continue;
      }
      if (scopeText !== "" && scopeText !== "ADDRESS" && scopeText !== "DOMAIN") {
        invalid(line, "INVALID_SCOPE", `scope must be ADDRESS or DOMAIN, not "${scopeText.slice(0, 50)}".`, shown);
        continue;
      }
      if (note.length > 500 || note.includes("\u0000")) {
        invalid(line, "INVALID_NOTE", "note must be text of at most 500 characters.", shown);
        continue;
      }
      const scope = scopeText || (raw.includes("@") && !raw.startsWith("@") ? "ADDRESS" : "DOMAIN");
      let value: string | null;
      if (scope === "ADDRESS") {
        value = canonicalAddress(raw)?.address ?? null;
        if (!value) {
          invalid(line, "INVALID_EMAIL", `"${shown}" is not an email address.`, shown);
          continue;
        }
      } else {
        value = canonicalAddress(`x@${raw.replace(/^@/, "")}`)?.domain ?? null;
        if (!value) {
          invalid(line, "INVALID_DOMAIN", `"${shown}" is not a domain name.`, shown);
          continue;
        }
      }
      const key = `${scope}|${value}`;
      if (batch.has(key)) {
        repeats++;
        continue;
      }
      batch.set(key, {
        scope,
        value,
        reason: "MANUAL",
        bounceReason: null,
        eventId: null,
        note: note || null,
        expiresAt: null,
        createdByKeyId: ctx.auth?.keyId ?? null,
      });
      if (batch.size >= IMPORT_BATCH) await flush();
    }
    if (!columns)
      throw new ImportFormatError("CSV_EMPTY", "The file is empty: send a header line and one row per suppression.");
    await flush();
    return report;
  }
}

export const suppressionImportService = new SuppressionImportService();
