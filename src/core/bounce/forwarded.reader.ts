// A bounce that reaches us inside another message: a person (or a help desk) forwarded it,
// as a message/rfc822 attachment (RFC 2046 §5.2.1) or inline after a forwarding header
// block ("---------- Forwarded message ---------", "Begin forwarded message:").
//
// The hard part is telling a forward from an ordinary bounce, since a bounce also carries
// a message/rfc822 part: the returned original. The test is by role: the wrapper is not
// itself a report (no multipart/report, not written by a mailer daemon, no
// X-Failed-Recipients) and the enclosed message is one (a report, a daemon's notice, an
// auto-reply, a notification). A returned original is the sender's own mail: it is none of
// those, so a real bounce is never unwrapped.
import { isAutoReply } from "./autoreply";
import {
  decodeEncodedWords,
  decodedBody,
  header,
  parseContentType,
  parseHeaders,
  splitHeaderBody,
  walk,
  type Headers,
  type MimePart,
} from "./mime";

const DAEMON =
  /mailer-daemon|mail-daemon|postmaster|mail delivery (?:system|subsystem)|mail administrator|\bMAILER_DAEMON\b/i;
const REPORT_SUBJECT =
  /undeliver|undelivered|returned mail|returned to sender|delivery (?:status|failure|failed|notification|problem|report|has failed)|failure notice|could not be delivered|non[- ]?delivery|nondeliverable|mail system error|rejected|warning: could not send|delayed mail|message not delivered|complaint about message|abuse report/i;
/** A list manager's administrative answer (fml, ezmlm, Mailman owners): a report too. */
const LIST_ADMIN = /(?:^|[<\s])(?:owner-[^@\s]+|[^@\s<]+-(?:admin|owner|request|bounces?))@/i;
const FORWARD_SUBJECT = /^\s*(?:fwd?|fw|wg|tr|rv|i|vs|doorst|enc)\s*:/i;

/** Is a header block (of the wrapper) one of a report, i.e. not a person's forward? */
function isReportWrapper(h: Headers, type: string): boolean {
  if (type === "multipart/report") return true;
  if (h.has("x-failed-recipients")) return true;
  if (DAEMON.test(header(h, "from") ?? "")) return true;
  const subject = header(h, "subject") ?? "";
  return REPORT_SUBJECT.test(subject) && !FORWARD_SUBJECT.test(subject);
}

/** Does an enclosed message's header say it is a report or an automatic answer? */
function isReportInside(h: Headers, body: string): boolean {
  const { type, params } = parseContentType(header(h, "content-type"));
  if (type === "multipart/report") return true;
  // (RFC 3834: "Auto-Submitted: no" says a person wrote it.)
  const autoSubmitted = (header(h, "auto-submitted") ?? "no").trim().toLowerCase();
  if (h.has("x-failed-recipients") || !autoSubmitted.startsWith("no") || h.has("x-autoreply") || h.has("x-autorespond"))
    return true;
  if (DAEMON.test(header(h, "from") ?? "")) return true;
  if (REPORT_SUBJECT.test(header(h, "subject") ?? "")) return true;
  if (/auto[-_ ]?reply|autoresponder/i.test(header(h, "precedence") ?? "")) return true;
  if (isAutoReply(h, decodeEncodedWords(header(h, "subject") ?? ""))) return true;
  if (h.has("x-mlserver") || LIST_ADMIN.test(header(h, "from") ?? "")) return true;
  const start = body.length > 16 * 1024 ? body.slice(0, 16 * 1024) : body;
  if (
    /-recipient|reporting-mta/i.test(start) &&
    /^\s*(?:Final-Recipient|Original-Recipient|Reporting-MTA)\s*:/im.test(start)
  )
    return true;
  if (/type"/i.test(start) && /"(?:notificationType|eventType)"\s*:/.test(start)) return true;
  return params["report-type"] !== undefined;
}

/**
 * The enclosed bounce of a forward, as a raw message (binary string), or null when `root`
 * is not a forward of one. `wrapperMayBeReport`: the caller found no recipient in the
 * wrapper itself, so a report enclosing a report is unwrapped too.
 */
export function forwardedBounce(root: MimePart, notice: string, wrapperMayBeReport = false): string | null {
  if (!wrapperMayBeReport && isReportWrapper(root.headers, root.type)) return null;
  let found: string | null = null;
  walk(root, (p) => {
    if (found !== null || p.children) return;
    if (p.type !== "message/rfc822" && p.type !== "message/global") return;
    // Judged on its first 64 KB (headers and the start of the body); decoded whole only
    // when it is a report.
    const start = decodedBody(p, 16 * 1024).replace(/^\s+/, "");
    const [head, rest] = splitHeaderBody(start);
    if (isReportInside(parseHeaders(head, ORIGINAL_TRACE), rest))
      found = decodedBody(p, 2 * 1024 * 1024).replace(/^\s+/, "");
  });
  return found ?? inlineForward(notice);
}

/** Long trace and signature fields that no test here reads: not assembled. */
const ORIGINAL_TRACE: ReadonlySet<string> = new Set([
  "received",
  "dkim-signature",
  "arc-seal",
  "arc-message-signature",
  "arc-authentication-results",
  "x-google-dkim-signature",
]);

/** Words every forwarding separator below holds: a cheap test before the line-anchored one. */
const INLINE_HINT = /orward|riginal Message|eitergeleitete|transf[ée]r|reenviado|inoltrato/;

/** "Forwarded message" separators of mail clients, followed by the forwarded header block. */
const INLINE_MARKER =
  /^[ \t>]*(?:-{3,}\s*(?:Forwarded message|Original Message|Weitergeleitete Nachricht|Message transféré|Mensaje reenviado|Messaggio inoltrato)\s*-{3,}|Begin forwarded message:|-{5,}\s*Forwarded by [^\n]*-{3,})[ \t]*$/im;

/** The bounce pasted into a person's forward: its quoted header block becomes the header. */
function inlineForward(notice: string): string | null {
  const text = notice.length > 256 * 1024 ? notice.slice(0, 256 * 1024) : notice;
  if (!INLINE_HINT.test(text)) return null;
  const m = INLINE_MARKER.exec(text);
  if (!m) return null;
  const rest = notice.slice(m.index + m[0].length).replace(/^\s*\n/, "");
  // The forwarded header block: "Name: value" lines (some clients bold or indent them).
  const lines = rest.split("\n");
  let k = 0;
  while (k < lines.length && k < 40 && /^[ \t>]*[A-Za-z][A-Za-z -]{0,30}:\s/.test(lines[k])) k++;
  if (k < 2) return null;
  const head = lines
    .slice(0, k)
    .map((l) => l.replace(/^[ \t>]+/, ""))
    .join("\n");
  const h = parseHeaders(head);
  const body = lines
    .slice(k)
    .join("\n")
    .replace(/^\s*\n/, "");
  if (!isReportInside(h, body)) return null;
  return `${head}\n\n${body}`;
}
