// Reading the human-readable part of a bounce (Postfix, Exim, qmail, Sendmail, Exchange,
// Domino, Gmail, Yahoo... notices): which recipients failed, and the server's words for each.
// The layout varies by MTA but follows a few shapes: the address on its own line (or
// `<address>:`) followed by the reply, or the reply quoting the address.

import { collapseSpaces } from "./spaces";

export interface NoticeRecipient {
  address: string;
  /** the block of the notice about this recipient (raw lines) */
  block: string;
  /** the server's words picked out of the block, for display */
  diagnostic: string;
}

const ADDR =
  /[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+/g;

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

/**
 * The letters a RETURNED_MESSAGE marker may start with (Content-Type, Here is, Included,
 * Message headers, Original, The, Your), lower-case: a line starting with another letter
 * is not tried. (`c | 32` folds only ASCII upper case onto this table's lower case.)
 */
const MARKER_INITIAL = new Uint8Array(128);
for (const c of "chimoty") MARKER_INITIAL[c.charCodeAt(0)] = 1;

/** Cuts a notice before the copy of the returned message it quotes. */
export function cutReturnedMessage(text: string): string {
  // Line by line: one anchored test per line is much cheaper than a multi-line search.
  let end = text.length;
  for (let pos = 0, n = 0; pos < text.length && n < 20000; n++) {
    const nl = text.indexOf("\n", pos);
    const stop = nl === -1 ? text.length : nl;
    const c = text.charCodeAt(pos);
    if (
      stop > pos &&
      (c === 45 || c === 32 || c === 9 || MARKER_INITIAL[c | 32] === 1) &&
      pos > 0 &&
      RETURNED_MESSAGE.test(text.slice(pos, Math.min(stop, pos + 200)))
    ) {
      end = pos;
      break;
    }
    pos = stop + 1;
  }
  // A block of header lines (Received:, Return-Path:, From:...) also starts the copy.
  const h =
    /\n(?:Return-Path|Received|DKIM-Signature|X-[A-Za-z0-9-]+|Message-I[Dd]|MIME-Version):[^\n]*\n(?:[ \t][^\n]*\n)*(?:[A-Za-z0-9-]+:[^\n]*\n)/.exec(
      text.slice(0, end),
    );
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
  return findNoticeBlocks(notice, exclude).map((b) => ({
    address: b.address,
    block: b.block,
    diagnostic: pickDiagnostic(b.block),
  }));
}

/** The addresses never taken for failed recipients (a Set, or one built only when asked). */
export interface AddressSet {
  has(address: string): boolean;
}

/** A recipient's block of the notice, before its diagnostic is picked (`pickDiagnostic(block)`). */
export interface NoticeBlock {
  address: string;
  block: string;
  /** listed under a heading that says the message reached it ("was delivered to"): no failure */
  delivered?: boolean;
}

/** Caps that keep a hostile notice's cost linear and bounded; reaching one is reported. */
export const NOTICE_LIMITS = {
  /** addresses read on one line (a real notice names a handful; a list pasted in, thousands) */
  addressesPerLine: 200,
  /** distinct addresses read in one notice */
  addressesPerMessage: 1000,
  /** lines read for addresses */
  lines: 5000,
  /** how far before and after an address its line is looked at to judge its role */
  window: 96,
};

/** The blocks, and which cap (if any) stopped the reading early. */
export interface NoticeBlocks extends Array<NoticeBlock> {
  truncated?: string[];
  /** with `truncated`: the distinct addresses the whole notice names, `exclude`d ones aside */
  recipientsNamed?: number;
}

/** `findNoticeRecipients` without the diagnostics: callers pick one only where it is read. */
export function findNoticeBlocks(notice: string, exclude: AddressSet): NoticeBlocks {
  if (notice.indexOf("\r") !== -1) notice = notice.replace(/\r$/gm, "");
  // Only lines holding an "@" are read: walk from one "@" to the next, counting lines.
  const hits: Hit[] = [];
  const repeats: Hit[] = [];
  const seen = new Map<string, number>();
  const truncated: string[] = [];
  let lineNo = 0;
  let lineStart = 0;
  let nl = notice.indexOf("\n");
  for (let at = notice.indexOf("@"); at !== -1;) {
    while (nl !== -1 && nl < at) {
      lineNo++;
      lineStart = nl + 1;
      nl = notice.indexOf("\n", lineStart);
    }
    if (lineNo >= NOTICE_LIMITS.lines) {
      truncated.push(`notice: only its first ${NOTICE_LIMITS.lines} lines were read for recipients`);
      break;
    }
    const lineEnd = nl === -1 ? notice.length : nl;
    if (readLine(notice.slice(lineStart, lineEnd), lineNo, lineStart, lineEnd, exclude, hits, seen, repeats)) {
      truncated.push(`notice line ${lineNo + 1}: only its first ${NOTICE_LIMITS.addressesPerLine} addresses were read`);
    }
    if (seen.size >= NOTICE_LIMITS.addressesPerMessage) {
      truncated.push(`notice: only its first ${NOTICE_LIMITS.addressesPerMessage} distinct addresses were read`);
      break;
    }
    at = nl === -1 ? -1 : notice.indexOf("@", lineEnd);
  }
  const out: NoticeBlocks = [];
  if (truncated.length) {
    out.truncated = truncated;
    out.recipientsNamed = countAddresses(notice, exclude);
  }
  if (!hits.length) return out;
  let best = 0;
  for (const h of hits) if (h.strength > best) best = h.strength;
  const chosen = hits.filter((h) => h.strength === best || (best < 3 && h.strength >= 2));
  // A recipient listed again on a line of its own (Exchange's "Diagnostic information for
  // administrators", a bilingual notice, a transcript's "<<< 550 <a@b>...") starts a
  // second part of its block there, and ends the block before it.
  const chosenAddresses = new Set(chosen.map((h) => h.address));
  const again = best === 3 && chosen.length > 1 ? repeats.filter((r) => chosenAddresses.has(r.address)) : [];
  const marks = again.length ? [...chosen, ...again].sort((a, b) => a.start - b.start) : chosen;
  const parts = new Map<string, string>();
  for (let k = 0; k < marks.length; k++) {
    const h = marks[k];
    const next = k + 1 < marks.length ? marks[k + 1] : null;
    // The block runs to the line before the next recipient's (or to the end).
    const end = !next ? notice.length : next.line > h.line ? next.start - 1 : h.end;
    const own = notice.slice(h.start, end);
    const before = parts.get(h.address);
    parts.set(h.address, before === undefined ? own : `${before}\n${own}`);
  }
  for (let k = 0; k < chosen.length; k++) {
    const h = chosen[k];
    const prevEnd = k > 0 ? chosen[k - 1].end : 0;
    const own = parts.get(h.address) ?? "";
    const block: NoticeBlock = {
      address: h.address,
      // Only a block that carries no reply of its own can have printed it above the address.
      block: OWN_REPLY.test(own.length > 4096 ? own.slice(0, 4096) : own)
        ? own
        : replyBefore(notice, h.start, prevEnd) + own,
    };
    // The heading stands for the whole list under it: an address right below another one
    // (nothing but white space between) is listed under the same heading.
    const delivered =
      chosen.length > 1 &&
      (k > 0 && !notice.slice(prevEnd, h.start).trim()
        ? !!out[k - 1].delivered
        : listedAsDelivered(notice, h.start, prevEnd));
    if (delivered) block.delivered = true;
    out.push(block);
  }
  return out;
}

/** A heading that lists the recipients the message reached, not the ones it failed for. */
const DELIVERED_HEADING =
  /\b(?:(?:was|were|has been|have been) (?:successfully )?delivered to|delivered successfully|successfully (?:delivered|relayed) to|delivery to (?:these|the following) recipients?(?: or groups)? (?:is|was) complete(?:d)?)\b/i;
const FAILED_HEADING = /\b(?:not|failed|fail|undeliver|unable|could ?n[o']t|cannot|error|rejected|delayed)\b/i;

/**
 * Is the address at `start` listed under a heading that says the message was delivered?
 * The heading is the nearest non-empty line above it, after the previous recipient.
 */
function listedAsDelivered(notice: string, start: number, floor: number): boolean {
  // Bounded: a heading is a short line right above the list.
  const lines = notice.slice(Math.max(floor, start - 1024), start).split("\n");
  for (let k = lines.length - 1; k >= 0; k--) {
    const line = lines[k];
    if (line.trim()) return DELIVERED_HEADING.test(line) && !FAILED_HEADING.test(line.replace(DELIVERED_HEADING, ""));
  }
  return false;
}

/** Characters of an address's local part and of its domain (ASCII; an estimate's alphabet). */
const LOCAL_CHAR = /[A-Za-z0-9._%+-]/;
const DOMAIN_CHAR = /[A-Za-z0-9.-]/;

/**
 * Distinct address-like words of the text that `exclude` does not hold, lower-cased: what a
 * notice names past the caps on reading it for blocks. Linear: from one "@" to the next,
 * each side read at most as far as an address may reach (64 and 255 characters).
 */
function countAddresses(text: string, exclude: AddressSet): number {
  const seen = new Set<string>();
  for (let at = text.indexOf("@"); at !== -1; at = text.indexOf("@", at + 1)) {
    let start = at;
    while (start > 0 && at - start < 64 && LOCAL_CHAR.test(text[start - 1])) start--;
    let end = at + 1;
    while (end < text.length && end - at <= 255 && DOMAIN_CHAR.test(text[end])) end++;
    while (end > at + 1 && (text[end - 1] === "." || text[end - 1] === "-")) end--;
    const domain = text.slice(at + 1, end);
    if (start === at || domain.indexOf(".") <= 0 || domain.includes("..")) continue;
    const address = text.slice(start, end).toLowerCase();
    if (!exclude.has(address)) seen.add(address);
  }
  return seen.size;
}

/** A reply line that ends just before an address line ("550 5.1.1 ... for\n  a@b"). */
const OWN_REPLY = /(?:^|[\s:(])[45]\d\d[ -]|#[45]\.\d{1,3}\.\d{1,3}|\b[45]\.\d{1,3}\.\d{1,3}\b/;
const REPLY_LINE = /^\s*(?:<<<\s*)?[45]\d\d[ -]/;

/**
 * Some notices print the server's reply before the address it is about, in the same
 * paragraph: up to three lines right above the address line (not past a blank line or the
 * previous recipient's line) are the recipient's when one of them is a reply.
 */
function replyBefore(notice: string, start: number, floor: number): string {
  let from = start;
  let found = -1;
  for (let n = 0; n < 3 && from > floor + 1; n++) {
    const prev = notice.lastIndexOf("\n", from - 2) + 1;
    if (prev < floor) break;
    const line = notice.slice(prev, from - 1);
    if (!line.trim()) break;
    from = prev;
    if (REPLY_LINE.test(line)) found = prev;
  }
  return found === -1 ? "" : notice.slice(found, start);
}

interface Hit {
  line: number;
  /** offsets of the line in the notice */
  start: number;
  end: number;
  address: string;
  strength: number;
}

/** Words beside an address that make it the message's sender, not a recipient. */
const SENDER_AFTER = /^>?\s*[:.]*\s*sender (?:address|domain|verify|rejected|denied)\b/i;
const SENDER_BEFORE = /(?:mail from|envelope[- ]from|envelope sender|return-path)\s*[:=]?\s*<?$/i;

/** Words right before an address that make it the MTA's contact, not a recipient. */
const CONTACT_BEFORE =
  /(?:mailto:|\b(?:please )?(?:contact|write to|e-?mail us at|reach us at|questions to)\s*:?\s*<?)$/i;

/** Lines that quote the returned message's or a list's headers: their addresses are no recipients. */
const QUOTED_HEADER_LINE =
  /^\s*(?:from|return-path|sender|reply-to|list-[a-z-]+|x-original-sender|errors-to|message-id|in-reply-to|references)\s*:/i;
const REFERENCE_WORDS = /message-id|in-reply-to|references/i;

/**
 * Reads one line's addresses into `hits`. Each address is judged by a bounded window of
 * the line around it (never by everything before it: that made a line of thousands of
 * addresses quadratic). Returns true when the per-line cap stopped the reading.
 */
function readLine(
  line: string,
  lineNo: number,
  start: number,
  end: number,
  exclude: AddressSet,
  hits: Hit[],
  seen: Map<string, number>,
  repeats: Hit[],
): boolean {
  // Judged once per line, not once per address.
  if (QUOTED_HEADER_LINE.test(line.length > 64 ? line.slice(0, 64) : line)) return false;
  const refAt = line.search(REFERENCE_WORDS);
  const W = NOTICE_LIMITS.window;
  ADDR.lastIndex = 0;
  let m: RegExpExecArray | null;
  let n = 0;
  while ((m = ADDR.exec(line))) {
    if (++n > NOTICE_LIMITS.addressesPerLine) return true;
    const from = m.index;
    const to = m.index + m[0].length;
    // An address after "Message-ID:" / "References:" on its line is an id, not a mailbox.
    if (refAt !== -1 && refAt < from) continue;
    if (isPathOrUrlPart(line, from, m[0])) continue;
    const address = m[0].replace(/^[.]+|[.]+$/g, "").toLowerCase();
    if (exclude.has(address) || isServiceAddress(address)) continue;
    const lineHead = from <= W;
    // A contact address in the MTA's boilerplate ("please contact <a@b>", "mailto:a@b").
    if (from >= 7 && CONTACT_BEFORE.test(line.slice(Math.max(0, from - 40), from))) continue;
    // A display name written as an address ("a@b <c@d>: ...") is not part of the shape.
    let before = lineHead ? line.slice(0, from) : line.slice(from - W, from);
    if (from > 0 && line.charCodeAt(from - 1) === 60 && before.indexOf("@") !== -1)
      before = before.replace(/^(\s*)[^\s<>@]+@[^\s<>]+\s+(?=<$)/, "$1");
    const after = line.slice(to, to + W);
    // The sender's address in a reply about it ("<s@x>: Sender address rejected", "MAIL
    // FROM:<s@x>"): its role is written beside it, whatever headers the bounce kept.
    if (SENDER_AFTER.test(after) || SENDER_BEFORE.test(before)) continue;
    // "kijitora@example.com <neko@example.net>": an address written as a display name.
    const next = line.charCodeAt(to);
    if ((next === 32 || next === 9) && after.indexOf("@") !== -1 && /^\s+<[^<>\s@]+@[^<>\s]+>/.test(after)) continue;
    // How sure are we that this line names a failed recipient (and is not, say, a
    // "From:" quote or a Message-ID)?
    let strength = 1;
    if (
      lineHead &&
      /^\s*(?:[-=]{2,}\s*)?<?\s*$/.test(before) &&
      /^\s*>?\s*:?\s*(?:[-=]{2,}\s*)?$/.test(after) &&
      to + W >= line.length
    ) {
      // the address alone on its line (qmail, Exim, Gmail), or as a section's heading
      // (Exim's "------ a@b ------" over the text its delivery attempt generated)
      strength = 3;
    } else if (
      lineHead &&
      /^\s*(?:<<<\s*)?(?:[245]\d\d[ -](?:[245]\.\d{1,3}\.\d{1,3}\s+)?)?<?\s*$/.test(before) &&
      /^>?\s*(?::|\.\.\.|\s+\()/.test(after)
    ) {
      strength = 3; // "<a@b>: ..." (Postfix, Courier, Yahoo), "a@b... User unknown" (Sendmail)
    } else if (
      /rcpt to:?\s*<?$/i.test(before) ||
      /(?:recipient|address|to|destinataire)\s*(?:address)?\s*[:=]?\s*<?$/i.test(before)
    ) {
      strength = 2;
    }
    const prev = seen.get(address);
    if (prev !== undefined) {
      // The same address mentioned again (e.g. inside its own error line): keep the first
      // mention, but remember the stronger shape.
      if (hits[prev].strength < strength) hits[prev].strength = strength;
      if (strength === 3 && hits[prev].line !== lineNo && repeats.length < NOTICE_LIMITS.addressesPerMessage)
        repeats.push({ line: lineNo, start, end, address, strength });
      continue;
    }
    seen.set(address, hits.length);
    hits.push({ line: lineNo, start, end, address, strength });
    if (seen.size >= NOTICE_LIMITS.addressesPerMessage) return false;
  }
  return false;
}

/**
 * A match that is part of a file path ("/home/u/.forward/a@b"), a URL or an identifier
 * ("arn:...:identity/a@b", "?endpoint=a@b"): never a recipient, whatever RFC 5322 allows
 * in a local part.
 */
function isPathOrUrlPart(line: string, from: number, match: string): boolean {
  const prev = from > 0 ? line.charCodeAt(from - 1) : 0;
  // "/", "=", "&", "?", ":" right before, or a "/" or "=" inside the local part.
  if (prev === 47 || prev === 61 || prev === 38 || prev === 63) return true;
  const at = match.indexOf("@");
  const local = match.slice(0, at);
  return (
    local.indexOf("/") !== -1 || local.indexOf("=") !== -1 || local.indexOf("&") !== -1 || local.indexOf("?") !== -1
  );
}

const SUCCESS_REPLY = /^(?:<<<\s*)?2\d\d[ -]/;
const FAILURE_REPLY = /^(?:<<<\s*)?[45]\d\d[ -]|[45]\d\d[ -][45]\.\d/;

/**
 * The server's words inside a recipient block: SMTP reply lines (multi-line replies joined,
 * their repeated `550-5.7.1` prefixes dropped) or, failing that, the block's text.
 */
export function pickDiagnostic(block: string, address?: string): string {
  // The block's non-blank lines, trimmed (one array: this runs for every recipient's block).
  const lines: string[] = [];
  for (const raw of block.split("\n")) {
    const l = raw.trim();
    if (l) lines.push(l);
  }
  const reply: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    // A transcript's reply after its time stamp ("Mon 05:00:01: <-- 550 ..."): from the reply on.
    const marked = hasTranscriptMark(lines[i]) ? TRANSCRIPT_REPLY.exec(lines[i]) : null;
    const l = marked ? (lines[i] = lines[i].slice(marked.index + marked[0].length)) : lines[i];
    if (
      /^(?:<<<\s*)?[245]\d\d[ -]/.test(l) ||
      /(?:said|reply|response|error|reason)\s*:?\s*[245]\d\d[ -]/i.test(l) ||
      // Exim's "host mx.example [192.0.2.1]: 550-5.7.1 ...": the reply after the host named.
      /\]:\s+[245]\d\d[ -]/.test(l) ||
      /^Diagnostic-Code:/i.test(l)
    ) {
      reply.push(l);
      // Continuation lines of a wrapped reply
      for (let j = i + 1; j < lines.length && j < i + 12; j++) {
        const n = lines[j];
        if (/^(?:<<<\s*)?[245]\d\d[ -]/.test(n)) continue;
        if (/^(?:>>>|---|Giving up|Remote host|Final-Recipient|Action:|Status:)/i.test(n)) break;
        // An address starts the next entry, except right after a reply cut at its code
        // (Postfix: "said: 550 5.1.0\n    <s@x>: Sender address rejected: ..."): that is the
        // reply's own text going on.
        if (REPLY_CUT_AT_CODE.test(reply[reply.length - 1]) && QUOTED_ADDRESS_LEAD.test(n)) {
          reply[reply.length - 1] += " " + n;
          i = j;
          continue;
        }
        if (/^[A-Za-z0-9._%+-]+@|^</.test(n)) break;
        // A wrapped line goes on with lower-case words, a bracket, a quote or punctuation
        // (or a capitalised word after a long line): never with a new code or address.
        if (
          /^\(in reply to /i.test(n) ||
          /^[a-z([\]"'.,;:]/.test(n) ||
          (/^[A-Z][A-Za-z0-9_]|^\d+(?![\d.]*[ -]\d\.)/.test(n) && reply[reply.length - 1].length > 60)
        ) {
          reply[reply.length - 1] += " " + n;
          i = j;
          continue;
        }
        break;
      }
    }
  }
  if (reply.length) {
    // A transcript under the last recipient's block quotes the other recipients' replies
    // too ("<<< 552 5.2.2 <other@example>... Mailbox full"): those are not this one's.
    const own = address ? reply.filter((l) => !namesOtherAddress(l, address)) : reply;
    if (own.length && own.length < reply.length) reply.splice(0, reply.length, ...own);
    // An earlier command's success ("250 2.1.0 Sender OK") never speaks for a later failure.
    const failures = reply.filter((l) => !SUCCESS_REPLY.test(l));
    return joinReplyLines(
      (failures.length && failures.length < reply.length && failures.some((l) => FAILURE_REPLY.test(l))
        ? failures
        : reply
      ).join(" "),
    );
  }
  return lines.join(" ").slice(0, 1000);
}

/**
 * The one reply a notice prints above its list of recipients, for all of them
 * ("Could not be delivered because of\n\n550 5.1.1 User unknown\n\nThe following
 * recipients were affected:"): null when the text above prints none, or several.
 */
export function replyAbove(summary: string): string | null {
  const lines = summary.split("\n");
  const at = lines.findIndex((l) => REPLY_LINE.test(l));
  if (at === -1) return null;
  let end = at + 1;
  while (end < lines.length && lines[end].trim()) end++;
  for (let i = end; i < lines.length; i++) if (REPLY_LINE.test(lines[i])) return null;
  return pickDiagnostic(lines.slice(at, end).join("\n")) || null;
}

/** A reply line that ends right after its code, its words on the next line. */
const REPLY_CUT_AT_CODE = /\b[245]\d\d(?:[ -][245]\.\d{1,3}\.\d{1,3})?$/;
/** "<a@b>: words" or "<a@b>... words": an address the reply quotes, then what it says. */
const QUOTED_ADDRESS_LEAD = /^<[^<>\s@]+@[^<>\s]+>(?::|\.\.\.)\s*\S/;

/** A reply marked as the server's in a session transcript, after a time stamp or indent. */
const TRANSCRIPT_REPLY = /^.{0,80}?(?:<<<|<--)\s*(?=[245]\d\d[ -])/;
/** Can TRANSCRIPT_REPLY match? (its marks are rare: most lines are not tried from 80 positions) */
function hasTranscriptMark(line: string): boolean {
  return line.indexOf("<<<") !== -1 || line.indexOf("<--") !== -1;
}

/** Does a reply line quote an address in angle brackets other than `address`? */
function namesOtherAddress(line: string, address: string): boolean {
  const re = /<([^<>\s@]+@[^<>\s@]+)>/g;
  for (let m = re.exec(line), n = 0; m && n < 20; m = re.exec(line), n++)
    if (m[1].toLowerCase() !== address.toLowerCase()) return true;
  return false;
}

/** "550-5.7.26 foo 550-5.7.26 bar 550 5.7.26 baz" → "550 5.7.26 foo bar baz". */
export function joinReplyLines(s: string): string {
  if (!/\d\d\d-/.test(s)) return collapseSpaces(s).trim();
  const m = /^(?:<<<\s*)?([245]\d\d)[ -](?:([245]\.\d{1,3}\.\d{1,3})\s+)?/.exec(s);
  if (!m) {
    // A reply after an MTA's lead-in ("Remote host said: 550-5.1.1 ..."): the lead-in stays.
    const at = /(?:^|[\s:])(?:<<<\s*)?[245]\d\d-(?:[245]\.\d{1,3}\.\d{1,3}\s)?/.exec(s);
    if (!at) return collapseSpaces(s).trim();
    const start = at.index + (/^[\s:]/.test(at[0]) ? 1 : 0);
    return `${collapseSpaces(s.slice(0, start)).trim()} ${joinReplyLines(s.slice(start))}`.trim();
  }
  const code = m[1];
  const status = m[2];
  const prefix = new RegExp(
    String.raw`(?:^|\s)(?:<<<\s*)?${code}[ -](?:${status ? status.replace(/\./g, "\\.") : "(?!)"}\s+)?`,
    "g",
  );
  const body = collapseSpaces(s.replace(prefix, " ")).trim();
  return `${code} ${status ? status + " " : ""}${body}`.trim();
}
