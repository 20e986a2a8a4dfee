import { beforeAll, describe, expect, it } from "vitest";
import { normalizeSes, WebhookPayloadError } from "../../src/core/webhooks/normalize";
import { verifySnsMessage } from "../../src/core/webhooks/sns-signature";
import { createSnsTestSigner, type SnsTestSigner } from "../support/webhook-signers";
import { webhookFixture } from "../fixtures/webhooks";

const TOPIC = "arn:aws:sns:us-east-1:123456789012:rebound-ses-events";
const NOW = new Date("2026-03-04T12:00:00.000Z");
let signer: SnsTestSigner;
beforeAll(() => {
  signer = createSnsTestSigner();
});

const envelopeOf = (message: unknown) => signer.notification({ topicArn: TOPIC, message, timestamp: NOW });
function eventsOf(fixture: string) {
  const result = normalizeSes(envelopeOf(webhookFixture(fixture)));
  if (result.type !== "Notification") throw new Error(`expected a Notification, got ${result.type}`);
  return result.events;
}
function payloadError(fn: () => unknown): WebhookPayloadError {
  try {
    fn();
  } catch (err) {
    if (err instanceof WebhookPayloadError) return err;
    throw err;
  }
  throw new Error("expected a WebhookPayloadError");
}

describe("normalizeSes: bounces", () => {
  it("makes one event per bounced recipient, each with its own DSN fields", () => {
    const events = eventsOf("ses/bounce-permanent-two-recipients.json");
    expect(events).toHaveLength(2);
    expect(events[0]).toMatchObject({
      provider: "SES",
      kind: "BOUNCE",
      recipient: "jane.doe@example.com",
      eventKey: "0100017f1c2d3e4f-5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d-000000:jane.doe@example.com",
      occurredAt: new Date("2026-03-04T10:15:42.412Z"),
      status: "5.1.1",
      replyCode: 550,
      diagnosticCode:
        "smtp; 550 5.1.1 <jane.doe@example.com>: Recipient address rejected: User unknown in virtual mailbox table",
      remoteMta: "203.0.113.25",
      vendorType: "Permanent/General",
      messageId: "0100017f1c2d3e4f-aaaabbbb-cccc-dddd-eeee-ffff00001111-000000",
      metadata: {},
    });
    // No DSN for the second recipient: nothing invented.
    expect(events[1]).toMatchObject({
      recipient: "Richard.Roe@Example.org",
      status: null,
      replyCode: null,
      diagnosticCode: null,
    });
  });

  it("keys events by feedbackId + lower-cased recipient: stable across SNS retries, distinct per recipient", () => {
    const first = eventsOf("ses/bounce-permanent-two-recipients.json").map((e) => e.eventKey);
    const retry = eventsOf("ses/bounce-permanent-two-recipients.json").map((e) => e.eventKey);
    expect(retry).toEqual(first);
    expect(new Set(first).size).toBe(2);
    expect(first[1]).toMatch(/:richard\.roe@example\.org$/);
  });

  it("keeps SES's 'Transient' label for 5.4.4 but passes the real status on for re-classification (event publishing shape)", () => {
    const [event] = eventsOf("ses/bounce-transient-544-event-publishing.json");
    expect(event).toMatchObject({
      kind: "BOUNCE",
      vendorType: "Transient/General",
      status: "5.4.4",
      replyCode: 550,
      diagnosticCode: "smtp; 550 5.4.4 Invalid domain",
      remoteMta: null,
    });
  });

  it("reads mail.tags into metadata, joining multi-valued tags", () => {
    const [event] = eventsOf("ses/bounce-transient-544-event-publishing.json");
    expect(event.metadata).toMatchObject({
      campaign_id: "cmp_42",
      inbox_id: "inb_7",
      "ses:configuration-set": "rebound-events",
    });
    const message = webhookFixture("ses/bounce-transient-544-event-publishing.json");
    message.mail.tags.campaign_id = ["cmp_1", "cmp_2"];
    const result = normalizeSes(envelopeOf(message));
    expect(result.type === "Notification" && result.events[0].metadata.campaign_id).toBe("cmp_1,cmp_2");
  });

  it("marks SES's own suppression-list refusals as OTHER + providerSuppressed, not as new bounces", () => {
    const [event] = eventsOf("ses/bounce-on-account-suppression-list.json");
    expect(event).toMatchObject({
      kind: "OTHER",
      providerSuppressed: true,
      vendorType: "Permanent/OnAccountSuppressionList",
    });
  });

  it("keeps the SES message verbatim as raw", () => {
    const [event] = eventsOf("ses/bounce-permanent-two-recipients.json");
    expect(event.raw).toEqual(webhookFixture("ses/bounce-permanent-two-recipients.json"));
  });

  it("normalises what verifySnsMessage accepted (the shell's order: verify, then normalise)", async () => {
    const envelope = envelopeOf(webhookFixture("ses/bounce-permanent-two-recipients.json"));
    const body = JSON.parse(JSON.stringify(envelope));
    expect(
      await verifySnsMessage(body, { allowedTopicArns: [TOPIC], fetchCertificate: signer.fetchCertificate, now: NOW }),
    ).toEqual({ ok: true });
    const result = normalizeSes(body);
    expect(result.type === "Notification" && result.events.length).toBe(2);
  });
});

describe("normalizeSes: complaints, deliveries, delays", () => {
  it("turns a complaint into a COMPLAINT per complained recipient, with the feedback type as vendorType", () => {
    const [event] = eventsOf("ses/complaint.json");
    expect(event).toMatchObject({
      kind: "COMPLAINT",
      recipient: "angry.reader@yahoo.com",
      vendorType: "abuse",
      occurredAt: new Date("2026-03-05T08:00:07.318Z"),
      eventKey: "0100017f2a3b4c5d-6e7f8091-a2b3-4c5d-6e7f-8091a2b3c4d5-000000:angry.reader@yahoo.com",
    });
  });

  it("treats a complaint SES did not send because of an earlier complaint as a provider suppression", () => {
    const message = webhookFixture("ses/complaint.json");
    message.complaint.complaintSubType = "OnAccountSuppressionList";
    const result = normalizeSes(envelopeOf(message));
    expect(result.type === "Notification" && result.events[0]).toMatchObject({
      kind: "OTHER",
      providerSuppressed: true,
    });
  });

  it("turns a delivery into DELIVERY, extracting the 250 reply and 2.6.0 status from smtpResponse", () => {
    const [event] = eventsOf("ses/delivery-event-publishing.json");
    expect(event).toMatchObject({
      kind: "DELIVERY",
      recipient: "cto@example.net",
      status: "2.6.0",
      replyCode: 250,
      diagnosticCode: "250 2.6.0 Message received",
      remoteMta: "192.0.2.44",
      eventKey: "010001812d3e4f50-aaaa1111-bbbb-2222-cccc-3333dddd4444-000000:delivery:cto@example.net",
      metadata: { "ses:configuration-set": "rebound-events", campaign_id: "cmp_42" },
    });
  });

  it("turns a DeliveryDelay into DEFERRAL, keyed by the delay's timestamp so repeated delays stay distinct", () => {
    const [event] = eventsOf("ses/delivery-delay-event-publishing.json");
    expect(event).toMatchObject({ kind: "DEFERRAL", status: "4.2.2", replyCode: 452, vendorType: "MailboxFull" });
    const later = webhookFixture("ses/delivery-delay-event-publishing.json");
    later.deliveryDelay.timestamp = "2026-03-04T10:45:12.004Z";
    const result = normalizeSes(envelopeOf(later));
    expect(result.type === "Notification" && result.events[0].eventKey).not.toBe(event.eventKey);
  });

  it("ignores event types that are not deliverability events (Open, Click, Send...)", () => {
    expect(eventsOf("ses/open-event-publishing.json")).toEqual([]);
  });

  it("accepts SES's plain-text topic validation message as a notification with no events", () => {
    const result = normalizeSes(envelopeOf("Successfully validated SNS topic for Amazon SES event publishing."));
    expect(result).toEqual({ type: "Notification", events: [] });
  });
});

describe("normalizeSes: subscription handshake", () => {
  it("returns the SubscribeURL for a SubscriptionConfirmation, for the shell to confirm", () => {
    const envelope = signer.subscriptionConfirmation({ topicArn: TOPIC, timestamp: NOW });
    expect(normalizeSes(envelope)).toEqual({
      type: "SubscriptionConfirmation",
      subscribeUrl: envelope.SubscribeURL,
      topicArn: TOPIC,
    });
  });

  it("refuses a SubscribeURL that is not an SNS host (the shell would fetch it)", () => {
    const envelope = {
      ...signer.subscriptionConfirmation({ topicArn: TOPIC, timestamp: NOW }),
      SubscribeURL: "http://169.254.169.254/latest",
    };
    expect(payloadError(() => normalizeSes(envelope)).code).toBe("INVALID_SHAPE");
  });

  it("recognises an UnsubscribeConfirmation", () => {
    const envelope = signer.subscriptionConfirmation({
      topicArn: TOPIC,
      timestamp: NOW,
      type: "UnsubscribeConfirmation",
    });
    expect(normalizeSes(envelope)).toEqual({ type: "UnsubscribeConfirmation" });
  });
});

describe("normalizeSes: malformed payloads are typed errors", () => {
  it("rejects a Message that looks like JSON but is not", () => {
    expect(payloadError(() => normalizeSes(envelopeOf('{"notificationType": "Bounce",'))).code).toBe("INVALID_JSON");
  });

  const broken: Array<[string, (m: any) => unknown]> = [
    ["no notificationType or eventType", (m) => ({ ...m, notificationType: undefined })],
    ["no mail object", (m) => ({ ...m, mail: undefined })],
    ["no mail.messageId", (m) => ({ ...m, mail: { ...m.mail, messageId: 42 } })],
    [
      "bouncedRecipients not an array",
      (m) => ({ ...m, bounce: { ...m.bounce, bouncedRecipients: { emailAddress: "a@b" } } }),
    ],
    [
      "a bounced recipient without emailAddress",
      (m) => ({ ...m, bounce: { ...m.bounce, bouncedRecipients: [{ status: "5.1.1" }] } }),
    ],
    ["a Message that is a JSON array", () => []],
  ];
  for (const [what, mutate] of broken) {
    it(`rejects a bounce with ${what} as INVALID_SHAPE`, () => {
      const message = mutate(webhookFixture("ses/bounce-permanent-two-recipients.json"));
      const error = payloadError(() => normalizeSes(envelopeOf(message)));
      expect(error.code).toBe("INVALID_SHAPE");
    });
  }

  it("names the bad field in the message", () => {
    const message = webhookFixture("ses/bounce-permanent-two-recipients.json");
    message.bounce.bouncedRecipients[1] = { emailAddress: "" };
    expect(payloadError(() => normalizeSes(envelopeOf(message))).message).toContain(
      "Message.bounce.bouncedRecipients[1].emailAddress",
    );
  });

  it("rejects an envelope that is not SNS", () => {
    expect(payloadError(() => normalizeSes({ notificationType: "Bounce" })).code).toBe("INVALID_SHAPE");
    expect(payloadError(() => normalizeSes(null)).code).toBe("INVALID_SHAPE");
  });
});
