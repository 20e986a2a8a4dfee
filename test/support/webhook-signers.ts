import { createHmac, generateKeyPairSync, randomBytes, sign, type KeyObject } from "node:crypto";
import {
  buildSnsStringToSign,
  type CertificateFetcher,
  type SnsEnvelope,
  type SnsMessageType,
} from "../../src/core/webhooks/sns-signature";
import { SENDGRID_SIGNATURE_HEADER, SENDGRID_TIMESTAMP_HEADER } from "../../src/core/webhooks/sendgrid-signature";
import type { MailgunSignature } from "../../src/core/webhooks/mailgun-signature";

// Sign webhook payloads the way each vendor does, with keys made here, so unit and e2e
// tests exercise the real verification code with real cryptography and no internet.

// ---------------------------------------------------------------------------------------
// A self-signed X.509 certificate, DER-encoded by hand (node:crypto can sign but cannot
// issue certificates; a few lines of ASN.1 save a dependency and an openssl binary).

function derLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v >>= 8) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}
const der = (tag: number, ...content: Buffer[]): Buffer => {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), derLength(body.length), body]);
};
const sequence = (...items: Buffer[]) => der(0x30, ...items);
const derNull = Buffer.from([0x05, 0x00]);
function derInteger(bytes: Buffer): Buffer {
  return der(0x02, bytes[0] & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);
}
function derOid(oid: string): Buffer {
  const [a, b, ...rest] = oid.split(".").map(Number);
  const out = [40 * a + b];
  for (const n of rest) {
    const chunk: number[] = [n & 0x7f];
    for (let v = n >> 7; v > 0; v >>= 7) chunk.unshift(0x80 | (v & 0x7f));
    out.push(...chunk);
  }
  return der(0x06, Buffer.from(out));
}
function derTime(date: Date): Buffer {
  const iso = date.toISOString().replace(/[-:T]/g, "").slice(0, 14) + "Z"; // YYYYMMDDHHMMSSZ
  const year = date.getUTCFullYear();
  return year < 2050 ? der(0x17, Buffer.from(iso.slice(2))) : der(0x18, Buffer.from(iso));
}
const commonName = (cn: string) => sequence(der(0x31, sequence(derOid("2.5.4.3"), der(0x0c, Buffer.from(cn)))));

export interface CertificateOptions {
  commonName?: string;
  notBefore?: Date;
  notAfter?: Date;
}

/**
 * A random certificate serial whose DER encoding is minimal: a first byte of 0x00 followed by
 * one below 0x80 is non-minimal DER, which OpenSSL refuses (about one signer in 512 made a
 * certificate that failed every SNS test of its file).
 */
function positiveSerial(): Buffer {
  const serial = randomBytes(12);
  serial[0] = (serial[0] & 0x7f) | 0x01;
  return serial;
}

/** A self-signed RSA certificate (sha256WithRSAEncryption) as PEM. */
export function selfSignedCertificatePem(
  privateKey: KeyObject,
  publicKey: KeyObject,
  options: CertificateOptions = {},
): string {
  const algorithm = sequence(derOid("1.2.840.113549.1.1.11"), derNull);
  const name = commonName(options.commonName ?? "sns.amazonaws.com");
  const tbs = sequence(
    der(0xa0, derInteger(Buffer.from([2]))), // version 3
    derInteger(positiveSerial()),
    algorithm,
    name,
    sequence(
      derTime(options.notBefore ?? new Date("2020-01-01T00:00:00Z")),
      derTime(options.notAfter ?? new Date("2045-01-01T00:00:00Z")),
    ),
    name,
    publicKey.export({ type: "spki", format: "der" }),
  );
  const signature = sign("sha256", tbs, privateKey);
  const cert = sequence(tbs, algorithm, der(0x03, Buffer.from([0]), signature));
  const lines = cert.toString("base64").match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join("\n")}\n-----END CERTIFICATE-----\n`;
}

// ---------------------------------------------------------------------------------------
// Amazon SNS

export type UnsignedSnsEnvelope = Omit<SnsEnvelope, "Signature" | "SignatureVersion" | "SigningCertURL">;

export interface SnsTestSigner {
  /** Where the envelopes say the certificate is: a well-formed SNS URL. */
  certUrl: string;
  certificatePem: string;
  privateKey: KeyObject;
  /** Serves certificatePem for certUrl, rejects any other URL; records what was asked. */
  fetchCertificate: CertificateFetcher;
  fetchedUrls: string[];
  /** Signs any envelope fields, SignatureVersion "2" (SHA256) unless told "1" (SHA1). */
  sign(fields: UnsignedSnsEnvelope, signatureVersion?: "1" | "2"): SnsEnvelope;
  /** A signed Notification; an object message is JSON-encoded as SES does. */
  notification(args: {
    topicArn: string;
    message: unknown;
    timestamp: Date;
    subject?: string;
    messageId?: string;
    signatureVersion?: "1" | "2";
  }): SnsEnvelope;
  subscriptionConfirmation(args: {
    topicArn: string;
    timestamp: Date;
    type?: Exclude<SnsMessageType, "Notification">;
  }): SnsEnvelope;
}

export function createSnsTestSigner(
  options: { region?: string; certificate?: CertificateOptions } = {},
): SnsTestSigner {
  const region = options.region ?? "us-east-1";
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const certificatePem = selfSignedCertificatePem(privateKey, publicKey, options.certificate);
  const certUrl = `https://sns.${region}.amazonaws.com/SimpleNotificationService-${randomBytes(16).toString("hex")}.pem`;
  const fetchedUrls: string[] = [];

  const signer: SnsTestSigner = {
    certUrl,
    certificatePem,
    privateKey,
    fetchedUrls,
    fetchCertificate: async (url) => {
      fetchedUrls.push(url);
      if (url !== certUrl) throw new Error(`test fetcher has no certificate at ${url}`);
      return certificatePem;
    },
    sign(fields, signatureVersion = "2") {
      const envelope = { ...fields, SignatureVersion: signatureVersion, SigningCertURL: certUrl } as SnsEnvelope;
      const algorithm = signatureVersion === "1" ? "sha1" : "sha256";
      envelope.Signature = sign(algorithm, Buffer.from(buildSnsStringToSign(envelope), "utf8"), privateKey).toString(
        "base64",
      );
      // Key order as SNS sends it, for realistic bodies.
      return {
        Type: envelope.Type,
        MessageId: envelope.MessageId,
        Token: envelope.Token,
        TopicArn: envelope.TopicArn,
        Subject: envelope.Subject,
        Message: envelope.Message,
        SubscribeURL: envelope.SubscribeURL,
        Timestamp: envelope.Timestamp,
        SignatureVersion: envelope.SignatureVersion,
        Signature: envelope.Signature,
        SigningCertURL: envelope.SigningCertURL,
        UnsubscribeURL: envelope.UnsubscribeURL,
      };
    },
    notification({ topicArn, message, timestamp, subject, messageId, signatureVersion }) {
      const fields: UnsignedSnsEnvelope = {
        Type: "Notification",
        MessageId: messageId ?? uuid(),
        TopicArn: topicArn,
        Message: typeof message === "string" ? message : JSON.stringify(message),
        Timestamp: timestamp.toISOString(),
        UnsubscribeURL: `https://sns.${region}.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${topicArn}:${uuid()}`,
      };
      if (subject !== undefined) fields.Subject = subject;
      return dropUndefined(signer.sign(fields, signatureVersion));
    },
    subscriptionConfirmation({ topicArn, timestamp, type = "SubscriptionConfirmation" }) {
      const token = randomBytes(64).toString("hex");
      return dropUndefined(
        signer.sign({
          Type: type,
          MessageId: uuid(),
          Token: token,
          TopicArn: topicArn,
          Message: `You have chosen to subscribe to the topic ${topicArn}.\nTo confirm the subscription, visit the SubscribeURL included in this message.`,
          SubscribeURL: `https://sns.${region}.amazonaws.com/?Action=ConfirmSubscription&TopicArn=${encodeURIComponent(topicArn)}&Token=${token}`,
          Timestamp: timestamp.toISOString(),
        }),
      );
    },
  };
  return signer;
}

function uuid(): string {
  const h = randomBytes(16).toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

// ---------------------------------------------------------------------------------------
// SendGrid

export interface SendgridTestKeys {
  privateKey: KeyObject;
  /** As SendGrid's settings page shows it: base64 DER SubjectPublicKeyInfo. */
  publicKeyBase64: string;
  publicKeyPem: string;
}

export function createSendgridTestKeys(): SendgridTestKeys {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  return {
    privateKey,
    publicKeyBase64: publicKey.export({ type: "spki", format: "der" }).toString("base64"),
    publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString(),
  };
}

/** The two headers SendGrid sends, signing timestamp + raw body (ECDSA P-256, DER, base64). */
export function sendgridSignatureHeaders(
  privateKey: KeyObject,
  rawBody: string | Uint8Array,
  signedAt: Date,
): Record<string, string> {
  const timestamp = String(Math.floor(signedAt.getTime() / 1000));
  const body = typeof rawBody === "string" ? Buffer.from(rawBody, "utf8") : Buffer.from(rawBody);
  const signature = sign("sha256", Buffer.concat([Buffer.from(timestamp), body]), {
    key: privateKey,
    dsaEncoding: "der",
  });
  return {
    [SENDGRID_SIGNATURE_HEADER]: signature.toString("base64"),
    [SENDGRID_TIMESTAMP_HEADER]: timestamp,
  };
}

// ---------------------------------------------------------------------------------------
// Mailgun

/** A Mailgun `signature` object: hex HMAC-SHA256(signingKey, timestamp + token). */
export function mailgunSignature(
  signingKey: string,
  signedAt: Date,
  token = randomBytes(25).toString("hex"),
): MailgunSignature {
  const timestamp = String(Math.floor(signedAt.getTime() / 1000));
  const signature = createHmac("sha256", signingKey)
    .update(timestamp + token)
    .digest("hex");
  return { timestamp, token, signature };
}

/** A whole v3 webhook body: { signature, "event-data" }. */
export function signedMailgunBody(
  signingKey: string,
  eventData: unknown,
  signedAt: Date,
  token?: string,
): {
  signature: MailgunSignature;
  "event-data": unknown;
} {
  return { signature: mailgunSignature(signingKey, signedAt, token), "event-data": eventData };
}

// ---------------------------------------------------------------------------------------
// Postmark

export function basicAuthHeader(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, "utf8").toString("base64")}`;
}
