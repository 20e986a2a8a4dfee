// The one shape every ESP's webhook becomes. It carries what the vendor said, extracted
// faithfully and never judged: the bounce classifier (src/core/bounce) re-classifies from
// `status` + `diagnosticCode`, because vendors' hard/soft labels are unreliable (SES calls
// 5.4.4 Transient, Mailgun sends hard and soft as the same "failed" event).

export type EspProvider = "SES" | "SENDGRID" | "MAILGUN" | "POSTMARK";

/**
 * BOUNCE     the ESP has stopped trying: the message is finally undelivered to this
 *            recipient (hard or soft is the classifier's question, not this field's; a
 *            soft BOUNCE therefore means "retries expired").
 * DEFERRAL   a temporary failure while the ESP is still retrying.
 * COMPLAINT  the recipient reported the message as spam (feedback loop).
 * DELIVERY   accepted by the receiving server.
 * OTHER      anything stored but not counted: the ESP refused to send on its own
 *            (see providerSuppressed), auto-replies, address changes, account errors.
 */
export type NormalizedEventKind = "BOUNCE" | "COMPLAINT" | "DELIVERY" | "DEFERRAL" | "OTHER";

export interface NormalizedEvent {
  provider: EspProvider;
  /**
   * The vendor's event id, stable across the vendor's retries, unique within the provider
   * (dedupe on provider + eventKey): SendGrid sg_event_id; Postmark ID (Delivery has none:
   * MessageID + recipient); Mailgun event-data.id + ":" + its timestamp (the id alone is
   * only unique within a day); SES feedbackId + ":" + lower-cased recipient, or
   * mail.messageId + ":" + type + ":" + recipient when there is no feedbackId.
   */
  eventKey: string;
  kind: NormalizedEventKind;
  /** The recipient address as the vendor wrote it (trimmed, case kept). */
  recipient: string;
  occurredAt: Date | null;
  /** RFC 3463 enhanced status code, from the vendor's field or the start of the diagnostic text. */
  status: string | null;
  /** The SMTP reply code (Mailgun's delivery-status.code, or the start of the diagnostic text). */
  replyCode: number | null;
  /** The receiving server's words, verbatim: the raw text the classifier reads. */
  diagnosticCode: string | null;
  remoteMta: string | null;
  /** The vendor's own label ("Permanent/General", "blocked", "temporary", "SoftBounce"): kept, never trusted. */
  vendorType: string | null;
  /** The ESP's message id of the original send. */
  messageId: string | null;
  /** Custom args / user-variables / Metadata / SES mail.tags: where campaign and inbox ids travel. */
  metadata: Record<string, string>;
  /** The vendor's fields for this event, verbatim (vendors add fields; keep them all). */
  raw: unknown;
  /**
   * Set (kind OTHER) when the ESP did not send because the recipient is on the ESP's own
   * suppression list or was dropped by it (SES Suppressed / OnAccountSuppressionList,
   * SendGrid dropped, Mailgun suppress-*): not a new bounce, must not count in bounce rates.
   */
  providerSuppressed?: true;
}
