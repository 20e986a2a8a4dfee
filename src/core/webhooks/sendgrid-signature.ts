import { createPublicKey, verify, type KeyObject } from "node:crypto";
import { AUTH_OK, fail, isFresh, parseUnixSeconds, type AuthResult } from "./auth-result";
import { WebhookConfigError } from "./errors";

// SendGrid's Signed Event Webhook: an ECDSA P-256 / SHA-256 signature (base64, ASN.1 DER)
// over the timestamp header followed by the raw body bytes. The body must be verified as
// received, before any JSON parsing: re-serialising parsed JSON changes the bytes.

export const SENDGRID_SIGNATURE_HEADER = "x-twilio-email-event-webhook-signature";
export const SENDGRID_TIMESTAMP_HEADER = "x-twilio-email-event-webhook-timestamp";

/**
 * SendGrid signs each POST when it sends it; a retry is a new POST. Ten minutes absorbs
 * clock skew and slow queues without keeping a captured request replayable for long.
 */
export const SENDGRID_DEFAULT_TOLERANCE_MS = 10 * 60 * 1000;

export type SendgridVerifyCode = "MISSING_HEADERS" | "STALE" | "BAD_SIGNATURE";
export type SendgridVerifyResult = AuthResult<SendgridVerifyCode>;

/**
 * The verification key as SendGrid shows it (base64 DER SubjectPublicKeyInfo) or as PEM.
 * A key that is not a P-256 public key is a configuration error (WebhookConfigError), not
 * the request's fault. Parse it once per endpoint and pass the KeyObject to the verifier.
 */
export function parseSendgridPublicKey(key: string): KeyObject {
  let parsed: KeyObject;
  try {
    parsed = key.includes("-----BEGIN")
      ? createPublicKey(key)
      : createPublicKey({ key: Buffer.from(key.replace(/\s+/g, ""), "base64"), format: "der", type: "spki" });
  } catch (err) {
    throw new WebhookConfigError(`SendGrid verification key is not a public key: ${(err as Error).message}`);
  }
  if (parsed.asymmetricKeyType !== "ec" || parsed.asymmetricKeyDetails?.namedCurve !== "prime256v1") {
    throw new WebhookConfigError("SendGrid verification key must be an ECDSA P-256 public key");
  }
  return parsed;
}

export interface SendgridVerifyInput {
  /** KeyObject from parseSendgridPublicKey, or the key string (parsed on each call). */
  publicKey: KeyObject | string;
  /** Header values as received; undefined when the header is missing. */
  signature: string | undefined;
  timestamp: string | undefined;
  /** The request body exactly as received. */
  rawBody: Uint8Array | string;
  now: Date;
  toleranceMs?: number;
}

export function verifySendgridSignature(input: SendgridVerifyInput): SendgridVerifyResult {
  const key = typeof input.publicKey === "string" ? parseSendgridPublicKey(input.publicKey) : input.publicKey;
  const signature = input.signature?.trim();
  const timestamp = input.timestamp?.trim();
  if (!signature || !timestamp) {
    return fail("MISSING_HEADERS", "X-Twilio-Email-Event-Webhook-Signature and -Timestamp headers are required");
  }
  const signedAt = parseUnixSeconds(timestamp);
  if (!signedAt || !/^\d+$/.test(timestamp)) {
    return fail("BAD_SIGNATURE", "X-Twilio-Email-Event-Webhook-Timestamp is not unix seconds");
  }
  if (!isFresh(signedAt, input.now, input.toleranceMs ?? SENDGRID_DEFAULT_TOLERANCE_MS)) {
    return fail("STALE", `SendGrid timestamp ${timestamp} is outside the accepted window`);
  }
  const body = typeof input.rawBody === "string" ? Buffer.from(input.rawBody, "utf8") : Buffer.from(input.rawBody);
  const signed = Buffer.concat([Buffer.from(timestamp, "utf8"), body]);
  let valid: boolean;
  try {
    // dsaEncoding "der" is the default: SendGrid sends ASN.1 DER, not raw r||s.
    valid = verify("sha256", signed, { key, dsaEncoding: "der" }, Buffer.from(signature, "base64"));
  } catch {
    valid = false; // malformed DER
  }
  return valid ? AUTH_OK : fail("BAD_SIGNATURE", "SendGrid signature does not match the body");
}
