// Meaning-preserving rewrites of a raw message, as mail systems do them in transit or when
// a person forwards a bounce: the metamorphic robustness test requires the classifier to
// say the same thing about every rewritten copy. Each transform follows the RFC that
// allows the rewrite (5322 folding and case-insensitive field names, 2045 transfer
// encodings, 3464 field order and comments, 2046 message/rfc822) or the documented
// behaviour of an MTA (Sendmail's `!` line breaks). They work on text (one char per byte).

export type Transform = (raw: string) => string;

const nl = (s: string) => (s.includes("\r\n") ? "\r\n" : "\n");

/** Splits at the first blank line; a message without one is all header. */
function splitEntity(s: string): { head: string; body: string; eol: string } {
  const eol = nl(s);
  // A part that opens with its blank line has no header fields (RFC 2046 5.1.1).
  if (s.startsWith(eol)) return { head: "", body: s.slice(eol.length), eol };
  const i = s.indexOf(eol + eol);
  if (i === -1) return { head: s, body: "", eol };
  return { head: s.slice(0, i), body: s.slice(i + eol.length * 2), eol };
}

/** Header lines → fields, each with its folded continuation lines. */
function fields(head: string, eol: string): string[] {
  const out: string[] = [];
  if (head === "") return out;
  for (const line of head.split(eol)) {
    if (/^[ \t]/.test(line) && out.length) out[out.length - 1] += eol + line;
    else out.push(line);
  }
  return out;
}

function headerValue(head: string, eol: string, name: string): string | null {
  for (const f of fields(head, eol)) {
    const m = /^([^:\s]+)\s*:(.*)$/s.exec(f);
    if (m && m[1].toLowerCase() === name) return m[2].replace(/\r?\n[ \t]+/g, " ").trim();
  }
  return null;
}

function boundaryOf(contentType: string | null): string | null {
  if (!contentType || !/^\s*multipart\//i.test(contentType)) return null;
  const m = /boundary\s*=\s*(?:"([^"]+)"|([^\s;]+))/i.exec(contentType);
  return m ? (m[1] ?? m[2]) : null;
}

/**
 * Rewrites each entity of a message (depth-first), keeping multipart structure: `fn` gets an
 * entity's header and body (already rewritten children inside) and returns both.
 */
export function mapEntities(
  raw: string,
  fn: (head: string, body: string, eol: string, depth: number) => { head: string; body: string },
  depth = 0,
): string {
  const { head, body, eol } = splitEntity(raw);
  const boundary = boundaryOf(headerValue(head, eol, "content-type"));
  let newBody = body;
  if (boundary && depth < 8) {
    const delim = "--" + boundary;
    const lines = body.split(eol);
    const chunks: string[][] = [[]];
    const seps: string[] = [];
    for (const line of lines) {
      if (
        line === delim ||
        line.startsWith(delim + "--") ||
        (line.startsWith(delim) && /^\s*$/.test(line.slice(delim.length)))
      ) {
        seps.push(line);
        chunks.push([]);
      } else chunks[chunks.length - 1].push(line);
    }
    const closeAt = seps.findIndex((s) => s.startsWith(delim + "--"));
    const rebuilt: string[] = [chunks[0].join(eol)];
    for (let k = 0; k < seps.length; k++) {
      const inner = chunks[k + 1].join(eol);
      const isPart = closeAt === -1 || k < closeAt;
      rebuilt.push(seps[k] + eol + (isPart ? mapEntities(inner, fn, depth + 1) : inner));
    }
    newBody = rebuilt.join(eol);
  } else if (/^\s*message\/rfc822/i.test(headerValue(head, eol, "content-type") ?? "") && depth < 8) {
    newBody = mapEntities(body, fn, depth + 1);
  }
  const r = fn(head, newBody, eol, depth);
  if (r.head === "") return eol + r.body;
  return r.body === "" && !raw.includes(eol + eol) ? r.head : r.head + eol + eol + r.body;
}

/** Breaks text lines longer than `width` before a space (RFC 5322 folding white space). */
export function rewrap(width: number): Transform {
  return (raw) => {
    const eol = nl(raw);
    const out: string[] = [];
    raw.split(eol).forEach((line, i) => {
      if (i === 0 && line.startsWith("From ")) return void out.push(line);
      let rest = line;
      while (rest.length > width) {
        const cut = rest.lastIndexOf(" ", width);
        if (cut <= 0 || /^\s*$/.test(rest.slice(0, cut))) break;
        out.push(rest.slice(0, cut));
        rest = rest.slice(cut);
      }
      out.push(rest);
    });
    return out.join(eol);
  };
}

/** Every header field unfolded and folded again after its name and at its semicolons. */
export const refoldHeaders: Transform = (raw) =>
  mapEntities(raw, (head, body, eol) => ({
    head: fields(head, eol)
      .map((f) => {
        const m = /^([A-Za-z0-9-]+):[ \t]*([\s\S]*)$/.exec(f);
        if (!m || /^(?:from |>)/i.test(f)) return f;
        const value = m[2].replace(/\r?\n([ \t])/g, "$1");
        return `${m[1]}:${eol} ${value.replace(/;[ \t]+/g, `;${eol}\t`)}`;
      })
      .join(eol),
    body,
  }));

/** Header field names (of the message, its parts and the DSN fields) in another case. */
export function renameCase(to: (name: string) => string): Transform {
  const rename = (block: string, eol: string) =>
    block
      .split(eol)
      .map((line) =>
        line.replace(/^([A-Za-z][A-Za-z0-9-]*)(\s*:)/, (_m, name: string, colon: string) => to(name) + colon),
      )
      .join(eol);
  return (raw) =>
    mapEntities(raw, (head, body, eol) => {
      const type = headerValue(head, eol, "content-type") ?? "";
      const isFields =
        /^\s*(?:message\/(?:delivery-status|global-delivery-status|feedback-report)|text\/rfc822-headers)/i.test(type);
      const mbox = head.startsWith("From ") ? head.slice(0, head.indexOf(eol) + eol.length) : "";
      return { head: mbox + rename(head.slice(mbox.length), eol), body: isFields ? rename(body, eol) : body };
    });
}

export const crlfSwap: Transform = (raw) =>
  raw.includes("\r\n") ? raw.replace(/\r\n/g, "\n") : raw.replace(/\n/g, "\r\n");

function setHeader(head: string, eol: string, name: string, value: string | null): string {
  const kept = fields(head, eol).filter((f) => !new RegExp(`^${name}\\s*:`, "i").test(f));
  if (value !== null) kept.push(`${name}: ${value}`);
  return kept.join(eol);
}

/** Transfer-decodes a body to bytes (binary string). */
function decodeBody(head: string, body: string, eol: string): string {
  const cte = (headerValue(head, eol, "content-transfer-encoding") ?? "").toLowerCase();
  if (cte === "base64") return Buffer.from(body.replace(/[^A-Za-z0-9+/=]/g, ""), "base64").toString("latin1");
  if (cte === "quoted-printable")
    return body
      .replace(/=\r?\n/g, "")
      .replace(/=([0-9A-Fa-f]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
  return body;
}

function encodeBase64(bin: string, eol: string): string {
  return (
    Buffer.from(bin, "latin1")
      .toString("base64")
      .match(/.{1,76}/g) ?? []
  ).join(eol);
}

/** RFC 2045 quoted-printable: `=XX` for "=", 8-bit and trailing blanks, soft breaks at 76. */
function encodeQuotedPrintable(bin: string, eol: string): string {
  return bin
    .split(/\r?\n/)
    .map((line) => {
      let enc = line.replace(/[=\x80-\xff]/g, (c) => "=" + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0"));
      enc = enc.replace(/[ \t]$/, (c) => "=" + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0"));
      const parts: string[] = [];
      while (enc.length > 75) {
        let cut = 75;
        // never cut inside an "=XX" escape
        const esc = enc.lastIndexOf("=", cut);
        if (esc > cut - 3) cut = esc;
        parts.push(enc.slice(0, cut) + "=");
        enc = enc.slice(cut);
      }
      parts.push(enc);
      return parts.join(eol);
    })
    .join(eol);
}

const REPORT_TYPES = /^\s*(?:message\/(?:delivery-status|global-delivery-status|feedback-report))/i;

/**
 * Re-encodes "the report part": the delivery-status (or feedback-report) part when there is
 * one, else the first text part (a plain notice is the report). Parts already encoded are
 * decoded first.
 */
export function reencodeReport(encoding: "base64" | "quoted-printable"): Transform {
  return (raw) => {
    const hasReport = (() => {
      let found = false;
      mapEntities(raw, (head, body, eol) => {
        if (REPORT_TYPES.test(headerValue(head, eol, "content-type") ?? "")) found = true;
        return { head, body };
      });
      return found;
    })();
    let done = false;
    return mapEntities(raw, (head, body, eol) => {
      if (done) return { head, body };
      const type = headerValue(head, eol, "content-type") ?? "text/plain";
      const target = hasReport
        ? REPORT_TYPES.test(type)
        : /^\s*text\/plain/i.test(type) || (!/^\s*\w+\//.test(type) && !/multipart|message\//i.test(type));
      if (!target || /^\s*multipart\//i.test(type)) return { head, body };
      done = true;
      const bin = decodeBody(head, body, eol);
      const enc = encoding === "base64" ? encodeBase64(bin, eol) : encodeQuotedPrintable(bin, eol);
      return { head: setHeader(head, eol, "Content-Transfer-Encoding", encoding), body: enc + eol };
    });
  };
}

/** Rewrites the delivery-status part's field groups. */
function mapDsnGroups(fn: (group: string[], eol: string) => string[]): Transform {
  return (raw) =>
    mapEntities(raw, (head, body, eol) => {
      if (!/^\s*message\/(?:global-)?delivery-status/i.test(headerValue(head, eol, "content-type") ?? ""))
        return { head, body };
      const cte = (headerValue(head, eol, "content-transfer-encoding") ?? "").toLowerCase();
      if (cte === "base64" || cte === "quoted-printable") return { head, body };
      const groups = body.split(new RegExp(`(?:${eol})[ \\t]*(?:${eol})`));
      return {
        head,
        body: groups
          .map((g) => {
            const fs = fields(g, eol);
            if (!fs.length || !fs.every((f) => /^[A-Za-z][A-Za-z0-9-]*\s*:/.test(f))) return g;
            return fn(fs, eol).join(eol);
          })
          .join(eol + eol),
      };
    });
}

/** RFC 3464 §2.1.2 allows comments in field values: `Status: 5.1.1 (comment)`. */
export const statusComment: Transform = mapDsnGroups((fs) =>
  fs.map((f) => f.replace(/^(status\s*:\s*[245]\.\d{1,3}\.\d{1,3})([ \t]*)$/im, "$1 (delivery status per RFC 3463)")),
);

/** Fields in reverse order inside each group (RFC 3464 fixes no order). */
export const reorderDsnFields: Transform = mapDsnGroups((fs) => [...fs].reverse());

/** The whole bounce forwarded as a message/rfc822 attachment (RFC 2046 §5.2.1). */
export const forwardAsAttachment: Transform = (raw) => {
  const eol = nl(raw);
  let inner = raw;
  if (inner.startsWith("From ")) inner = inner.slice(inner.indexOf(eol) + eol.length);
  const { head } = splitEntity(inner);
  const subject = headerValue(head, eol, "subject") ?? "";
  const b = "fwd-boundary-8f3a";
  return [
    "From: Helpdesk Person <helpdesk@forwarder.example>",
    "To: Postmaster Team <team@forwarder.example>",
    `Subject: Fwd: ${subject}`,
    "Date: Mon, 7 Dec 2026 05:00:00 +0000",
    "Message-ID: <forward-1@forwarder.example>",
    "MIME-Version: 1.0",
    `Content-Type: multipart/mixed; boundary="${b}"`,
    "",
    `--${b}`,
    "Content-Type: text/plain; charset=us-ascii",
    "",
    "Forwarding this bounce for a look, see the attachment.",
    "",
    `--${b}`,
    "Content-Type: message/rfc822",
    "Content-Disposition: attachment; filename=bounce.eml",
    "",
    inner,
    `--${b}--`,
    "",
  ].join(eol);
};

/**
 * Sendmail breaks lines longer than its limit with a "!" at the end of each piece
 * (sendmail(8) `L=` mailer line length, `putxline`): applied to the JSON of an SES or SNS
 * notification that a mail hop carried.
 */
export function foldJsonWithBang(width = 76): Transform {
  return (raw) => {
    if (!/"(?:notificationType|eventType)"/.test(raw)) return raw;
    return mapEntities(raw, (head, body, eol) => {
      if (!/"(?:notificationType|eventType)"/.test(body)) return { head, body };
      const out: string[] = [];
      for (const line of body.split(eol)) {
        let rest = line;
        while (rest.length > width) {
          out.push(rest.slice(0, width - 1) + "!");
          rest = rest.slice(width - 1);
        }
        out.push(rest);
      }
      return { head, body: out.join(eol) };
    });
  };
}

export const TRANSFORMS: Record<string, Transform> = {
  "re-wrapped at 76": rewrap(76),
  "re-wrapped at 998": rewrap(998),
  "headers re-folded": refoldHeaders,
  "header names upper-cased": renameCase((n) => n.toUpperCase()),
  "header names lower-cased": renameCase((n) => n.toLowerCase()),
  "CRLF <-> LF": crlfSwap,
  "report part base64": reencodeReport("base64"),
  "report part quoted-printable": reencodeReport("quoted-printable"),
  "(comment) after Status": statusComment,
  "DSN fields reordered": reorderDsnFields,
  "forwarded as message/rfc822": forwardAsAttachment,
  "SES JSON folded with !": foldJsonWithBang(76),
};
