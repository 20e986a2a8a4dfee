// Typed failures of the webhook core. Normalisers THROW WebhookPayloadError (their return
// types stay the plain arrays the shell iterates); verifiers RETURN a typed result instead,
// because a failed check is an expected answer, not an exception.
//
// The shell maps them to HTTP:
//   WebhookPayloadError  -> 400 (the vendor sent something we cannot read; nothing stored)
//   WebhookConfigError   -> 500 (our configuration is wrong, e.g. an unparsable public key;
//                                 the vendor should retry once it is fixed)

export type WebhookPayloadErrorCode =
  /** The body is not JSON at all. */
  | "INVALID_JSON"
  /** JSON, but not the vendor's documented shape (missing or mistyped field). */
  | "INVALID_SHAPE";

export class WebhookPayloadError extends Error {
  readonly code: WebhookPayloadErrorCode;
  constructor(code: WebhookPayloadErrorCode, message: string) {
    super(message);
    this.name = "WebhookPayloadError";
    this.code = code;
  }
}

export class WebhookConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WebhookConfigError";
  }
}

/** JSON.parse that fails with a WebhookPayloadError instead of a SyntaxError. */
export function parseJsonBody(raw: string | Uint8Array): unknown {
  const text = typeof raw === "string" ? raw : Buffer.from(raw).toString("utf8");
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new WebhookPayloadError("INVALID_JSON", `Body is not valid JSON: ${(err as Error).message}`);
  }
}
