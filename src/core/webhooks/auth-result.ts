import { createHash, timingSafeEqual } from "node:crypto";

// Shared shape of every authenticity check: `ok: true`, or a code the shell maps to a
// status and a message it may log (never echo secrets into it).

export type AuthOk = { ok: true };
export type AuthFailure<Code extends string> = { ok: false; code: Code; message: string };
export type AuthResult<Code extends string> = AuthOk | AuthFailure<Code>;

export const AUTH_OK: AuthOk = Object.freeze({ ok: true }) as AuthOk;

export function fail<Code extends string>(code: Code, message: string): AuthFailure<Code> {
  return { ok: false, code, message };
}

/**
 * Is a vendor timestamp within `toleranceMs` of `now`, in either direction? Both sides are
 * checked: a timestamp far in the future is as suspicious as an old one, but a small clock
 * skew between the vendor and us must not reject genuine deliveries.
 */
export function isFresh(signedAt: Date, now: Date, toleranceMs: number): boolean {
  return Math.abs(now.getTime() - signedAt.getTime()) <= toleranceMs;
}

/**
 * Constant-time string equality that does not leak the length either: both sides are
 * hashed first so timingSafeEqual always compares 32 bytes.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  const ha = createHash("sha256").update(a, "utf8").digest();
  const hb = createHash("sha256").update(b, "utf8").digest();
  return timingSafeEqual(ha, hb);
}

/** A vendor's "unix seconds" string or number, strictly parsed; null when it is not one. */
export function parseUnixSeconds(value: unknown): Date | null {
  const text = typeof value === "number" ? String(value) : value;
  if (typeof text !== "string" || !/^\d{1,12}(\.\d+)?$/.test(text.trim())) return null;
  return new Date(Number(text.trim()) * 1000);
}
