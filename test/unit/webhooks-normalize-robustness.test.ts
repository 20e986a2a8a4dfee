import fc from "fast-check";
import { describe, it } from "vitest";
import {
  normalizeMailgun,
  normalizePostmark,
  normalizeSendgrid,
  normalizeSes,
  WebhookPayloadError,
} from "../../src/core/webhooks/normalize";
import { webhookFixture } from "../fixtures/webhooks";

// Whatever JSON arrives, a normaliser either returns events or throws WebhookPayloadError:
// never a TypeError that the shell would turn into a 500 (and the vendor into endless retries).

function onlyPayloadErrors(fn: () => unknown): boolean {
  try {
    fn();
    return true;
  } catch (err) {
    return err instanceof WebhookPayloadError;
  }
}

/** Replaces one nested value of a real payload with arbitrary JSON. */
function mutateAt(value: unknown, path: number[], replacement: unknown): unknown {
  if (path.length === 0 || typeof value !== "object" || value === null) return replacement;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return replacement;
  const [key, child] = entries[path[0] % entries.length];
  const copy: any = Array.isArray(value) ? [...value] : { ...value };
  copy[key] = mutateAt(child, path.slice(1), replacement);
  return copy;
}

const normalisers: Array<[string, (body: unknown) => unknown, () => unknown]> = [
  ["normalizeSendgrid", normalizeSendgrid, () => webhookFixture("sendgrid/batch.json")],
  ["normalizeMailgun", normalizeMailgun, () => ({ "event-data": webhookFixture("mailgun/failed-permanent.json") })],
  ["normalizePostmark", normalizePostmark, () => webhookFixture("postmark/hard-bounce.json")],
  [
    "normalizeSes (message)",
    (m) =>
      normalizeSes({
        Type: "Notification",
        MessageId: "m",
        TopicArn: "arn:aws:sns:us-east-1:1:t",
        Message: JSON.stringify(m),
        Timestamp: "2026-03-04T10:00:00.000Z",
        SignatureVersion: "2",
        Signature: "x",
        SigningCertURL: "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-x.pem",
      }),
    () => webhookFixture("ses/bounce-permanent-two-recipients.json"),
  ],
];

describe("normalisers fail only with WebhookPayloadError", () => {
  for (const [name, normalise, fixture] of normalisers) {
    it(`${name}: arbitrary JSON`, () => {
      fc.assert(
        fc.property(fc.jsonValue(), (value) => onlyPayloadErrors(() => normalise(value))),
        { numRuns: 300 },
      );
    });

    it(`${name}: a real payload with one nested value replaced`, () => {
      fc.assert(
        fc.property(fc.array(fc.nat(), { maxLength: 5 }), fc.jsonValue({ maxDepth: 2 }), (path, replacement) =>
          onlyPayloadErrors(() => normalise(mutateAt(fixture(), path, replacement))),
        ),
        { numRuns: 300 },
      );
    });
  }

  it("normalizeSes: arbitrary envelopes", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => onlyPayloadErrors(() => normalizeSes(value))),
      { numRuns: 300 },
    );
  });
});
