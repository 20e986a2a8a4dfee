import { parseJsonBody } from "./errors";
import type { NormalizedEvent, NormalizedEventKind } from "./normalized-event";
import {
  isoDate,
  optionalInteger,
  optionalString,
  requireObject,
  requireString,
  shapeError,
  stringMap,
  type JsonObject,
} from "./payload-reader";
import { enhancedStatusFromText, replyCodeFromText } from "./smtp-text";

// Postmark webhooks: one JSON object per POST, told apart by RecordType. Bounce records
// carry Type/TypeCode; only some of those are bounces (AutoResponder, Subscribe and
// AddressChange are not, and must not count). Open, Click, SubscriptionChange and other
// record types are skipped.

/** Postmark bounce TypeCodes (postmark.js BounceTypeCode) that mean delivery failed. */
const BOUNCE_CODES = new Set([
  1, // HardBounce
  256, // DnsError
  512, // SpamNotification: rejected or filtered as spam by the receiver
  2048, // Unknown
  4096, // SoftBounce: Postmark gave up
  8192, // VirusNotification: the receiver flagged the message
  100000, // BadEmailAddress
  100006, // Blocked
  100009, // DMARCPolicy
]);
const DEFERRAL_CODES = new Set([2]); // Transient: delayed, Postmark still retrying
const COMPLAINT_CODES = new Set([100001]); // SpamComplaint
// Everything else is OTHER: Unsubscribe 16, Subscribe 32, AutoResponder 64, AddressChange 128,
// OpenRelayTest 1024, ChallengeVerification 16384, ManuallyDeactivated 100002,
// Unconfirmed 100003, SMTPApiError 100007, InboundError 100008, TemplateRenderingFailed 100010.

/**
 * Parses a Postmark body, keeping "ID" exact. Postmark IDs are 64-bit integers (its own
 * examples use 4323372036854775807) and JSON.parse would round them to the nearest double,
 * silently merging distinct events under one dedupe key. The shell should parse Postmark
 * bodies with this rather than JSON.parse. The lookbehind skips escaped quotes, so text
 * inside a JSON string (a bounce's Content) is never touched.
 */
export function parsePostmarkBody(raw: string | Uint8Array): unknown {
  const text = typeof raw === "string" ? raw : Buffer.from(raw).toString("utf8");
  return parseJsonBody(text.replace(/(?<!\\)"ID"(\s*):(\s*)(-?\d+)(?=\s*[,}])/g, '"ID"$1:$2"$3"'));
}

export function normalizePostmark(body: unknown): NormalizedEvent[] {
  const record = requireObject(body, "body");
  const recordType = requireString(record, "RecordType", "body");
  switch (recordType) {
    case "Bounce":
    case "SpamComplaint":
      return [bounceRecord(record)];
    case "Delivery":
      return [deliveryRecord(record)];
    default:
      return [];
  }
}

function bounceKind(typeCode: number): NormalizedEventKind {
  if (BOUNCE_CODES.has(typeCode)) return "BOUNCE";
  if (DEFERRAL_CODES.has(typeCode)) return "DEFERRAL";
  if (COMPLAINT_CODES.has(typeCode)) return "COMPLAINT";
  return "OTHER";
}

function bounceRecord(r: JsonObject): NormalizedEvent {
  const id = optionalString(r, "ID");
  if (id === null) throw shapeError("body.ID", "a number");
  const typeCode = optionalInteger(r, "TypeCode");
  if (typeCode === null) throw shapeError("body.TypeCode", "an integer");
  const details = optionalString(r, "Details");
  return {
    provider: "POSTMARK",
    eventKey: id,
    kind: bounceKind(typeCode),
    recipient: requireString(r, "Email", "body"),
    occurredAt: isoDate(r.BouncedAt),
    status: enhancedStatusFromText(details),
    replyCode: replyCodeFromText(details),
    diagnosticCode: details,
    remoteMta: null,
    vendorType: optionalString(r, "Type"),
    messageId: optionalString(r, "MessageID"),
    metadata: stringMap(r.Metadata),
    raw: r,
  };
}

function deliveryRecord(r: JsonObject): NormalizedEvent {
  const recipient = requireString(r, "Recipient", "body");
  const messageId = requireString(r, "MessageID", "body");
  const details = optionalString(r, "Details");
  return {
    provider: "POSTMARK",
    // Delivery records have no ID; a message is delivered to a recipient once.
    eventKey: `${messageId}:delivery:${recipient.toLowerCase()}`,
    kind: "DELIVERY",
    recipient,
    occurredAt: isoDate(r.DeliveredAt),
    status: enhancedStatusFromText(details),
    replyCode: replyCodeFromText(details),
    diagnosticCode: details,
    remoteMta: null,
    vendorType: null,
    messageId,
    metadata: stringMap(r.Metadata),
    raw: r,
  };
}
