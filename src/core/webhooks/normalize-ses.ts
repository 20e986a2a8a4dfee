import { WebhookPayloadError } from "./errors";
import type { NormalizedEvent } from "./normalized-event";
import {
  isObject,
  isoDate,
  optionalString,
  requireArray,
  requireObject,
  requireString,
  shapeError,
  type JsonObject,
} from "./payload-reader";
import { cleanStatus, enhancedStatusFromText, replyCodeFromText } from "./smtp-text";
import { isSnsSubscribeUrl, readSnsEnvelope } from "./sns-signature";

// Amazon SES notifications arrive inside an SNS envelope whose "Message" is a JSON string.
// Two shapes: identity notifications ("notificationType") and configuration-set event
// publishing ("eventType"); the bodies are the same for Bounce, Complaint and Delivery.
// Call this only after verifySnsMessage said ok.

export type SesNormalized =
  | { type: "SubscriptionConfirmation"; subscribeUrl: string; topicArn: string }
  | { type: "Notification"; events: NormalizedEvent[] }
  | { type: "UnsubscribeConfirmation" };

/** SES refused to send: the address was already on its suppression list. Not a new bounce. */
const SES_SUPPRESSION_SUBTYPES = new Set(["Suppressed", "OnAccountSuppressionList"]);

export function normalizeSes(snsEnvelope: unknown): SesNormalized {
  const read = readSnsEnvelope(snsEnvelope);
  if ("error" in read) throw new WebhookPayloadError("INVALID_SHAPE", read.error);
  const envelope = read.envelope;

  if (envelope.Type === "UnsubscribeConfirmation") return { type: "UnsubscribeConfirmation" };
  if (envelope.Type === "SubscriptionConfirmation") {
    const subscribeUrl = envelope.SubscribeURL as string;
    // The shell will GET this URL; only ever an SNS host.
    if (!isSnsSubscribeUrl(subscribeUrl)) throw shapeError("SubscribeURL", "an https URL on an SNS host");
    return { type: "SubscriptionConfirmation", subscribeUrl, topicArn: envelope.TopicArn };
  }

  // When an SES identity is pointed at a topic, SES publishes a plain-text test message
  // ("Successfully validated SNS topic for Amazon SES event publishing."). It is genuine
  // (signed) and carries no event.
  if (!/^\s*[[{]/.test(envelope.Message)) return { type: "Notification", events: [] };

  let message: unknown;
  try {
    message = JSON.parse(envelope.Message);
  } catch (err) {
    throw new WebhookPayloadError("INVALID_JSON", `SNS Message is not valid JSON: ${(err as Error).message}`);
  }
  return { type: "Notification", events: sesMessageEvents(requireObject(message, "Message")) };
}

function sesMessageEvents(message: JsonObject): NormalizedEvent[] {
  const type = optionalString(message, "eventType") ?? optionalString(message, "notificationType");
  if (type === null) throw shapeError("Message.eventType|notificationType", "a string");
  switch (type) {
    case "Bounce":
      return bounceEvents(message);
    case "Complaint":
      return complaintEvents(message);
    case "Delivery":
      return deliveryEvents(message);
    case "DeliveryDelay":
      return delayEvents(message);
    default:
      // Send, Reject, Open, Click, Rendering Failure, Subscription, Received: not ours.
      return [];
  }
}

interface MailFields {
  messageId: string;
  metadata: Record<string, string>;
}

function mailFields(message: JsonObject): MailFields {
  const mail = requireObject(message.mail, "Message.mail");
  return { messageId: requireString(mail, "messageId", "Message.mail"), metadata: sesTags(mail.tags) };
}

/** mail.tags is { name: [values] } (event publishing only); several values are joined with ",". */
function sesTags(tags: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isObject(tags)) return out;
  for (const [name, values] of Object.entries(tags)) {
    if (Array.isArray(values)) out[name] = values.filter((v) => typeof v === "string").join(",");
    else if (typeof values === "string") out[name] = values;
  }
  return out;
}

function base(message: JsonObject, mail: MailFields, recipient: string): Omit<NormalizedEvent, "eventKey" | "kind"> {
  return {
    provider: "SES",
    recipient,
    occurredAt: null,
    status: null,
    replyCode: null,
    diagnosticCode: null,
    remoteMta: null,
    vendorType: null,
    messageId: mail.messageId,
    metadata: mail.metadata,
    raw: message,
  };
}

function key(feedbackId: string | null, mail: MailFields, type: string, recipient: string): string {
  const address = recipient.toLowerCase();
  return feedbackId ? `${feedbackId}:${address}` : `${mail.messageId}:${type}:${address}`;
}

function bounceEvents(message: JsonObject): NormalizedEvent[] {
  const mail = mailFields(message);
  const bounce = requireObject(message.bounce, "Message.bounce");
  const bounceType = optionalString(bounce, "bounceType");
  const subType = optionalString(bounce, "bounceSubType");
  const feedbackId = optionalString(bounce, "feedbackId");
  const suppressed = subType !== null && SES_SUPPRESSION_SUBTYPES.has(subType);
  return requireArray(bounce.bouncedRecipients, "Message.bounce.bouncedRecipients").map((entry, i) => {
    const r = requireObject(entry, `Message.bounce.bouncedRecipients[${i}]`);
    const recipient = requireString(r, "emailAddress", `Message.bounce.bouncedRecipients[${i}]`);
    // status and diagnosticCode are there only when the receiving server sent a DSN.
    const diagnosticCode = optionalString(r, "diagnosticCode");
    const event: NormalizedEvent = {
      ...base(message, mail, recipient),
      eventKey: key(feedbackId, mail, "bounce", recipient),
      kind: suppressed ? "OTHER" : "BOUNCE",
      occurredAt: isoDate(bounce.timestamp),
      status: cleanStatus(optionalString(r, "status")) ?? enhancedStatusFromText(diagnosticCode),
      replyCode: replyCodeFromText(diagnosticCode),
      diagnosticCode,
      remoteMta: optionalString(bounce, "remoteMtaIp"),
      vendorType: [bounceType, subType].filter((s) => s !== null).join("/") || null,
    };
    if (suppressed) event.providerSuppressed = true;
    return event;
  });
}

function complaintEvents(message: JsonObject): NormalizedEvent[] {
  const mail = mailFields(message);
  const complaint = requireObject(message.complaint, "Message.complaint");
  const feedbackId = optionalString(complaint, "feedbackId");
  // OnAccountSuppressionList: SES did not send, because of an earlier complaint.
  const suppressed = optionalString(complaint, "complaintSubType") === "OnAccountSuppressionList";
  return requireArray(complaint.complainedRecipients, "Message.complaint.complainedRecipients").map((entry, i) => {
    const r = requireObject(entry, `Message.complaint.complainedRecipients[${i}]`);
    const recipient = requireString(r, "emailAddress", `Message.complaint.complainedRecipients[${i}]`);
    const event: NormalizedEvent = {
      ...base(message, mail, recipient),
      eventKey: key(feedbackId, mail, "complaint", recipient),
      kind: suppressed ? "OTHER" : "COMPLAINT",
      occurredAt: isoDate(complaint.timestamp),
      vendorType: optionalString(complaint, "complaintFeedbackType"),
    };
    if (suppressed) event.providerSuppressed = true;
    return event;
  });
}

function deliveryEvents(message: JsonObject): NormalizedEvent[] {
  const mail = mailFields(message);
  const delivery = requireObject(message.delivery, "Message.delivery");
  const smtpResponse = optionalString(delivery, "smtpResponse");
  return requireArray(delivery.recipients, "Message.delivery.recipients").map((entry, i) => {
    if (typeof entry !== "string" || entry.trim() === "") {
      throw shapeError(`Message.delivery.recipients[${i}]`, "a non-empty string");
    }
    const recipient = entry.trim();
    return {
      ...base(message, mail, recipient),
      eventKey: key(null, mail, "delivery", recipient),
      kind: "DELIVERY",
      occurredAt: isoDate(delivery.timestamp),
      status: enhancedStatusFromText(smtpResponse),
      replyCode: replyCodeFromText(smtpResponse),
      diagnosticCode: smtpResponse,
      remoteMta: optionalString(delivery, "remoteMtaIp"),
    };
  });
}

function delayEvents(message: JsonObject): NormalizedEvent[] {
  const mail = mailFields(message);
  const delay = requireObject(message.deliveryDelay, "Message.deliveryDelay");
  const timestamp = optionalString(delay, "timestamp");
  return requireArray(delay.delayedRecipients, "Message.deliveryDelay.delayedRecipients").map((entry, i) => {
    const r = requireObject(entry, `Message.deliveryDelay.delayedRecipients[${i}]`);
    const recipient = requireString(r, "emailAddress", `Message.deliveryDelay.delayedRecipients[${i}]`);
    const diagnosticCode = optionalString(r, "diagnosticCode");
    return {
      ...base(message, mail, recipient),
      // One message can be delayed several times: the delay's timestamp tells them apart.
      eventKey: `${key(null, mail, "delay", recipient)}:${timestamp ?? ""}`,
      kind: "DEFERRAL",
      occurredAt: isoDate(timestamp),
      status: cleanStatus(optionalString(r, "status")) ?? enhancedStatusFromText(diagnosticCode),
      replyCode: replyCodeFromText(diagnosticCode),
      diagnosticCode,
      remoteMta: optionalString(delay, "remoteMtaIp"),
      vendorType: optionalString(delay, "delayType"),
    };
  });
}
