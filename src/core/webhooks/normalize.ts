// Vendor payload -> NormalizedEvent[]. One file per vendor; this is the entry point.
//
// Error contract: every normaliser THROWS WebhookPayloadError (code INVALID_JSON or
// INVALID_SHAPE, message naming the bad field path) for a payload that is not the
// vendor's documented shape, and never anything else for any JSON input. Call them only
// after the vendor's authenticity check passed.
export type { EspProvider, NormalizedEvent, NormalizedEventKind } from "./normalized-event";
export { WebhookPayloadError, parseJsonBody } from "./errors";
export { normalizeSes, type SesNormalized } from "./normalize-ses";
export { normalizeSendgrid } from "./normalize-sendgrid";
export { normalizeMailgun } from "./normalize-mailgun";
export { normalizePostmark, parsePostmarkBody } from "./normalize-postmark";
