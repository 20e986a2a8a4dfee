// A lazy MIME reader. A bounce diagnosis needs a handful of headers and two or three parts
// (the human-readable notice, the delivery-status or feedback-report part, the returned
// headers), so parts are located by scanning for boundaries and decoded only when asked.
//
// Everything works on a "binary string": one char per byte (latin1), which keeps byte
// offsets exact and lets charset decoding happen per part, on demand.

export type Headers = Map<string, string[]>;

export interface MimePart {
  headers: Headers;
  /** lower-case media type, e.g. "text/plain"; "text/plain" when absent */
  type: string;
  params: Record<string, string>;
  /** raw (still transfer-encoded) body, binary string */
  rawBody: string;
  depth: number;
  children: MimePart[] | null;
}

/** Limits that keep hostile input cheap: deeper or wider structures are read as opaque. */
export const MIME_LIMITS = {
  maxDepth: 24,
  maxParts: 400,
  /** bytes of a text part that are decoded and searched */
  maxTextBytes: 256 * 1024,
  /** header block size read from a message */
  maxHeaderBytes: 128 * 1024,
};

/** Bytes (or an already decoded string) to the binary string the parser works on. */
export function toBinaryString(raw: string | Uint8Array): string {
  if (typeof raw !== "string") return Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString("latin1");
  // A JS string with characters above U+00FF came from an already decoded text (GraphQL,
  // a test): re-encode it as UTF-8 so that it goes through the same byte-level path.
  // eslint-disable-next-line no-control-regex
  if (/[^\u0000-\u00ff]/.test(raw)) return Buffer.from(raw, "utf8").toString("latin1");
  return raw;
}

/**
 * A message that reached us as decoded text (a GraphQL or JSON string) as the binary string
 * the parser reads: its UTF-8 bytes. Its original bytes are gone, and UTF-8 is how JSON
 * carried them; reading "é" (U+00E9) as the byte 0xE9 instead, as toBinaryString must for
 * a binary string, would turn every accented word of a UTF-8 part into U+FFFD.
 */
export function textToBinaryString(text: string): string {
  // eslint-disable-next-line no-control-regex
  return /[^\u0000-\u007f]/.test(text) ? Buffer.from(text, "utf8").toString("latin1") : text;
}

/** Splits a header block from its body; tolerant of CRLF, LF and a missing body. */
export function splitHeaderBody(s: string): [string, string] {
  // A part that opens with its blank line has no header fields (RFC 2046 5.1.1: it is then
  // plain US-ASCII text); its first paragraph is body, not headers.
  if (s.charCodeAt(0) === 10) return ["", s.slice(1)];
  if (s.startsWith("\r\n")) return ["", s.slice(2)];
  const i = s.indexOf("\n\n");
  // A CRLF blank line can only come first if it starts before the LF one: search that far.
  const j = i === -1 ? s.indexOf("\r\n\r\n") : i === 0 ? -1 : s.slice(0, i + 3).indexOf("\r\n\r\n");
  if (j !== -1 && (i === -1 || j < i)) return [s.slice(0, j), s.slice(j + 4)];
  if (i === -1) {
    // No blank line: if it still looks like headers only, it is all headers.
    return [s, ""];
  }
  return [s.slice(0, i), s.slice(i + 2)];
}

/** How many characters of blank lines open `s`. */
function leadingBlankLines(s: string): number {
  let end = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 10) end = i + 1;
    else if (c !== 13 && c !== 32 && c !== 9) break;
  }
  return end;
}

const SKIPPED = "\u0000skipped";

/**
 * Field names as written → lower-cased, remembered: the same few dozen names come in every
 * message, and a remembered name is one string (its hash computed once) instead of a new one.
 */
const FIELD_NAMES = new Map<string, string>();
function fieldName(raw: string): string {
  let name = FIELD_NAMES.get(raw);
  if (name === undefined) {
    name = raw.trim().toLowerCase();
    // Kept as a copy: a slice would keep the whole message it was cut from alive.
    if (FIELD_NAMES.size < 4096 && raw.length <= 64)
      FIELD_NAMES.set(Buffer.from(raw, "latin1").toString("latin1"), Buffer.from(name, "utf8").toString("utf8"));
  }
  return name;
}

/** Parses a header block (folded lines joined); names lower-cased, values raw; `skip`: names left out. */
export function parseHeaders(block: string, skip?: ReadonlySet<string>): Headers {
  const out: Headers = new Map();
  if (block.length > MIME_LIMITS.maxHeaderBytes) block = block.slice(0, MIME_LIMITS.maxHeaderBytes);
  // (No closure here: this runs for every header block of every message.)
  let name = "";
  let value = "";
  const n = block.length;
  for (let pos = 0; pos <= n;) {
    let end = pos === n ? n : block.indexOf("\n", pos);
    if (end === -1) end = n;
    const next = end + 1;
    if (end > pos && block.charCodeAt(end - 1) === 13) end--;
    if (end === pos) {
      if (pos === n) break;
      pos = next;
      continue;
    }
    const c = block.charCodeAt(pos);
    if ((c === 32 || c === 9) && name) {
      if (name !== SKIPPED) value += " " + block.slice(pos, end).trim();
      pos = next;
      continue;
    }
    const colon = block.indexOf(":", pos);
    if (colon <= pos || colon > pos + 76 || colon > end) {
      // Not a header line (mbox "From " line, garbage): skip it, keep the current field.
      pos = next;
      continue;
    }
    if (name && name !== SKIPPED) {
      const list = out.get(name);
      if (list) list.push(value.trim());
      else out.set(name, [value.trim()]);
    }
    name = fieldName(block.slice(pos, colon));
    // Fields the caller does not want (long Received chains...) are not assembled at all.
    if (skip?.has(name)) name = SKIPPED;
    else value = block.slice(colon + 1, end);
    pos = next;
  }
  if (name && name !== SKIPPED) {
    const list = out.get(name);
    if (list) list.push(value.trim());
    else out.set(name, [value.trim()]);
  }
  return out;
}

export function header(h: Headers, name: string): string | null {
  const v = h.get(name);
  return v && v.length ? v[0] : null;
}

/** Parses `type/subtype; a=b; c="d"` (RFC 2045, with RFC 2231 continuations joined). */
export function parseContentType(value: string | null): { type: string; params: Record<string, string> } {
  if (!value) return { type: "text/plain", params: {} };
  const semi = value.indexOf(";");
  const type = (semi === -1 ? value : value.slice(0, semi)).trim().toLowerCase() || "text/plain";
  const params: Record<string, string> = {};
  if (semi !== -1) {
    const re = /;\s*([^\s=;]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*))/g;
    const rest = value.slice(semi);
    let m: RegExpExecArray | null;
    while ((m = re.exec(rest))) {
      let key = m[1].toLowerCase();
      // (The escapes and RFC 2231 continuations are rare: looked for only where a "\\" or "*" is.)
      const quoted = m[2];
      const val =
        quoted !== undefined
          ? quoted.indexOf("\\") === -1
            ? quoted
            : quoted.replace(/\\(.)/g, "$1")
          : (m[3] ?? "").trim();
      const cont = key.indexOf("*") === -1 ? null : /^(.*?)\*\d+\*?$/.exec(key);
      if (cont) key = cont[1];
      params[key] = (params[key] ?? "") + val;
    }
  }
  return { type: type.includes("/") ? type : "text/plain", params };
}

/** Signature blobs (long, folded base64): no diagnosis reads them, so they are not assembled. */
const SIGNATURE_FIELDS: ReadonlySet<string> = new Set([
  "dkim-signature",
  "x-google-dkim-signature",
  "domainkey-signature",
  "arc-seal",
  "arc-message-signature",
]);

/** Parses one entity (headers + body) and, for multiparts, its children, within limits. */
export function parseEntity(s: string, depth = 0, budget = { parts: 0 }): MimePart {
  // A message always has header fields: blank lines before them (a file saved with a leading
  // newline) are skipped. Only a body part may open with its blank line and have none.
  const [hb, body] = splitHeaderBody(depth === 0 ? s.slice(leadingBlankLines(s)) : s);
  const headers = parseHeaders(hb, SIGNATURE_FIELDS);
  const { type, params } = parseContentType(header(headers, "content-type"));
  const part: MimePart = { headers, type, params, rawBody: body, depth, children: null };
  budget.parts++;
  if (
    type.startsWith("multipart/") &&
    params.boundary &&
    depth < MIME_LIMITS.maxDepth &&
    budget.parts < MIME_LIMITS.maxParts
  ) {
    part.children = splitMultipart(body, params.boundary).map((p) => {
      if (budget.parts >= MIME_LIMITS.maxParts)
        return {
          headers: new Map(),
          type: "application/octet-stream",
          params: {},
          rawBody: "",
          depth: depth + 1,
          children: null,
        };
      return parseEntity(p, depth + 1, budget);
    });
  }
  return part;
}

/** The bodies between `--boundary` lines; a truncated multipart yields what is there. */
export function splitMultipart(body: string, boundary: string): string[] {
  const delim = "--" + boundary;
  const parts: string[] = [];
  const nlDelim = "\n" + delim;
  let pos = body.startsWith(delim) ? 0 : body.indexOf(nlDelim);
  if (pos === -1) return parts;
  if (pos > 0 || !body.startsWith(delim)) pos += 1;
  for (let guard = 0; guard < MIME_LIMITS.maxParts; guard++) {
    // pos is at the start of a delimiter line
    const after = pos + delim.length;
    if (body.startsWith("--", after)) break; // close delimiter
    const lineEnd = body.indexOf("\n", after);
    if (lineEnd === -1) break;
    const next = body.indexOf(nlDelim, lineEnd);
    const end = next === -1 ? body.length : next;
    let chunk = body.slice(lineEnd + 1, end);
    if (chunk.endsWith("\r")) chunk = chunk.slice(0, -1);
    parts.push(chunk);
    if (next === -1) break;
    pos = next + 1;
  }
  return parts;
}

/** Transfer-decoded body bytes of a part, as a binary string. */
export function decodedBody(part: MimePart, limit = MIME_LIMITS.maxTextBytes): string {
  const cte = (header(part.headers, "content-transfer-encoding") ?? "").trim().toLowerCase();
  let body = part.rawBody;
  if (cte === "base64") {
    // base64 expands 4:3, so read a proportional slice of the encoded text.
    if (body.length > limit * 2) body = body.slice(0, limit * 2);
    return Buffer.from(body.replace(/[^A-Za-z0-9+/=]/g, ""), "base64").toString("latin1");
  }
  if (body.length > limit) body = body.slice(0, limit);
  if (cte === "quoted-printable") return decodeQuotedPrintable(body);
  return body;
}

const HEX = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i++) {
  HEX[48 + i] = i < 10 ? i : -1;
  if (i >= 10) HEX[87 + i] = HEX[55 + i] = i; // a-f, A-F
}
for (let i = 0; i < 10; i++) HEX[48 + i] = i;
const hexAt = (s: string, i: number) => {
  const c = s.charCodeAt(i);
  return c < 128 ? HEX[c] : -1;
};

/** Quoted-printable to bytes (binary string): `=XX` escapes and `=` soft line breaks. */
export function decodeQuotedPrintable(s: string): string {
  let i = s.indexOf("=");
  if (i === -1) return s;
  let out = "";
  let from = 0;
  while (i !== -1) {
    out += s.slice(from, i);
    const h = hexAt(s, i + 1);
    const l = h === -1 ? -1 : hexAt(s, i + 2);
    if (l !== -1) {
      out += String.fromCharCode(h * 16 + l);
      from = i + 3;
    } else if (s.charCodeAt(i + 1) === 10) from = i + 2;
    else if (s.charCodeAt(i + 1) === 13 && s.charCodeAt(i + 2) === 10) from = i + 3;
    else {
      out += "=";
      from = i + 1;
    }
    i = s.indexOf("=", from);
  }
  return out + s.slice(from);
}

type Decoder = InstanceType<typeof TextDecoder>;
const decoders = new Map<string, Decoder | null>();
function decoderFor(charset: string): Decoder | null {
  let d = decoders.get(charset);
  if (d === undefined) {
    try {
      d = new TextDecoder(charset, { fatal: false });
    } catch {
      d = null;
    }
    decoders.set(charset, d);
  }
  return d;
}

/**
 * Binary string to text in the given charset. Unknown or missing charsets are read as
 * UTF-8 when the bytes are valid UTF-8, else as latin1, so that nothing ever throws.
 */
export function decodeCharset(bin: string, charset: string | undefined | null): string {
  // Pure ASCII needs no work whatever the label says, except 7-bit ISO-2022 (escape-coded).

  const hasHigh = /[\x80-\xff]/.test(bin);
  // 7-bit text without an escape (ISO-2022) reads the same in every charset.
  if (!hasHigh && bin.indexOf("\x1b") === -1) return bin;
  let cs = (charset ?? "").trim().toLowerCase().replace(/^"|"$/g, "");
  // Unlabelled (or mislabelled us-ascii) Japanese mail: the ISO-2022-JP escape says it all.
  if ((!cs || cs === "us-ascii") && bin.includes("\x1b$B")) cs = "iso-2022-jp";
  if (!hasHigh && !(cs.startsWith("iso-2022") && bin.includes("\x1b"))) return bin;
  const bytes = Buffer.from(bin, "latin1");
  const d = cs ? decoderFor(cs === "utf8" ? "utf-8" : cs) : null;
  if (d) {
    try {
      return d.decode(bytes);
    } catch {
      /* fall through */
    }
  }
  const text = bytes.toString("utf8");
  return text.includes("\ufffd") ? bin : text;
}

/** Decoded text of a part, bounded in size. */
export function partText(part: MimePart, limit = MIME_LIMITS.maxTextBytes): string {
  return decodeCharset(decodedBody(part, limit), part.params.charset);
}

/** Decodes RFC 2047 encoded words (`=?utf-8?B?...?=`) in a header value. */
export function decodeEncodedWords(value: string): string {
  if (value.indexOf("=?") === -1) return decodeCharset(value, "utf-8");
  return value
    .replace(/(\?=)\s+(=\?)/g, "$1$2")
    .replace(/=\?([^?\s]+)\?([BbQq])\?([^?]*)\?=/g, (_m, cs: string, enc: string, text: string) => {
      const charset = cs.split("*")[0];
      const bin =
        enc.toUpperCase() === "B"
          ? Buffer.from(text, "base64").toString("latin1")
          : text
              .replace(/_/g, " ")
              .replace(/=([0-9A-Fa-f]{2})/g, (_x, h: string) => String.fromCharCode(parseInt(h, 16)));
      return decodeCharset(bin, charset);
    });
}

/** Depth-first walk over the parts, without descending into message/rfc822 bodies. */
export function walk(part: MimePart, visit: (p: MimePart) => void): void {
  const stack: MimePart[] = [part];
  let n = 0;
  while (stack.length && n++ < MIME_LIMITS.maxParts * 2) {
    const p = stack.shift() as MimePart;
    visit(p);
    if (p.children) stack.unshift(...p.children);
  }
}
