// DKIM key records (RFC 6376 3.6.1, RFC 8463 for ed25519, RFC 8301 for key sizes): is the
// record at <selector>._domainkey.<domain> usable, and is its key strong enough?

import { createPublicKey } from "node:crypto";
import { fail, pass, warn, worstStatus, type CheckResult, type CheckStatus } from "./check-result";
import { parseTagList } from "./tag-list";

export const DKIM_MIN_RSA_BITS = 1024;
export const DKIM_RECOMMENDED_RSA_BITS = 2048;

/** Selectors that common providers publish: Google Workspace, Microsoft 365 and a few ESPs. */
export const COMMON_DKIM_SELECTORS: readonly string[] = [
  "google",
  "selector1",
  "selector2",
  "default",
  "k1",
  "s1",
  "s2",
  "dkim",
];

export interface DkimKeyInfo {
  keyType: "rsa" | "ed25519";
  /** RSA modulus length; 256 for ed25519. */
  bits: number;
}

export interface DkimRecordLint {
  status: CheckStatus;
  checks: CheckResult[];
  key: DkimKeyInfo | null;
  /** t=y: the domain is testing DKIM and verifiers may treat failures leniently. */
  testing: boolean;
}

/** Decode an RSA key from DER, accepting SubjectPublicKeyInfo (what everyone publishes) or bare PKCS#1. */
function rsaBits(der: Buffer): number | null {
  for (const type of ["spki", "pkcs1"] as const) {
    try {
      const key = createPublicKey({ key: der, format: "der", type });
      if (key.asymmetricKeyType === "rsa") return key.asymmetricKeyDetails?.modulusLength ?? null;
      return null;
    } catch {
      // try the next encoding
    }
  }
  return null;
}

/**
 * Lint one DKIM key record. `record` is the TXT text (strings joined) or null when there is
 * no record. Check ids are prefixed with `dkim.<selector>`.
 */
export function lintDkimRecord(selector: string, domain: string, record: string | null): DkimRecordLint {
  const id = (suffix: string) => `dkim.${selector}.${suffix}`;
  const where = `${selector}._domainkey.${domain}`;
  const done = (checks: CheckResult[], key: DkimKeyInfo | null = null, testing = false): DkimRecordLint => ({
    status: worstStatus(checks.map((c) => c.status)),
    checks,
    key,
    testing,
  });
  if (record === null) {
    return done([
      fail(
        id("record"),
        null,
        `There is no DKIM record at ${where}.`,
        `Publish the public key your mail provider gives you as a TXT record at ${where}.`,
      ),
    ]);
  }
  const parsed = parseTagList(record);
  if (!parsed.ok)
    return done([
      fail(
        id("syntax"),
        record,
        `The DKIM record is malformed: ${parsed.error}.`,
        "Publish the record exactly as your provider gives it: tag=value pairs separated by ';'.",
      ),
    ]);
  const tags = parsed.map;
  const checks: CheckResult[] = [];

  const v = tags.get("v");
  if (v !== undefined && (v !== "DKIM1" || parsed.tags[0].name !== "v")) {
    checks.push(
      fail(
        id("version"),
        record,
        v !== "DKIM1" ? `v=${v} is not a DKIM version (it must be v=DKIM1).` : "v=DKIM1 must be the first tag.",
        "Start the record with v=DKIM1;",
      ),
    );
  } else if (v === undefined) {
    checks.push(
      warn(
        id("version"),
        record,
        "The record has no v=DKIM1 tag. It is optional, but some checkers expect it.",
        "Start the record with v=DKIM1;",
      ),
    );
  } else {
    checks.push(pass(id("version"), record));
  }

  const k = (tags.get("k") ?? "rsa").toLowerCase();
  if (k !== "rsa" && k !== "ed25519") {
    checks.push(
      fail(
        id("key-type"),
        record,
        `k=${k} is not a key type verifiers know (rsa or ed25519).`,
        "Use k=rsa (or k=ed25519 alongside an RSA key).",
      ),
    );
    return done(checks);
  }

  const h = tags.get("h");
  if (
    h !== undefined &&
    !h
      .split(":")
      .map((x) => x.trim().toLowerCase())
      .includes("sha256")
  ) {
    checks.push(
      fail(
        id("hash"),
        record,
        `h=${h} doesn't allow sha256; sha1 alone is no longer accepted (RFC 8301).`,
        "Remove the h= tag or set h=sha256.",
      ),
    );
  }
  const s = tags.get("s");
  if (
    s !== undefined &&
    !s
      .split(":")
      .map((x) => x.trim())
      .some((x) => x === "*" || x === "email")
  ) {
    checks.push(
      fail(
        id("service"),
        record,
        `s=${s} excludes email, so the key can't verify mail.`,
        "Remove the s= tag or set s=email.",
      ),
    );
  }
  const testing = (tags.get("t") ?? "")
    .split(":")
    .map((x) => x.trim())
    .includes("y");
  if (testing) {
    checks.push(
      warn(
        id("testing"),
        record,
        "t=y marks DKIM as being tested; verifiers may ignore failures and some discount passes.",
        "Remove t=y once signing works.",
      ),
    );
  }

  const p = tags.get("p");
  if (p === undefined) {
    checks.push(
      fail(
        id("key"),
        record,
        "The record has no p= tag: there is no public key.",
        `Publish the public key as p=<base64> at ${where}.`,
      ),
    );
    return done(checks, null, testing);
  }
  if (p === "") {
    checks.push(
      fail(
        id("key"),
        record,
        "p= is empty: the key has been revoked, so every signature with this selector fails.",
        "Publish the current key, or stop signing with this selector.",
      ),
    );
    return done(checks, null, testing);
  }
  const compact = p.replace(/\s+/g, "");
  if (compact !== p) {
    checks.push(
      warn(
        id("key-whitespace"),
        record,
        "The key in p= contains spaces or line breaks (often pasted from a wrapped text); some verifiers reject it.",
        "Republish p= as one unbroken base64 string.",
      ),
    );
  }
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(compact) || compact.length % 4 !== 0) {
    const stray = /[^A-Za-z0-9+/=\s]/.exec(p);
    checks.push(
      fail(
        id("key"),
        record,
        stray
          ? `p= contains ${JSON.stringify(stray[0])}, which is not base64 (quotes or backslashes pasted from a zone file?).`
          : "p= is not valid base64 (wrong length or padding: the key was probably cut).",
        "Copy the public key again from your provider and publish it whole.",
      ),
    );
    return done(checks, null, testing);
  }
  const der = Buffer.from(compact, "base64");
  if (k === "ed25519") {
    if (der.length !== 32) {
      checks.push(
        fail(
          id("key"),
          record,
          `An ed25519 key is 32 bytes; this one is ${der.length}.`,
          "Publish the raw 32-byte ed25519 public key in base64 (RFC 8463).",
        ),
      );
      return done(checks, null, testing);
    }
    checks.push(pass(id("key"), record));
    return done(checks, { keyType: "ed25519", bits: 256 }, testing);
  }
  const bits = rsaBits(der);
  if (bits === null) {
    checks.push(
      fail(
        id("key"),
        record,
        "p= does not decode to an RSA public key.",
        "Copy the public key again from your provider and publish it whole.",
      ),
    );
    return done(checks, null, testing);
  }
  if (bits < DKIM_MIN_RSA_BITS) {
    checks.push(
      fail(
        id("key-size"),
        record,
        `The RSA key is ${bits} bits; verifiers reject keys under ${DKIM_MIN_RSA_BITS} bits.`,
        `Generate a ${DKIM_RECOMMENDED_RSA_BITS}-bit key, publish it under a new selector, then switch signing to it.`,
      ),
    );
  } else if (bits < DKIM_RECOMMENDED_RSA_BITS) {
    checks.push(
      warn(
        id("key-size"),
        record,
        `The RSA key is ${bits} bits; ${DKIM_RECOMMENDED_RSA_BITS} bits is the recommended size.`,
        `Rotate to a ${DKIM_RECOMMENDED_RSA_BITS}-bit key under a new selector.`,
      ),
    );
  } else {
    checks.push(pass(id("key-size"), record));
  }
  return done(checks, { keyType: "rsa", bits }, testing);
}

/** The one DKIM record among a selector's TXT records (null when none look like one). */
export function selectDkimRecord(txts: readonly string[]): { record: string | null; count: number } {
  const candidates = txts.filter((t) => /(^|;)\s*(v\s*=\s*DKIM1|p\s*=)/i.test(t));
  return { record: candidates[0] ?? null, count: candidates.length };
}
