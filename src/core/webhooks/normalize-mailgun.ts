import type { NormalizedEvent, NormalizedEventKind } from "./normalized-event";
import {
  isObject,
  optionalInteger,
  optionalString,
  requireObject,
  requireString,
  stringMap,
  unixSecondsDate,
  type JsonObject,
} from "./payload-reader";
import { cleanStatus, enhancedStatusFromText } from "./smtp-text";

// Mailgun webhooks (v3 JSON): { signature, "event-data" }, one event per POST.
// Hard and soft are the SAME event, "failed"; `severity` tells them apart:
//   permanent                -> BOUNCE (final)
//   temporary, reason "old"  -> BOUNCE: Mailgun's last word after its retries ran out
//   temporary, otherwise     -> DEFERRAL (Mailgun keeps retrying)
//   reason "suppress-*"      -> OTHER, providerSuppressed (Mailgun's own list; never sent)
// delivered -> DELIVERY, complained -> COMPLAINT; other events are skipped.
// Note delivery-status.code can be Mailgun-internal (498 "No MX"); it is kept as given.
// The legacy form-encoded format (event=bounced) is not accepted.

export function normalizeMailgun(body: unknown): NormalizedEvent[] {
  const data = requireObject(requireObject(body, "body")["event-data"], "body.event-data");
  const eventName = requireString(data, "event", "event-data");
  const severity = optionalString(data, "severity");
  const reason = optionalString(data, "reason");
  const kind = mailgunKind(eventName, severity, reason);
  if (kind === null) return [];

  const delivery = isObject(data["delivery-status"]) ? data["delivery-status"] : {};
  const headers = isObject(data.message) && isObject(data.message.headers) ? data.message.headers : {};
  // "message" holds the server's reply; "description" is used instead on some failures.
  const diagnosticCode = optionalString(delivery, "message") ?? optionalString(delivery, "description");
  const id = requireString(data, "id", "event-data");
  const timestamp = optionalString(data, "timestamp");

  const event: NormalizedEvent = {
    provider: "MAILGUN",
    eventKey: timestamp ? `${id}:${timestamp}` : id,
    kind,
    recipient: requireString(data, "recipient", "event-data"),
    occurredAt: unixSecondsDate(data.timestamp),
    status: cleanStatus(optionalString(delivery, "enhanced-code")) ?? enhancedStatusFromText(diagnosticCode),
    replyCode: replyCode(delivery),
    diagnosticCode,
    remoteMta: optionalString(delivery, "mx-host"),
    vendorType: eventName === "failed" ? severity : null,
    messageId: optionalString(headers, "message-id"),
    metadata: stringMap(data["user-variables"]),
    raw: data,
  };
  if (kind === "OTHER") event.providerSuppressed = true;
  return [event];
}

function mailgunKind(event: string, severity: string | null, reason: string | null): NormalizedEventKind | null {
  switch (event) {
    case "failed":
      if (reason?.startsWith("suppress-")) return "OTHER";
      if (severity === "permanent" || reason === "old") return "BOUNCE";
      return "DEFERRAL";
    case "delivered":
      return "DELIVERY";
    case "complained":
      return "COMPLAINT";
    default:
      return null;
  }
}

/** delivery-status.code when it is an SMTP reply code: 0 means none, 6xx are Mailgun-internal (605 "previously bounced"). */
function replyCode(delivery: JsonObject): number | null {
  const code = optionalInteger(delivery, "code");
  return code !== null && code >= 200 && code <= 599 ? code : null;
}
