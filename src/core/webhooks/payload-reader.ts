import { WebhookPayloadError } from "./errors";

// Small typed readers over parsed JSON. Required fields throw WebhookPayloadError with the
// path that was wrong, so a malformed payload is a clear 400 and never a TypeError.

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function shapeError(path: string, expected: string): WebhookPayloadError {
  return new WebhookPayloadError("INVALID_SHAPE", `${path} must be ${expected}`);
}

export function requireObject(value: unknown, path: string): JsonObject {
  if (!isObject(value)) throw shapeError(path, "an object");
  return value;
}

export function requireArray(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) throw shapeError(path, "an array");
  return value;
}

export function requireString(obj: JsonObject, key: string, path: string): string {
  const value = obj[key];
  if (typeof value !== "string" || value.trim() === "") throw shapeError(`${path}.${key}`, "a non-empty string");
  return value.trim();
}

/** A string (or number, as some vendors send ids) trimmed; null when absent or empty. */
export function optionalString(obj: JsonObject, key: string): string | null {
  const value = obj[key];
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  if (typeof value !== "string") return null;
  const trimmed = value.trim();
  return trimmed === "" ? null : trimmed;
}

/** An integer given as a number or a numeric string; null otherwise. */
export function optionalInteger(obj: JsonObject, key: string): number | null {
  const value = obj[key];
  if (typeof value === "number" && Number.isInteger(value)) return value;
  if (typeof value === "string" && /^\d+$/.test(value.trim())) return Number(value.trim());
  return null;
}

/** An ISO 8601 date; null when absent or unparsable (a bad date is not worth losing the event). */
export function isoDate(value: unknown): Date | null {
  if (typeof value !== "string" || value.trim() === "") return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** Unix seconds (integer or fractional, number or string); null otherwise. */
export function unixSecondsDate(value: unknown): Date | null {
  const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  if (typeof n !== "number" || !Number.isFinite(n) || n <= 0) return null;
  return new Date(Math.round(n * 1000));
}

/**
 * Flattens a vendor's custom-variable object into string values: strings as they are,
 * numbers and booleans as text, nested values as JSON. Null and undefined are dropped.
 */
export function stringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isObject(value)) return out;
  for (const [key, v] of Object.entries(value)) {
    if (v === null || v === undefined) continue;
    out[key] = typeof v === "string" ? v : typeof v === "object" ? JSON.stringify(v) : String(v);
  }
  return out;
}
