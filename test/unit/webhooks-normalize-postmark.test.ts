import { describe, expect, it } from "vitest";
import { normalizePostmark, parsePostmarkBody, WebhookPayloadError } from "../../src/core/webhooks/normalize";
import { webhookFixture, webhookFixtureText } from "../fixtures/webhooks";

const only = (fixture: string) => {
  const events = normalizePostmark(parsePostmarkBody(webhookFixtureText(fixture)));
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

describe("normalizePostmark", () => {
  it("turns a HardBounce into a BOUNCE with the MTA text from Details and Metadata", () => {
    expect(only("postmark/hard-bounce.json")).toMatchObject({
      provider: "POSTMARK",
      kind: "BOUNCE",
      recipient: "jane.doe@example.com",
      occurredAt: new Date("2026-03-04T15:15:42.412Z"),
      status: "5.1.1",
      replyCode: 550,
      diagnosticCode: expect.stringMatching(/^smtp;550 5\.1\.1 /),
      vendorType: "HardBounce",
      messageId: "883953f4-6105-42a2-a16a-77a8eac79483",
      metadata: { campaign_id: "cmp_42", inbox_id: "inb_7" },
    });
  });

  it("keeps 64-bit IDs exact, so two events never share a dedupe key", () => {
    expect(only("postmark/hard-bounce.json").eventKey).toBe("4323372036854775807");
    const neighbour = webhookFixtureText("postmark/hard-bounce.json").replace(
      "4323372036854775807",
      "4323372036854775806",
    );
    expect(normalizePostmark(parsePostmarkBody(neighbour))[0].eventKey).toBe("4323372036854775806");
    // JSON.parse alone would have merged them:
    expect(String(JSON.parse(neighbour).ID)).toBe(String(webhookFixture("postmark/hard-bounce.json").ID));
  });

  it('does not touch an "ID" that appears inside a string value', () => {
    const text = JSON.stringify({
      ...webhookFixture("postmark/transient.json"),
      Content: 'X-Trace: "ID": 12345678901234567890,',
    });
    const parsed = parsePostmarkBody(text) as Record<string, unknown>;
    expect(parsed.Content).toBe('X-Trace: "ID": 12345678901234567890,');
    expect(parsed.ID).toBe("692560173");
  });

  it("maps Transient (still retrying) to DEFERRAL", () => {
    expect(only("postmark/transient.json")).toMatchObject({
      kind: "DEFERRAL",
      vendorType: "Transient",
      status: "4.7.0",
      replyCode: 421,
    });
  });

  it("maps a SpamComplaint record to COMPLAINT", () => {
    expect(only("postmark/spam-complaint.json")).toMatchObject({
      kind: "COMPLAINT",
      eventKey: "3245676523",
      recipient: "angry.reader@hotmail.com",
    });
  });

  it("does not count an AutoResponder as a bounce", () => {
    expect(only("postmark/auto-responder.json")).toMatchObject({ kind: "OTHER", vendorType: "AutoResponder" });
  });

  it("maps every documented TypeCode to the right kind", () => {
    const expected: Record<number, string> = {
      1: "BOUNCE",
      2: "DEFERRAL",
      16: "OTHER",
      32: "OTHER",
      64: "OTHER",
      128: "OTHER",
      256: "BOUNCE",
      512: "BOUNCE",
      1024: "OTHER",
      2048: "BOUNCE",
      4096: "BOUNCE",
      8192: "BOUNCE",
      16384: "OTHER",
      100000: "BOUNCE",
      100001: "COMPLAINT",
      100002: "OTHER",
      100003: "OTHER",
      100006: "BOUNCE",
      100007: "OTHER",
      100008: "OTHER",
      100009: "BOUNCE",
      100010: "OTHER",
      999999: "OTHER",
    };
    for (const [code, kind] of Object.entries(expected)) {
      const record = { ...webhookFixture("postmark/hard-bounce.json"), TypeCode: Number(code) };
      expect([code, normalizePostmark(record)[0].kind]).toEqual([code, kind]);
    }
  });

  it("keys a Delivery (which has no ID) by MessageID + recipient", () => {
    expect(only("postmark/delivery.json")).toMatchObject({
      kind: "DELIVERY",
      recipient: "cto@example.net",
      eventKey: "00000000-0000-0000-0000-000000000001:delivery:cto@example.net",
      occurredAt: new Date("2026-03-04T09:00:01Z"),
      status: "2.0.0",
      replyCode: 250,
    });
  });

  it("skips Open and other record types", () => {
    expect(normalizePostmark(webhookFixture("postmark/open.json"))).toEqual([]);
  });

  it("keeps the record verbatim as raw", () => {
    expect(normalizePostmark(webhookFixture("postmark/transient.json"))[0].raw).toEqual(
      webhookFixture("postmark/transient.json"),
    );
  });

  it("rejects records without RecordType, ID, TypeCode or Email, and bodies that are not JSON", () => {
    for (const field of ["RecordType", "ID", "TypeCode", "Email"]) {
      const record = webhookFixture("postmark/hard-bounce.json");
      delete record[field];
      expect(payloadError(() => normalizePostmark(record)).message).toContain(`body.${field}`);
    }
    expect(payloadError(() => normalizePostmark([webhookFixture("postmark/hard-bounce.json")])).code).toBe(
      "INVALID_SHAPE",
    );
    expect(payloadError(() => parsePostmarkBody('{"RecordType": ')).code).toBe("INVALID_JSON");
  });
});
