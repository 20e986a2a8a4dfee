import { beforeAll, describe, expect, it } from "vitest";
import {
  buildSnsStringToSign,
  isSnsCertificateUrl,
  isSnsSubscribeUrl,
  memoizeCertificateFetcher,
  verifySnsMessage,
  type SnsEnvelope,
  type SnsVerifyOptions,
} from "../../src/core/webhooks/sns-signature";
import { createSnsTestSigner, type SnsTestSigner } from "../support/webhook-signers";
import { webhookFixture } from "../fixtures/webhooks";

const TOPIC = "arn:aws:sns:us-east-1:123456789012:rebound-ses-events";
const NOW = new Date("2026-03-04T10:16:00.000Z");

let signer: SnsTestSigner;
let otherSigner: SnsTestSigner;
beforeAll(() => {
  signer = createSnsTestSigner();
  otherSigner = createSnsTestSigner();
});

function options(overrides: Partial<SnsVerifyOptions> = {}): SnsVerifyOptions {
  return { allowedTopicArns: [TOPIC], fetchCertificate: signer.fetchCertificate, now: NOW, ...overrides };
}

function bounceNotification(
  overrides: { timestamp?: Date; signatureVersion?: "1" | "2"; subject?: string } = {},
): SnsEnvelope {
  return signer.notification({
    topicArn: TOPIC,
    message: webhookFixture("ses/bounce-permanent-two-recipients.json"),
    timestamp: overrides.timestamp ?? new Date("2026-03-04T10:15:43.000Z"),
    signatureVersion: overrides.signatureVersion,
    subject: overrides.subject,
  });
}

describe("verifySnsMessage accepts what SNS really signs", () => {
  it("accepts a Notification signed with SignatureVersion 2 (SHA256withRSA)", async () => {
    expect(await verifySnsMessage(bounceNotification(), options())).toEqual({ ok: true });
  });

  it("accepts a Notification signed with SignatureVersion 1 (SHA1withRSA)", async () => {
    expect(await verifySnsMessage(bounceNotification({ signatureVersion: "1" }), options())).toEqual({ ok: true });
  });

  it("includes Subject in the string to sign only when the notification has one", async () => {
    const withSubject = bounceNotification({ subject: "Amazon SES Email Event Notification" });
    expect(await verifySnsMessage(withSubject, options())).toEqual({ ok: true });
    expect(buildSnsStringToSign(withSubject)).toContain("Subject\nAmazon SES Email Event Notification\n");
    expect(buildSnsStringToSign(bounceNotification())).not.toContain("Subject\n");
  });

  it("treats a null Subject (written by some relays) as absent", async () => {
    const envelope = { ...bounceNotification(), Subject: null };
    expect(await verifySnsMessage(envelope, options())).toEqual({ ok: true });
  });

  it("accepts SubscriptionConfirmation and UnsubscribeConfirmation, whose signed fields include SubscribeURL and Token", async () => {
    const sub = signer.subscriptionConfirmation({ topicArn: TOPIC, timestamp: NOW });
    const unsub = signer.subscriptionConfirmation({ topicArn: TOPIC, timestamp: NOW, type: "UnsubscribeConfirmation" });
    expect(await verifySnsMessage(sub, options())).toEqual({ ok: true });
    expect(await verifySnsMessage(unsub, options())).toEqual({ ok: true });
  });

  it("builds the canonical string in AWS's documented key order", () => {
    const envelope = {
      Type: "SubscriptionConfirmation",
      MessageId: "m-1",
      Token: "tok",
      TopicArn: TOPIC,
      Message: "hello",
      SubscribeURL: "https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription",
      Timestamp: "2026-03-04T10:00:00.000Z",
      SignatureVersion: "1",
      Signature: "x",
      SigningCertURL: signer.certUrl,
    } as SnsEnvelope;
    expect(buildSnsStringToSign(envelope)).toBe(
      "Message\nhello\nMessageId\nm-1\nSubscribeURL\nhttps://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription\n" +
        `Timestamp\n2026-03-04T10:00:00.000Z\nToken\ntok\nTopicArn\n${TOPIC}\nType\nSubscriptionConfirmation\n`,
    );
    expect(buildSnsStringToSign({ ...envelope, Type: "Notification", Subject: "s" })).toBe(
      `Message\nhello\nMessageId\nm-1\nSubject\ns\nTimestamp\n2026-03-04T10:00:00.000Z\nTopicArn\n${TOPIC}\nType\nNotification\n`,
    );
  });
});

describe("verifySnsMessage rejects forgeries", () => {
  it("rejects a notification whose Message was changed after signing", async () => {
    const envelope = bounceNotification();
    const tampered = { ...envelope, Message: envelope.Message.replace("jane.doe@example.com", "ceo@example.com") };
    expect(await verifySnsMessage(tampered, options())).toMatchObject({ ok: false, code: "BAD_SIGNATURE" });
  });

  it("rejects a confirmation whose Token was swapped (Token is signed for confirmations)", async () => {
    const sub = signer.subscriptionConfirmation({ topicArn: TOPIC, timestamp: NOW });
    expect(await verifySnsMessage({ ...sub, Token: "attacker" }, options())).toMatchObject({
      ok: false,
      code: "BAD_SIGNATURE",
    });
  });

  it("rejects a message signed by another key than the certificate's", async () => {
    const forged = otherSigner.notification({
      topicArn: TOPIC,
      message: { notificationType: "Bounce" },
      timestamp: NOW,
    });
    const result = await verifySnsMessage({ ...forged, SigningCertURL: signer.certUrl }, options());
    expect(result).toMatchObject({ ok: false, code: "BAD_SIGNATURE" });
  });

  it("rejects a signature made with SHA1 but labelled SignatureVersion 2", async () => {
    const v1 = bounceNotification({ signatureVersion: "1" });
    expect(await verifySnsMessage({ ...v1, SignatureVersion: "2" }, options())).toMatchObject({
      ok: false,
      code: "BAD_SIGNATURE",
    });
  });

  it("rejects a signature that is not base64 of anything sensible", async () => {
    expect(await verifySnsMessage({ ...bounceNotification(), Signature: "!!!" }, options())).toMatchObject({
      ok: false,
      code: "BAD_SIGNATURE",
    });
  });

  it("rejects a certificate that has expired at `now`", async () => {
    const expired = createSnsTestSigner({
      certificate: { notBefore: new Date("2020-01-01T00:00:00Z"), notAfter: new Date("2025-01-01T00:00:00Z") },
    });
    const envelope = expired.notification({ topicArn: TOPIC, message: "{}", timestamp: NOW });
    const result = await verifySnsMessage(envelope, options({ fetchCertificate: expired.fetchCertificate }));
    expect(result).toMatchObject({ ok: false, code: "BAD_SIGNATURE" });
  });

  it("rejects a fetched document that is not a certificate", async () => {
    const result = await verifySnsMessage(
      bounceNotification(),
      options({ fetchCertificate: async () => "<html>hi</html>" }),
    );
    expect(result).toMatchObject({ ok: false, code: "BAD_SIGNATURE" });
  });
});

describe("verifySnsMessage allowlists the topic", () => {
  it("rejects a validly signed message from a topic that is not allowed, without fetching the certificate", async () => {
    const fetched = signer.fetchedUrls.length;
    const otherTopic = signer.notification({
      topicArn: "arn:aws:sns:us-east-1:999999999999:attacker-topic",
      message: webhookFixture("ses/complaint.json"),
      timestamp: NOW,
    });
    expect(await verifySnsMessage(otherTopic, options())).toMatchObject({ ok: false, code: "TOPIC_NOT_ALLOWED" });
    expect(signer.fetchedUrls.length).toBe(fetched);
  });

  it("fails closed when the allowlist is empty", async () => {
    expect(await verifySnsMessage(bounceNotification(), options({ allowedTopicArns: [] }))).toMatchObject({
      ok: false,
      code: "TOPIC_NOT_ALLOWED",
    });
  });
});

describe("verifySnsMessage checks SigningCertURL before fetching", () => {
  const badUrls = [
    ["plain http", "http://sns.us-east-1.amazonaws.com/SimpleNotificationService-abc.pem"],
    ["a look-alike host", "https://sns.us-east-1.amazonaws.com.evil.example/SimpleNotificationService-abc.pem"],
    ["an Amazon host that is not SNS", "https://s3.amazonaws.com/SimpleNotificationService-abc.pem"],
    ["a bucket under amazonaws.com", "https://attacker.s3.us-east-1.amazonaws.com/SimpleNotificationService-abc.pem"],
    ["a path that is not .pem", "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-abc.pem.txt"],
    ["a custom port", "https://sns.us-east-1.amazonaws.com:8443/SimpleNotificationService-abc.pem"],
    ["userinfo", "https://evil@sns.us-east-1.amazonaws.com/SimpleNotificationService-abc.pem"],
    ["a query string", "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-abc.pem?redirect=x"],
    ["not a URL", "sns.us-east-1.amazonaws.com/x.pem"],
  ] as const;

  for (const [what, url] of badUrls) {
    it(`rejects ${what} as BAD_CERT_URL and never calls the fetcher`, async () => {
      let called = false;
      const result = await verifySnsMessage(
        { ...bounceNotification(), SigningCertURL: url },
        options({ fetchCertificate: async () => ((called = true), signer.certificatePem) }),
      );
      expect(result).toMatchObject({ ok: false, code: "BAD_CERT_URL" });
      expect(called).toBe(false);
    });
  }

  it("accepts regional and China-partition SNS certificate URLs", () => {
    expect(
      isSnsCertificateUrl(
        "https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-01d088a6f77103d0fe307c0069e40ed6.pem",
      ),
    ).toBe(true);
    expect(isSnsCertificateUrl("https://sns.cn-north-1.amazonaws.com.cn/SimpleNotificationService-3242f6.pem")).toBe(
      true,
    );
    expect(isSnsCertificateUrl("https://sns.us-gov-west-1.amazonaws.com/SimpleNotificationService-3242f6.pem")).toBe(
      true,
    );
  });

  it("allows only SNS hosts as SubscribeURL", () => {
    expect(isSnsSubscribeUrl("https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&Token=x")).toBe(true);
    expect(isSnsSubscribeUrl("https://169.254.169.254/latest/meta-data/")).toBe(false);
    expect(isSnsSubscribeUrl("http://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription")).toBe(false);
  });
});

describe("verifySnsMessage checks freshness against the given `now`", () => {
  it("rejects a message signed more than an hour before now", async () => {
    const old = bounceNotification({ timestamp: new Date(NOW.getTime() - 61 * 60 * 1000) });
    expect(await verifySnsMessage(old, options())).toMatchObject({ ok: false, code: "STALE" });
  });

  it("rejects a message dated more than an hour in the future", async () => {
    const future = bounceNotification({ timestamp: new Date(NOW.getTime() + 61 * 60 * 1000) });
    expect(await verifySnsMessage(future, options())).toMatchObject({ ok: false, code: "STALE" });
  });

  it("honours a custom window", async () => {
    const tenMinutesOld = bounceNotification({ timestamp: new Date(NOW.getTime() - 10 * 60 * 1000) });
    expect(await verifySnsMessage(tenMinutesOld, options())).toEqual({ ok: true });
    expect(await verifySnsMessage(tenMinutesOld, options({ maxAgeMs: 5 * 60 * 1000 }))).toMatchObject({
      code: "STALE",
    });
  });
});

describe("verifySnsMessage reports malformed envelopes and fetch failures as such", () => {
  const cases: Array<[string, () => unknown]> = [
    ["not an object", () => "Type=Notification"],
    ["an array", () => [bounceNotification()]],
    ["an unknown Type", () => ({ ...bounceNotification(), Type: "Hello" })],
    ["the Signature missing", () => ({ ...bounceNotification(), Signature: undefined })],
    ["an unsupported SignatureVersion", () => ({ ...bounceNotification(), SignatureVersion: "3" })],
    ["a numeric SignatureVersion", () => ({ ...bounceNotification(), SignatureVersion: 2 })],
    ["a Message that is an object (raw message delivery on)", () => ({ ...bounceNotification(), Message: {} })],
    [
      "a confirmation without Token",
      () => ({ ...signer.subscriptionConfirmation({ topicArn: TOPIC, timestamp: NOW }), Token: undefined }),
    ],
  ];
  for (const [what, body] of cases) {
    it(`answers MALFORMED for ${what}`, async () => {
      expect(await verifySnsMessage(body(), options())).toMatchObject({ ok: false, code: "MALFORMED" });
    });
  }

  it("answers MALFORMED for a Timestamp that is not a date", async () => {
    expect(await verifySnsMessage({ ...bounceNotification(), Timestamp: "yesterday" }, options())).toMatchObject({
      code: "MALFORMED",
    });
  });

  it("answers CERT_UNAVAILABLE when the fetcher fails, so the shell can ask SNS to retry", async () => {
    const result = await verifySnsMessage(
      bounceNotification(),
      options({
        fetchCertificate: async () => {
          throw new Error("ECONNRESET");
        },
      }),
    );
    expect(result).toMatchObject({ ok: false, code: "CERT_UNAVAILABLE" });
  });
});

describe("memoizeCertificateFetcher", () => {
  it("fetches each certificate URL once", async () => {
    let calls = 0;
    const fetcher = memoizeCertificateFetcher(async () => (calls++, signer.certificatePem));
    await verifySnsMessage(bounceNotification(), options({ fetchCertificate: fetcher }));
    await verifySnsMessage(bounceNotification(), options({ fetchCertificate: fetcher }));
    expect(calls).toBe(1);
  });

  it("forgets a failed fetch so the next message tries again", async () => {
    let calls = 0;
    const fetcher = memoizeCertificateFetcher(async () => {
      calls++;
      if (calls === 1) throw new Error("timeout");
      return signer.certificatePem;
    });
    expect(await verifySnsMessage(bounceNotification(), options({ fetchCertificate: fetcher }))).toMatchObject({
      code: "CERT_UNAVAILABLE",
    });
    expect(await verifySnsMessage(bounceNotification(), options({ fetchCertificate: fetcher }))).toEqual({ ok: true });
    expect(calls).toBe(2);
  });

  it("stays bounded", async () => {
    let calls = 0;
    const fetcher = memoizeCertificateFetcher(async (url) => (calls++, url), 2);
    await fetcher("a");
    await fetcher("b");
    await fetcher("c"); // evicts "a"
    await fetcher("a");
    expect(calls).toBe(4);
  });
});
