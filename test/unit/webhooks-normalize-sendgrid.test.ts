import { describe, expect, it } from "vitest";
import { normalizeSendgrid, WebhookPayloadError } from "../../src/core/webhooks/normalize";
import { webhookFixture } from "../fixtures/webhooks";

const batch = () => webhookFixture<Array<Record<string, unknown>>>("sendgrid/batch.json");
const byRecipient = (email: string) => {
  const event = normalizeSendgrid(batch()).find((e) => e.recipient === email);
  if (!event) throw new Error(`no event for ${email}`);
  return event;
};
function payloadError(fn: () => unknown): WebhookPayloadError {
  try {
    fn();
  } catch (err) {
    if (err instanceof WebhookPayloadError) return err;
    throw err;
  }
  throw new Error("expected a WebhookPayloadError");
}

describe("normalizeSendgrid", () => {
  it("keeps bounce, dropped, deferred, delivered and spamreport from a batch, in order, and skips processed/open", () => {
    expect(normalizeSendgrid(batch()).map((e) => [e.recipient, e.kind])).toEqual([
      ["jane.doe@example.com", "BOUNCE"],
      ["buyer@corp.example", "BOUNCE"],
      ["nohost@invalid-host.example", "BOUNCE"],
      ["unsubscribed@example.com", "OTHER"],
      ["slow@example.org", "DEFERRAL"],
      ["cto@example.net", "DELIVERY"],
      ["angry.reader@example.com", "COMPLAINT"],
    ]);
  });

  it("extracts a hard bounce faithfully, keyed by sg_event_id", () => {
    expect(byRecipient("jane.doe@example.com")).toMatchObject({
      provider: "SENDGRID",
      eventKey: "6g4ZI7SA-xmRDv57GoPIPw==",
      occurredAt: new Date(1772618442 * 1000),
      status: "5.1.1",
      replyCode: 550,
      diagnosticCode: expect.stringMatching(/^550 5\.1\.1 The email account that you tried to reach does not exist/),
      vendorType: "bounce",
      messageId: "14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.0",
    });
  });

  it("keeps type 'blocked' as the vendor label only: the 5.7.1 text goes on to the classifier", () => {
    expect(byRecipient("buyer@corp.example")).toMatchObject({
      kind: "BOUNCE",
      vendorType: "blocked",
      status: "5.7.1",
      replyCode: 550,
    });
  });

  it("copes with an async bounce that has no status and no sg_message_id", () => {
    expect(byRecipient("nohost@invalid-host.example")).toMatchObject({
      status: null,
      replyCode: null,
      messageId: null,
      diagnosticCode: expect.stringContaining("no such host"),
    });
  });

  it("marks dropped as SendGrid's own refusal, without its synthetic 5.0.0 status", () => {
    expect(byRecipient("unsubscribed@example.com")).toMatchObject({
      kind: "OTHER",
      providerSuppressed: true,
      status: null,
      replyCode: null,
      diagnosticCode: "Bounced Address",
    });
  });

  it("reads deferred and delivered server replies from `response`", () => {
    expect(byRecipient("slow@example.org")).toMatchObject({ status: "4.7.0", replyCode: 421, vendorType: null });
    expect(byRecipient("cto@example.net")).toMatchObject({ status: "2.0.0", replyCode: 250 });
  });

  it("collects flat custom args as metadata, and nothing of SendGrid's own fields", () => {
    expect(byRecipient("jane.doe@example.com").metadata).toEqual({ campaign_id: "cmp_42", inbox_id: "inb_7" });
    expect(byRecipient("cto@example.net").metadata).toEqual({
      campaign_id: "cmp_42",
      inbox_id: "inb_7",
      send_attempt: "2",
    });
  });

  it("keeps each event's vendor fields verbatim as raw", () => {
    expect(byRecipient("buyer@corp.example").raw).toEqual(batch()[2]);
  });

  it("falls back to a content hash when sg_event_id is missing, stable across a retry of the same batch", () => {
    const body = batch();
    delete body[1].sg_event_id;
    const first = normalizeSendgrid(body)[0].eventKey;
    expect(first).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(normalizeSendgrid(JSON.parse(JSON.stringify(body)))[0].eventKey).toBe(first);
  });

  it("returns nothing for an empty batch", () => {
    expect(normalizeSendgrid([])).toEqual([]);
  });

  it("rejects a body that is not an array (SendGrid always batches)", () => {
    expect(payloadError(() => normalizeSendgrid(batch()[1])).code).toBe("INVALID_SHAPE");
  });

  it("rejects an element that is not an object, or has no event name", () => {
    expect(payloadError(() => normalizeSendgrid([batch()[1], "bounce"])).message).toContain("body[1]");
    expect(payloadError(() => normalizeSendgrid([{ email: "a@b.c" }])).message).toContain("body[0].event");
  });

  it("rejects a kept event with no recipient", () => {
    const body = batch();
    delete body[1].email;
    expect(payloadError(() => normalizeSendgrid(body)).message).toContain("body[1].email");
  });
});
