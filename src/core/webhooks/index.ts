// The pure core of the ESP webhook channel: authenticity checks and payload
// normalisation. The HTTP shell reads the raw body, verifies, normalises and hands the
// events to the ingest service. No network, no clock: `now` and the certificate fetcher
// are arguments.
export * from "./auth-result";
export * from "./errors";
export * from "./normalize";
export * from "./sns-signature";
export * from "./sendgrid-signature";
export * from "./mailgun-signature";
export * from "./postmark-auth";
