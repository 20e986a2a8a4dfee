import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { readMailgunSignature, ReplayCache, verifyMailgunSignature } from "../../src/core/webhooks/mailgun-signature";
import { mailgunSignature, signedMailgunBody } from "../support/webhook-signers";
import { webhookFixture } from "../fixtures/webhooks";

const KEY = "key-3ax6xnjp29jd6fds4gc373sgvjxteol0";
const NOW = new Date("2026-03-04T10:20:00Z");

function verifyBody(body: unknown, overrides: { key?: string; now?: Date; toleranceMs?: number } = {}) {
  return verifyMailgunSignature({
    signingKey: overrides.key ?? KEY,
    signature: readMailgunSignature(body),
    now: overrides.now ?? NOW,
    toleranceMs: overrides.toleranceMs,
  });
}

describe("verifyMailgunSignature", () => {
  it("accepts a v3 body whose signature is HMAC-SHA256(signing key, timestamp + token) in hex", () => {
    const body = signedMailgunBody(KEY, webhookFixture("mailgun/failed-permanent.json"), NOW);
    expect(verifyBody(body)).toEqual({ ok: true });
  });

  it("matches Mailgun's algorithm computed independently", () => {
    const sig = mailgunSignature(KEY, NOW, "a".repeat(50));
    expect(sig.signature).toBe(
      createHmac("sha256", KEY)
        .update(`${sig.timestamp}${"a".repeat(50)}`)
        .digest("hex"),
    );
  });

  it("accepts an upper-case hex signature and a numeric timestamp", () => {
    const sig = mailgunSignature(KEY, NOW);
    const body = { signature: { ...sig, timestamp: Number(sig.timestamp), signature: sig.signature.toUpperCase() } };
    expect(verifyBody(body)).toEqual({ ok: true });
  });

  it("rejects a signature made with another signing key", () => {
    const body = signedMailgunBody("key-someone-else", webhookFixture("mailgun/failed-permanent.json"), NOW);
    expect(verifyBody(body)).toMatchObject({ ok: false, code: "BAD_SIGNATURE" });
  });

  it("rejects a token swapped after signing", () => {
    const body = signedMailgunBody(KEY, {}, NOW);
    body.signature.token = "f".repeat(50);
    expect(verifyBody(body)).toMatchObject({ ok: false, code: "BAD_SIGNATURE" });
  });

  it("rejects a timestamp moved forward to look fresh (the timestamp is signed)", () => {
    const body = signedMailgunBody(KEY, {}, new Date(NOW.getTime() - 3600_000));
    body.signature.timestamp = String(Math.floor(NOW.getTime() / 1000));
    expect(verifyBody(body)).toMatchObject({ ok: false, code: "BAD_SIGNATURE" });
  });

  it("rejects a signature that is not 64 hex digits, without throwing", () => {
    const body = signedMailgunBody(KEY, {}, NOW);
    for (const bad of ["", "zz", body.signature.signature.slice(0, 62), body.signature.signature + "00"]) {
      expect(verifyBody({ signature: { ...body.signature, signature: bad } })).toMatchObject({ code: "BAD_SIGNATURE" });
    }
  });

  it("rejects a correctly signed but old request as STALE", () => {
    const body = signedMailgunBody(KEY, {}, new Date(NOW.getTime() - 16 * 60 * 1000));
    expect(verifyBody(body)).toMatchObject({ ok: false, code: "STALE" });
    expect(verifyBody(body, { toleranceMs: 20 * 60 * 1000 })).toEqual({ ok: true });
  });

  it("answers MALFORMED when the signature object is missing or mistyped", () => {
    expect(verifyBody({ "event-data": {} })).toMatchObject({ code: "MALFORMED" });
    expect(verifyBody({ signature: { timestamp: "1", token: 5, signature: "ab" } })).toMatchObject({
      code: "MALFORMED",
    });
    expect(verifyBody({ signature: { timestamp: "soon", token: "t", signature: "ab" } })).toMatchObject({
      code: "MALFORMED",
    });
    expect(verifyBody("signature=abc")).toMatchObject({ code: "MALFORMED" });
  });
});

describe("ReplayCache turns away a replayed Mailgun token", () => {
  it("accepts a token once and refuses the same token again: a replayed, validly signed request", () => {
    const cache = new ReplayCache({ ttlMs: 15 * 60 * 1000, maxEntries: 1000 });
    const body = signedMailgunBody(KEY, webhookFixture("mailgun/failed-permanent.json"), NOW);
    expect(verifyBody(body)).toEqual({ ok: true });
    expect(cache.checkAndRemember(body.signature.token, NOW)).toBe(true);
    // The replay still verifies (signatures do not expire within the window)...
    expect(verifyBody(body, { now: new Date(NOW.getTime() + 1000) })).toEqual({ ok: true });
    // ...which is why the token memory must refuse it.
    expect(cache.checkAndRemember(body.signature.token, new Date(NOW.getTime() + 1000))).toBe(false);
  });

  it("forgets a token after its TTL", () => {
    const cache = new ReplayCache({ ttlMs: 1000, maxEntries: 10 });
    expect(cache.checkAndRemember("t", NOW)).toBe(true);
    expect(cache.has("t", new Date(NOW.getTime() + 999))).toBe(true);
    expect(cache.checkAndRemember("t", new Date(NOW.getTime() + 1000))).toBe(true);
  });

  it("evicts expired entries and stays within maxEntries, oldest first", () => {
    const cache = new ReplayCache({ ttlMs: 60_000, maxEntries: 3 });
    for (const t of ["a", "b", "c", "d"]) cache.checkAndRemember(t, NOW);
    expect(cache.size).toBe(3);
    expect(cache.has("a", NOW)).toBe(false);
    expect(cache.has("d", NOW)).toBe(true);
    cache.checkAndRemember("e", new Date(NOW.getTime() + 60_000));
    expect(cache.size).toBe(1);
  });

  it("refuses a nonsensical configuration", () => {
    expect(() => new ReplayCache({ ttlMs: 0, maxEntries: 1 })).toThrow(RangeError);
    expect(() => new ReplayCache({ ttlMs: 1, maxEntries: 0 })).toThrow(RangeError);
  });
});
