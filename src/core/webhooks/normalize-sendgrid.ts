import { createHash } from "node:crypto";
import type { NormalizedEvent, NormalizedEventKind } from "./normalized-event";
import {
  optionalString,
  requireArray,
  requireObject,
  requireString,
  unixSecondsDate,
  type JsonObject,
} from "./payload-reader";
import { cleanStatus, enhancedStatusFromText, replyCodeFromText } from "./smtp-text";

// SendGrid Event Webhook: the body is a JSON array of events, batched. Custom args are
// merged flat into each event (SendGrid's reserved keys win), so metadata is "every
// top-level scalar that is not a SendGrid field".
//
// bounce    type "bounce" (remote server rejected) or "blocked" (SendGrid's label for
//           blocks and temporary-looking failures): both are final for this message, both
//           BOUNCE; the classifier decides hard/soft from status + reason.
// dropped   SendGrid's own suppression or policy, never sent: OTHER, providerSuppressed.
// deferred  still retrying: DEFERRAL.  delivered: DELIVERY.  spamreport: COMPLAINT.
// Every other event (processed, open, click, unsubscribe...) is skipped.

const KINDS: Record<string, NormalizedEventKind> = {
  bounce: "BOUNCE",
  dropped: "OTHER",
  deferred: "DEFERRAL",
  delivered: "DELIVERY",
  spamreport: "COMPLAINT",
};

/** SendGrid's own event fields: anything else at the top level is a custom arg. */
const RESERVED = new Set([
  "email",
  "timestamp",
  "event",
  "smtp-id",
  "sg_event_id",
  "sg_message_id",
  "category",
  "asm_group_id",
  "ip",
  "tls",
  "pool",
  "cert_err",
  "reason",
  "status",
  "type",
  "bounce_classification",
  "response",
  "attempt",
  "useragent",
  "url",
  "url_offset",
  "sg_machine_open",
  "sg_content_type",
  "sg_template_id",
  "sg_template_name",
  "marketing_campaign_id",
  "marketing_campaign_name",
  "marketing_campaign_version",
  "marketing_campaign_split_id",
  "singlesend_id",
  "singlesend_name",
  "template_id",
  "template_version_id",
  "template_name",
  "template_hash",
  "mc_stats",
  "phase_id",
  "send_at",
  "ab_variation",
  "ab_phase_id",
  "post_type",
  "newsletter",
  "unique_args",
  "custom_args",
]);

export function normalizeSendgrid(body: unknown): NormalizedEvent[] {
  const out: NormalizedEvent[] = [];
  requireArray(body, "body").forEach((item, i) => {
    const path = `body[${i}]`;
    const e = requireObject(item, path);
    const eventName = requireString(e, "event", path);
    const kind = KINDS[eventName];
    if (kind === undefined) return;
    out.push(sendgridEvent(e, eventName, kind, path));
  });
  return out;
}

function sendgridEvent(e: JsonObject, eventName: string, kind: NormalizedEventKind, path: string): NormalizedEvent {
  // bounce/dropped put the server's words in "reason", deferred/delivered in "response".
  const diagnosticCode = optionalString(e, "reason") ?? optionalString(e, "response");
  const event: NormalizedEvent = {
    provider: "SENDGRID",
    eventKey: optionalString(e, "sg_event_id") ?? contentKey(e),
    kind,
    recipient: requireString(e, "email", path),
    occurredAt: unixSecondsDate(e.timestamp),
    // dropped carries status "5.0.0" for SendGrid's own refusal: not a server's status.
    status:
      eventName === "dropped"
        ? null
        : (cleanStatus(optionalString(e, "status")) ?? enhancedStatusFromText(diagnosticCode)),
    replyCode: eventName === "dropped" ? null : replyCodeFromText(diagnosticCode),
    diagnosticCode,
    remoteMta: null,
    vendorType: eventName === "bounce" ? optionalString(e, "type") : null,
    messageId: optionalString(e, "sg_message_id"),
    metadata: customArgs(e),
    raw: e,
  };
  if (eventName === "dropped") event.providerSuppressed = true;
  return event;
}

function customArgs(e: JsonObject): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(e)) {
    if (RESERVED.has(key)) continue;
    if (typeof value === "string") out[key] = value;
    else if (typeof value === "number" || typeof value === "boolean") out[key] = String(value);
  }
  return out;
}

/**
 * sg_event_id is documented as always present; should one be missing, a hash of the
 * event's JSON is still stable across retries (SendGrid resends the same events).
 */
function contentKey(e: JsonObject): string {
  return "sha256:" + createHash("sha256").update(JSON.stringify(e)).digest("hex");
}
