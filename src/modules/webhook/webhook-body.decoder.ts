import { textProblem } from "../../core/input-checks";
import { WebhookPayloadError } from "../../core/webhooks";

// The input wall for webhook bodies, before any vendor-specific reading: the body must be
// JSON (SNS, which carries SES, posts it as text/plain), no deeper than any vendor nests its
// events, and every string in it storable as given. Each failure is a 4xx: a payload that
// can never succeed must not be retried by the ESP forever (which a 5xx would make it do).

/** Deepest nesting of arrays and objects any supported vendor sends (SES: about 6). */
export const MAX_JSON_DEPTH = 32;

export class UnsupportedMediaTypeError extends Error {}

export function checkWebhookContentType(contentType: string | undefined, allowTextPlain: boolean): void {
  const type = String(contentType ?? "")
    .split(";")[0]
    .trim()
    .toLowerCase();
  if (type === "application/json" || /^application\/[\w.+-]+\+json$/.test(type)) return;
  if (allowTextPlain && type === "text/plain") return;
  throw new UnsupportedMediaTypeError(
    `Webhook bodies are JSON (Content-Type: application/json${allowTextPlain ? " or text/plain" : ""}), not "${type || "none"}".`,
  );
}

/**
 * Depth of the JSON text's nesting, measured on the text itself in one pass (strings
 * skipped), so a 100,000-deep body is refused before JSON.parse recurses into it.
 */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (++depth > max) max = depth;
    } else if (c === 125 || c === 93) depth--;
  }
  return max;
}

/** The body as text, refused (WebhookPayloadError, a 400) when too deep or not storable. */
export function decodeWebhookBody(raw: Buffer): Buffer {
  const text = raw.toString("utf8");
  // Invalid UTF-8 bytes decode to U+FFFD; a round trip that changes the bytes means the
  // body was not UTF-8 (JSON must be).
  if (!Buffer.from(text, "utf8").equals(raw))
    throw new WebhookPayloadError("INVALID_JSON", "The body is not valid UTF-8.");
  if (jsonDepth(text) > MAX_JSON_DEPTH)
    throw new WebhookPayloadError("INVALID_JSON", `The JSON is nested more than ${MAX_JSON_DEPTH} levels deep.`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new WebhookPayloadError("INVALID_JSON", `Body is not valid JSON: ${(err as Error).message}`);
  }
  // JSON escapes (\u0000, a lone \ud800) survive parsing: check the decoded strings.
  const walk = (v: unknown, path: string): void => {
    if (typeof v === "string") {
      const problem = textProblem(v);
      if (problem) throw new WebhookPayloadError("INVALID_SHAPE", `${path} ${problem}.`);
    } else if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${path}[${i}]`));
    else if (v !== null && typeof v === "object") {
      for (const [k, x] of Object.entries(v)) {
        const problem = textProblem(k);
        if (problem) throw new WebhookPayloadError("INVALID_SHAPE", `A key in ${path} ${problem}.`);
        walk(x, `${path}.${k}`);
      }
    }
  };
  walk(parsed, "body");
  return raw;
}
