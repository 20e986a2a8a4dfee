// Reading the human-readable part of a bounce (Postfix, Exim, qmail, Sendmail, Exchange,
// Domino, Gmail, Yahoo... notices): which recipients failed, and the server's words for each.
// The layout varies by MTA but follows a few shapes: the address on its own line (or
// `<address>:`) followed by the reply, or the reply quoting the address.

export interface NoticeRecipient {
  address: string;
  /** the block of the notice about this recipient (raw lines) */
  block: string;
  /** the server's words picked out of the block, for display */
  diagnostic: string;
}

const ADDR = /[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+/g;

/** Markers after which a notice quotes the returned message. */
const RETURNED_MESSAGE = new RegExp(
  [
    String.raw`^\s*-{2,}\s*(?:Below this line is a copy of the message|This is a copy of the message|Original message|Unsent message follows|Returned message|Message header follows|The header of the original message is following|Original Message Headers?)`,
    String.raw`^\s*-+\s*(?:original message follows|original message|the original message)\b`,
    String.raw`^\s*(?:Original message follows|Original message headers?:|Message headers follow\.?|The original message (?:headers? )?(?:follows|(?:was|is) (?:attached|included|below|as follows))|Here is a copy of the first part of the message|-----Original Message-----)`,
    String.raw`^\s*Content-Type: message/(?:rfc822|partial)`,
    String.raw`^\s*------ (?:This is a copy|The body of the message)`,
    String.raw`^\s*(?:The header of the original message|Your original message|Original-Envelope-Id|Included is a copy of the message header)`,
  ].join("|"),
  "i",
);

/** Cuts a notice before the copy of the returned message it quotes. */
export function cutReturnedMessage(text: string): string {
  // Line by line: one anchored test per line is much cheaper than a multi-line search.
  let end = text.length;
  for (let pos = 0, n = 0; pos < text.length && n < 20000; n++) {
    const nl = text.indexOf("\n", pos);
    const stop = nl === -1 ? text.length : nl;
    const c = text.charCodeAt(pos);
    if (stop > pos && (c === 45 || c === 32 || c === 9 || (c >= 65 && c <= 90) || (c >= 97 && c <= 122)) && pos > 0 && RETURNED_MESSAGE.test(text.slice(pos, Math.min(stop, pos + 200)))) {
      end = pos;
      break;
    }
    pos = stop + 1;
  }
  // A block of header lines (Received:, Return-Path:, From:...) also starts the copy.
  const h = /\n(?:Return-Path|Received|DKIM-Signature|X-[A-Za-z0-9-]+|Message-I[Dd]|MIME-Version):[^\n]*\n(?:[ \t][^\n]*\n)*(?:[A-Za-z0-9-]+:[^\n]*\n)/.exec(text.slice(0, end));
  if (h && h.index > 40) end = Math.min(end, h.index);
  return text.slice(0, end);
}

function isServiceAddress(a: string): boolean {
  return /^(?:mailer-daemon|postmaster|mail-daemon|maildaemon|no-?reply|bounces?|abuse|root)@/i.test(a);
}

/**
 * Recipients named by the notice, in order, with their blocks. `exclude` holds addresses
 * that are the sender or the bounce's own addresses (never failed recipients).
 */
export function findNoticeRecipients(notice: string, exclude: Set<string>): NoticeRecipient[] {
  return findNoticeBlocks(notice, exclude).map((b) => ({ address: b.address, block: b.block, diagnostic: pickDiagnostic(b.block) }));
}

/** The addresses never taken for failed recipients (a Set, or one built only when asked). */
export interface AddressSet {
  has(address: string): boolean;
}

/** A recipient's block of the notice, before its diagnostic is picked (`pickDiagnostic(block)`). */
export interface NoticeBlock {
  address: string;
  block: string;
}

/** `findNoticeRecipients` without the diagnostics: callers pick one only where it is read. */
export function findNoticeBlocks(notice: string, exclude: AddressSet): NoticeBlock[] {
  if (notice.indexOf("\r") !== -1) notice = notice.replace(/\r$/gm, "");
  // Only lines holding an "@" are read: walk from one "@" to the next, counting lines.
  const hits: Hit[] = [];
  const seen = new Map<string, number>();
  let lineNo = 0;
  let lineStart = 0;
  let nl = notice.indexOf("\n");
  for (let at = notice.indexOf("@"); at !== -1; ) {
    while (nl !== -1 && nl < at) {
      lineNo++;
      lineStart = nl + 1;
      nl = notice.indexOf("\n", lineStart);
    }
    if (lineNo >= 5000) break;
    const lineEnd = nl === -1 ? notice.length : nl;
    readLine(notice.slice(lineStart, lineEnd), lineNo, lineStart, lineEnd, exclude, hits, seen);
    at = nl === -1 ? -1 : notice.indexOf("@", lineEnd);
  }
  if (!hits.length) return [];
  let best = 0;
  for (const h of hits) if (h.strength > best) best = h.strength;
  const chosen = hits.filter((h) => h.strength === best || (best < 3 && h.strength >= 2));
  const out: NoticeBlock[] = [];
  for (let k = 0; k < chosen.length; k++) {
    const h = chosen[k];
    const next = k + 1 < chosen.length ? chosen[k + 1] : null;
    // The block runs to the line before the next recipient's (or to the end).
    const end = !next ? notice.length : next.line > h.line ? next.start - 1 : h.end;
    out.push({ address: h.address, block: notice.slice(h.start, end) });
  }
  return out;
}

interface Hit {
  line: number;
  /** offsets of the line in the notice */
  start: number;
  end: number;
  address: string;
  strength: number;
}

function readLine(line: string, lineNo: number, start: number, end: number, exclude: AddressSet, hits: Hit[], seen: Map<string, number>): void {
  ADDR.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = ADDR.exec(line))) {
    const address = m[0].replace(/^[.]+|[.]+$/g, "").toLowerCase();
    if (exclude.has(address) || isServiceAddress(address)) continue;
    const before = line.slice(0, m.index);
    const after = line.slice(m.index + m[0].length);
    // How sure are we that this line names a failed recipient (and is not, say, a
    // "From:" quote or a Message-ID)?
    if (/message-id|in-reply-to|references|^\s*(?:from|return-path|sender|reply-to)\s*:/i.test(before)) continue;
    let strength = 1;
    if (/^\s*<?\s*$/.test(before) && /^\s*>?\s*:?\s*$/.test(after)) {
      strength = 3; // the address alone on its line (qmail, Exim, Gmail)
    } else if (/^\s*(?:<<<\s*)?(?:[245]\d\d[ -](?:[245]\.\d{1,3}\.\d{1,3}\s+)?)?<?\s*$/.test(before) && /^>?\s*(?::|\.\.\.|\s+\()/.test(after)) {
      strength = 3; // "<a@b>: ..." (Postfix, Courier, Yahoo), "a@b... User unknown" (Sendmail)
    } else if (/rcpt to:?\s*<?$/i.test(before) || /(?:recipient|address|to|destinataire)\s*(?:address)?\s*[:=]?\s*<?$/i.test(before)) {
      strength = 2;
    }
    const prev = seen.get(address);
    if (prev !== undefined) {
      // The same address mentioned again (e.g. inside its own error line): keep the first
      // mention, but remember the stronger shape.
      if (hits[prev].strength < strength) hits[prev].strength = strength;
      continue;
    }
    seen.set(address, hits.length);
    hits.push({ line: lineNo, start, end, address, strength });
  }
}

/**
 * The server's words inside a recipient block: SMTP reply lines (multi-line replies joined,
 * their repeated `550-5.7.1` prefixes dropped) or, failing that, the block's text.
 */
export function pickDiagnostic(block: string): string {
  const lines = block.split("\n").map((l) => l.trim()).filter(Boolean);
  const reply: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (/^(?:<<<\s*)?[245]\d\d[ -]/.test(l) || /(?:said|reply|response|error)\s*:?\s*[245]\d\d[ -]/i.test(l) || /^Diagnostic-Code:/i.test(l)) {
      reply.push(l);
      // Continuation lines of a wrapped reply
      for (let j = i + 1; j < lines.length && j < i + 12; j++) {
        const n = lines[j];
        if (/^(?:<<<\s*)?[245]\d\d[ -]/.test(n)) continue;
        if (/^(?:>>>|---|Giving up|Remote host|Final-Recipient|Action:|Status:)/i.test(n)) break;
        if (/^[A-Za-z0-9._%+-]+@|^</.test(n)) break;
        if (/^\(in reply to /i.test(n) || /^[a-z(]/.test(n) || /^[A-Z][a-z]/.test(n) && reply[reply.length - 1].length > 60) {
          reply.push(n);
          i = j;
          continue;
        }
        break;
      }
    }
  }
  if (reply.length) return joinReplyLines(reply.join(" "));
  return lines.join(" ").slice(0, 1000);
}

/** "550-5.7.26 foo 550-5.7.26 bar 550 5.7.26 baz" → "550 5.7.26 foo bar baz". */
export function joinReplyLines(s: string): string {
  if (!/\d\d\d-/.test(s)) return s.replace(/\s+/g, " ").trim();
  const m = /^(?:<<<\s*)?([245]\d\d)[ -](?:([245]\.\d{1,3}\.\d{1,3})\s+)?/.exec(s);
  if (!m) return s.replace(/\s+/g, " ").trim();
  const code = m[1];
  const status = m[2];
  const prefix = new RegExp(String.raw`(?:^|\s)(?:<<<\s*)?${code}[ -](?:${status ? status.replace(/\./g, "\\.") : "(?!)"}\s+)?`, "g");
  const body = s.replace(prefix, " ").replace(/\s+/g, " ").trim();
  return `${code} ${status ? status + " " : ""}${body}`.trim();
}
