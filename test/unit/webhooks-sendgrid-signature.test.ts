import { describe, expect, it } from "vitest";
import {
  parseSendgridPublicKey,
  SENDGRID_SIGNATURE_HEADER,
  SENDGRID_TIMESTAMP_HEADER,
  verifySendgridSignature,
} from "../../src/core/webhooks/sendgrid-signature";
import { WebhookConfigError } from "../../src/core/webhooks/errors";
import { createSendgridTestKeys, sendgridSignatureHeaders } from "../support/webhook-signers";
import { webhookFixtureText } from "../fixtures/webhooks";
import { generateKeyPairSync } from "node:crypto";

const keys = createSendgridTestKeys();
const NOW = new Date("2026-03-04T10:20:00Z");
const BODY = webhookFixtureText("sendgrid/batch.json");

function verify(
  body: string | Buffer,
  headers: Record<string, string>,
  overrides: { now?: Date; publicKey?: string; toleranceMs?: number } = {},
) {
  return verifySendgridSignature({
    publicKey: overrides.publicKey ?? keys.publicKeyBase64,
    signature: headers[SENDGRID_SIGNATURE_HEADER],
    timestamp: headers[SENDGRID_TIMESTAMP_HEADER],
    rawBody: body,
    now: overrides.now ?? NOW,
    toleranceMs: overrides.toleranceMs,
  });
}

describe("verifySendgridSignature", () => {
  it("accepts a batch signed over timestamp + raw body with the account's P-256 key (base64 DER as SendGrid shows it)", () => {
    expect(verify(BODY, sendgridSignatureHeaders(keys.privateKey, BODY, NOW))).toEqual({ ok: true });
  });

  it("accepts the same key given as PEM, and a pre-parsed KeyObject", () => {
    const headers = sendgridSignatureHeaders(keys.privateKey, BODY, NOW);
    expect(verify(BODY, headers, { publicKey: keys.publicKeyPem })).toEqual({ ok: true });
    const keyObject = parseSendgridPublicKey(keys.publicKeyBase64);
    expect(
      verifySendgridSignature({
        publicKey: keyObject,
        signature: headers[SENDGRID_SIGNATURE_HEADER],
        timestamp: headers[SENDGRID_TIMESTAMP_HEADER],
        rawBody: Buffer.from(BODY),
        now: NOW,
      }),
    ).toEqual({ ok: true });
  });

  it("rejects a body changed by one byte after signing", () => {
    const headers = sendgridSignatureHeaders(keys.privateKey, BODY, NOW);
    expect(verify(BODY.replace('"bounce"', '"delivered"'), headers)).toMatchObject({
      ok: false,
      code: "BAD_SIGNATURE",
    });
  });

  it("rejects a re-serialised body: verification is over the exact bytes received", () => {
    const headers = sendgridSignatureHeaders(keys.privateKey, BODY, NOW);
    expect(verify(JSON.stringify(JSON.parse(BODY)), headers)).toMatchObject({ ok: false, code: "BAD_SIGNATURE" });
  });

  it("rejects a signature whose timestamp header was replaced (the timestamp is signed too)", () => {
    const headers = sendgridSignatureHeaders(keys.privateKey, BODY, NOW);
    const moved = { ...headers, [SENDGRID_TIMESTAMP_HEADER]: String(Number(headers[SENDGRID_TIMESTAMP_HEADER]) + 1) };
    expect(verify(BODY, moved)).toMatchObject({ ok: false, code: "BAD_SIGNATURE" });
  });

  it("rejects a signature made with another key", () => {
    const other = createSendgridTestKeys();
    expect(verify(BODY, sendgridSignatureHeaders(other.privateKey, BODY, NOW))).toMatchObject({
      code: "BAD_SIGNATURE",
    });
  });

  it("rejects garbage in the signature header without throwing", () => {
    const headers = sendgridSignatureHeaders(keys.privateKey, BODY, NOW);
    expect(verify(BODY, { ...headers, [SENDGRID_SIGNATURE_HEADER]: "bm90IGEgc2lnbmF0dXJl" })).toMatchObject({
      code: "BAD_SIGNATURE",
    });
  });

  it("answers MISSING_HEADERS when either header is absent", () => {
    const headers = sendgridSignatureHeaders(keys.privateKey, BODY, NOW);
    expect(verify(BODY, { [SENDGRID_TIMESTAMP_HEADER]: headers[SENDGRID_TIMESTAMP_HEADER] })).toMatchObject({
      code: "MISSING_HEADERS",
    });
    expect(verify(BODY, { [SENDGRID_SIGNATURE_HEADER]: headers[SENDGRID_SIGNATURE_HEADER] })).toMatchObject({
      code: "MISSING_HEADERS",
    });
  });

  it("rejects a timestamp that is not unix seconds", () => {
    const headers = sendgridSignatureHeaders(keys.privateKey, BODY, NOW);
    expect(verify(BODY, { ...headers, [SENDGRID_TIMESTAMP_HEADER]: "2026-03-04T10:20:00Z" })).toMatchObject({
      code: "BAD_SIGNATURE",
    });
  });

  it("rejects a correctly signed request older than the window, and honours a custom window", () => {
    const signedAt = new Date(NOW.getTime() - 11 * 60 * 1000);
    const headers = sendgridSignatureHeaders(keys.privateKey, BODY, signedAt);
    expect(verify(BODY, headers)).toMatchObject({ ok: false, code: "STALE" });
    expect(verify(BODY, headers, { toleranceMs: 15 * 60 * 1000 })).toEqual({ ok: true });
  });

  it("treats an unusable configured key as a configuration error, not a bad request", () => {
    const headers = sendgridSignatureHeaders(keys.privateKey, BODY, NOW);
    expect(() => verify(BODY, headers, { publicKey: "not-a-key" })).toThrow(WebhookConfigError);
    const rsa = generateKeyPairSync("rsa", { modulusLength: 1024 })
      .publicKey.export({ type: "spki", format: "pem" })
      .toString();
    expect(() => parseSendgridPublicKey(rsa)).toThrow(/P-256/);
  });
});
