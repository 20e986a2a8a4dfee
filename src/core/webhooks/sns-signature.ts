import { createVerify, X509Certificate } from "node:crypto";
import { AUTH_OK, fail, isFresh, type AuthResult } from "./auth-result";

// Amazon SNS message signature verification, as AWS documents it for HTTP/S subscribers:
// rebuild the canonical "Key\nValue\n" string from the envelope's own fields, fetch the
// signing certificate (only from an SNS host), and check the RSA signature over it
// (SignatureVersion 1 = SHA1withRSA, 2 = SHA256withRSA).
//
// A valid signature only proves that *some* SNS topic, possibly an attacker's own in any
// AWS account, signed the message, so the TopicArn allowlist is not optional.

export type SnsMessageType = "Notification" | "SubscriptionConfirmation" | "UnsubscribeConfirmation";

export interface SnsEnvelope {
  Type: SnsMessageType;
  MessageId: string;
  TopicArn: string;
  /** Only on Notification, and only when the publisher set one. */
  Subject?: string;
  /** For SES, a JSON string (raw message delivery must be off). */
  Message: string;
  Timestamp: string;
  SignatureVersion: "1" | "2";
  Signature: string;
  SigningCertURL: string;
  /** SubscriptionConfirmation / UnsubscribeConfirmation only. */
  SubscribeURL?: string;
  Token?: string;
  /** Notification only. */
  UnsubscribeURL?: string;
}

export type SnsVerifyCode =
  | "MALFORMED"
  | "TOPIC_NOT_ALLOWED"
  | "BAD_CERT_URL"
  | "STALE"
  | "BAD_SIGNATURE"
  /**
   * The certificate could not be fetched. Not the sender's fault as far as we can tell,
   * so the shell should answer 5xx: SNS retries 5xx, while a 4xx would lose the message.
   */
  | "CERT_UNAVAILABLE";

export type SnsVerifyResult = AuthResult<SnsVerifyCode>;

/** Fetches a PEM certificate. Injected: tests serve their own; production caches (see memoizeCertificateFetcher). */
export type CertificateFetcher = (url: string) => Promise<string>;

export interface SnsVerifyOptions {
  /** Exact TopicArns this endpoint accepts. Empty means none: fail closed. */
  allowedTopicArns: readonly string[];
  fetchCertificate: CertificateFetcher;
  now: Date;
  /**
   * How far the signed Timestamp may be from `now`. SNS keeps the original Timestamp (and
   * signature) on every retry, so this must cover the delivery policy's whole retry span:
   * default one hour.
   */
  maxAgeMs?: number;
}

export const SNS_DEFAULT_MAX_AGE_MS = 60 * 60 * 1000;

const MESSAGE_TYPES: readonly string[] = ["Notification", "SubscriptionConfirmation", "UnsubscribeConfirmation"];

/** Field order of the string to sign, per AWS ("sorted by key"; Subject only if present). */
const NOTIFICATION_FIELDS = ["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"] as const;
const CONFIRMATION_FIELDS = ["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"] as const;

/**
 * Reads an SNS envelope from parsed JSON, or says what is wrong with it. Shared by the
 * verifier (which answers MALFORMED) and normalizeSes (which throws).
 */
export function readSnsEnvelope(value: unknown): { envelope: SnsEnvelope } | { error: string } {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { error: "SNS envelope must be a JSON object" };
  }
  const v = value as Record<string, unknown>;
  const type = v.Type;
  if (typeof type !== "string" || !MESSAGE_TYPES.includes(type)) {
    return { error: `SNS Type must be one of ${MESSAGE_TYPES.join(", ")}` };
  }
  const required = ["MessageId", "TopicArn", "Message", "Timestamp", "SignatureVersion", "Signature", "SigningCertURL"];
  if (type !== "Notification") required.push("SubscribeURL", "Token");
  for (const key of required) {
    if (typeof v[key] !== "string" || v[key] === "") return { error: `SNS ${key} must be a non-empty string` };
  }
  if (v.SignatureVersion !== "1" && v.SignatureVersion !== "2") {
    return { error: `Unsupported SNS SignatureVersion ${JSON.stringify(v.SignatureVersion)}` };
  }
  for (const key of ["Subject", "UnsubscribeURL"]) {
    // SNS omits an unset Subject; some relays write null. Anything else is not SNS.
    if (v[key] !== undefined && v[key] !== null && typeof v[key] !== "string") {
      return { error: `SNS ${key} must be a string when present` };
    }
  }
  const envelope = { ...v } as unknown as SnsEnvelope;
  if (v.Subject === null) delete envelope.Subject;
  return { envelope };
}

/** The canonical string AWS signs, for the envelope's Type. Exported for the test signers. */
export function buildSnsStringToSign(envelope: SnsEnvelope): string {
  const fields = envelope.Type === "Notification" ? NOTIFICATION_FIELDS : CONFIRMATION_FIELDS;
  let out = "";
  for (const key of fields) {
    const value = envelope[key];
    if (typeof value !== "string") continue; // only Subject may be absent here
    out += `${key}\n${value}\n`;
  }
  return out;
}

const SNS_HOST = /^sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/;

/** https://sns.<region>.amazonaws.com[.cn] with no userinfo, no custom port. */
function isSnsHostUrl(raw: string): URL | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.protocol !== "https:" || url.username || url.password || url.port !== "") return null;
  return SNS_HOST.test(url.hostname) ? url : null;
}

/**
 * May this SigningCertURL be fetched? Checked before any fetch, so a forged envelope can
 * neither make us fetch an attacker's certificate nor use us to reach internal URLs.
 */
export function isSnsCertificateUrl(raw: string): boolean {
  const url = isSnsHostUrl(raw);
  return url !== null && url.search === "" && url.hash === "" && url.pathname.endsWith(".pem");
}

/**
 * May the shell GET this SubscribeURL to confirm a subscription? Only an SNS host: the
 * shell fetches it, so anything else would be a server-side request forgery.
 */
export function isSnsSubscribeUrl(raw: string): boolean {
  return isSnsHostUrl(raw) !== null;
}

export async function verifySnsMessage(body: unknown, options: SnsVerifyOptions): Promise<SnsVerifyResult> {
  const read = readSnsEnvelope(body);
  if ("error" in read) return fail("MALFORMED", read.error);
  const envelope = read.envelope;

  if (!options.allowedTopicArns.includes(envelope.TopicArn)) {
    return fail("TOPIC_NOT_ALLOWED", `TopicArn ${envelope.TopicArn} is not allowed for this endpoint`);
  }
  if (!isSnsCertificateUrl(envelope.SigningCertURL)) {
    return fail("BAD_CERT_URL", "SigningCertURL is not an https .pem URL on an sns.<region>.amazonaws.com host");
  }
  const signedAt = new Date(envelope.Timestamp);
  if (Number.isNaN(signedAt.getTime())) return fail("MALFORMED", "SNS Timestamp is not an ISO 8601 date");
  if (!isFresh(signedAt, options.now, options.maxAgeMs ?? SNS_DEFAULT_MAX_AGE_MS)) {
    return fail("STALE", `SNS Timestamp ${envelope.Timestamp} is outside the accepted window`);
  }

  let pem: string;
  try {
    pem = await options.fetchCertificate(envelope.SigningCertURL);
  } catch (err) {
    return fail("CERT_UNAVAILABLE", `Could not fetch the signing certificate: ${(err as Error).message}`);
  }
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(pem);
  } catch {
    return fail("BAD_SIGNATURE", "The signing certificate is not a valid X.509 certificate");
  }
  const now = options.now.getTime();
  if (now < Date.parse(cert.validFrom) || now > Date.parse(cert.validTo)) {
    return fail("BAD_SIGNATURE", "The signing certificate is not valid at this time");
  }
  if (cert.publicKey.asymmetricKeyType !== "rsa") {
    return fail("BAD_SIGNATURE", "The signing certificate does not hold an RSA key");
  }

  const algorithm = envelope.SignatureVersion === "1" ? "RSA-SHA1" : "RSA-SHA256";
  const signature = Buffer.from(envelope.Signature, "base64");
  let valid: boolean;
  try {
    valid = createVerify(algorithm).update(buildSnsStringToSign(envelope), "utf8").verify(cert.publicKey, signature);
  } catch {
    valid = false;
  }
  return valid ? AUTH_OK : fail("BAD_SIGNATURE", "SNS signature does not match the message");
}

/**
 * Wraps a fetcher so each certificate URL is fetched once per process (AWS rotates them
 * rarely, and under a new URL). Failed fetches are forgotten so the next message retries.
 * Bounded: the oldest entry goes when `maxEntries` is reached.
 */
export function memoizeCertificateFetcher(fetcher: CertificateFetcher, maxEntries = 32): CertificateFetcher {
  const cache = new Map<string, Promise<string>>();
  return (url) => {
    const hit = cache.get(url);
    if (hit) return hit;
    const pending = fetcher(url);
    pending.catch(() => {
      if (cache.get(url) === pending) cache.delete(url);
    });
    if (cache.size >= maxEntries) cache.delete(cache.keys().next().value as string);
    cache.set(url, pending);
    return pending;
  };
}
