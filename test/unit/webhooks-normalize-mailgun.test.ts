import { describe, expect, it } from "vitest";
import { normalizeMailgun, WebhookPayloadError } from "../../src/core/webhooks/normalize";
import { signedMailgunBody } from "../support/webhook-signers";
import { webhookFixture } from "../fixtures/webhooks";

const NOW = new Date("2026-03-04T10:20:00Z");
const body = (fixture: string) => signedMailgunBody("key-test", webhookFixture(fixture), NOW);
const only = (fixture: string) => {
  const events = normalizeMailgun(body(fixture));
  expect(events).toHaveLength(1);
  return events[0];
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

describe("normalizeMailgun", () => {
  it("turns a permanent failure into a BOUNCE with the server's reply, MX host and user-variables", () => {
    expect(only("mailgun/failed-permanent.json")).toMatchObject({
      provider: "MAILGUN",
      kind: "BOUNCE",
      eventKey: "G9Bn5sl1TC6nu79C8C0bwg:1772618442.375624",
      recipient: "jane.doe@example.com",
      occurredAt: new Date(1772618442376), // microseconds rounded to the millisecond
      status: "5.1.1",
      replyCode: 550,
      diagnosticCode: expect.stringMatching(/^5\.1\.1 The email account/),
      remoteMta: "aspmx.l.google.com",
      vendorType: "permanent",
      messageId: "20260304101540.1.A1B2C3D4E5F6@mg.acme-mail.com",
      metadata: { campaign_id: "cmp_42", inbox_id: "inb_7", step: "2" },
    });
  });

  it("tells hard from soft by severity, not by the event name: the same 'failed' with temporary is a DEFERRAL", () => {
    expect(only("mailgun/failed-temporary.json")).toMatchObject({
      kind: "DEFERRAL",
      vendorType: "temporary",
      status: "4.2.2",
      replyCode: 452,
      remoteMta: "gmail-smtp-in.l.google.com",
    });
  });

  it("treats temporary + reason 'old' as final (retries ran out), reading the text from description", () => {
    expect(only("mailgun/failed-old-no-mx.json")).toMatchObject({
      kind: "BOUNCE",
      vendorType: "temporary",
      replyCode: 498,
      diagnosticCode: "No MX for [nosuchdomain-rebound.example]",
      status: null,
    });
  });

  it("marks suppress-bounce as Mailgun's own refusal and drops its internal 605 code", () => {
    expect(only("mailgun/failed-suppress-bounce.json")).toMatchObject({
      kind: "OTHER",
      providerSuppressed: true,
      replyCode: null,
      diagnosticCode: "Not delivering to previously bounced address",
    });
  });

  it("maps delivered and complained", () => {
    expect(only("mailgun/delivered.json")).toMatchObject({
      kind: "DELIVERY",
      replyCode: 250,
      diagnosticCode: "OK",
      status: null,
    });
    expect(only("mailgun/complained.json")).toMatchObject({
      kind: "COMPLAINT",
      recipient: "angry.reader@hotmail.com",
      vendorType: null,
    });
  });

  it("skips events that are not deliverability events", () => {
    expect(normalizeMailgun(body("mailgun/opened.json"))).toEqual([]);
  });

  it("prefers an explicit enhanced-code when Mailgun gives one", () => {
    const data = webhookFixture("mailgun/failed-temporary.json");
    data["delivery-status"]["enhanced-code"] = "4.2.1";
    expect(normalizeMailgun({ "event-data": data })[0].status).toBe("4.2.1");
  });

  it("keeps event-data verbatim as raw and the key stable across a retry", () => {
    const a = only("mailgun/failed-permanent.json");
    expect(a.raw).toEqual(webhookFixture("mailgun/failed-permanent.json"));
    expect(only("mailgun/failed-permanent.json").eventKey).toBe(a.eventKey);
  });

  it("rejects bodies without event-data, or event-data without event, id or recipient", () => {
    expect(payloadError(() => normalizeMailgun({ signature: {} })).message).toContain("event-data");
    expect(payloadError(() => normalizeMailgun([])).code).toBe("INVALID_SHAPE");
    for (const field of ["event", "id", "recipient"]) {
      const data = webhookFixture("mailgun/failed-permanent.json");
      delete data[field];
      expect(payloadError(() => normalizeMailgun({ "event-data": data })).message).toContain(`event-data.${field}`);
    }
  });

  it("does not accept the legacy form-encoded shape (event=bounced at top level)", () => {
    expect(payloadError(() => normalizeMailgun({ event: "bounced", recipient: "a@b.c", code: "550" })).code).toBe(
      "INVALID_SHAPE",
    );
  });
});
