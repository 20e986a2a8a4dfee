import { createHmac, timingSafeEqual } from "node:crypto";
import { AUTH_OK, fail, isFresh, parseUnixSeconds, type AuthResult } from "./auth-result";

export { ReplayCache, type ReplayCacheOptions } from "./replay-cache";

// Mailgun webhook signature: hex HMAC-SHA256 of timestamp + token (no separator) keyed
// with the domain's HTTP webhook signing key. The signature object travels inside the
// JSON body ("signature": { timestamp, token, signature }).
//
// Replays: a valid signature stays valid forever, so the shell must also refuse a token it
// has already seen: first a per-process ReplayCache (cheap), then the durable guard, a
// unique key on the stored token in the database.

/** Mailgun's own guidance is to reject old timestamps; fifteen minutes allows for skew. */
export const MAILGUN_DEFAULT_TOLERANCE_MS = 15 * 60 * 1000;

export type MailgunVerifyCode = "MALFORMED" | "STALE" | "BAD_SIGNATURE";
export type MailgunVerifyResult = AuthResult<MailgunVerifyCode>;

export interface MailgunSignature {
  timestamp: string;
  token: string;
  signature: string;
}

/** The `signature` object of a v3 JSON webhook body, or null when absent or mistyped. */
export function readMailgunSignature(body: unknown): MailgunSignature | null {
  if (typeof body !== "object" || body === null) return null;
  const sig = (body as Record<string, unknown>).signature;
  if (typeof sig !== "object" || sig === null) return null;
  const { timestamp, token, signature } = sig as Record<string, unknown>;
  // Mailgun documents timestamp as an int but sends a string; accept both.
  const ts = typeof timestamp === "number" ? String(timestamp) : timestamp;
  if (typeof ts !== "string" || typeof token !== "string" || typeof signature !== "string") return null;
  return { timestamp: ts, token, signature };
}

export interface MailgunVerifyInput {
  signingKey: string;
  /** The body's `signature` object (readMailgunSignature), or null when there was none. */
  signature: MailgunSignature | null;
  now: Date;
  toleranceMs?: number;
}

export function verifyMailgunSignature(input: MailgunVerifyInput): MailgunVerifyResult {
  const sig = input.signature;
  if (!sig || sig.token === "")
    return fail("MALFORMED", "Body has no signature { timestamp, token, signature } object");
  const signedAt = parseUnixSeconds(sig.timestamp);
  if (!signedAt) return fail("MALFORMED", "signature.timestamp is not unix seconds");
  if (!isFresh(signedAt, input.now, input.toleranceMs ?? MAILGUN_DEFAULT_TOLERANCE_MS)) {
    return fail("STALE", `Mailgun timestamp ${sig.timestamp} is outside the accepted window`);
  }
  if (!/^[0-9a-f]{64}$/i.test(sig.signature)) {
    return fail("BAD_SIGNATURE", "signature.signature is not a hex SHA-256 HMAC");
  }
  const expected = createHmac("sha256", input.signingKey)
    .update(sig.timestamp + sig.token, "utf8")
    .digest();
  const given = Buffer.from(sig.signature, "hex");
  return timingSafeEqual(expected, given) ? AUTH_OK : fail("BAD_SIGNATURE", "Mailgun signature does not match");
}
