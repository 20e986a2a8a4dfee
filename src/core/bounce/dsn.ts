// RFC 3464 delivery-status fields: one per-message group, then one group per recipient.
// Also used on notices that paste these fields into their plain-text body.
import { parseHeaders, header, type Headers } from "./mime";

export interface DsnRecipient {
  finalRecipient: string | null;
  originalRecipient: string | null;
  action: string | null;
  status: string | null;
  remoteMta: string | null;
  diagnosticCode: string | null;
  diagnosticType: string | null;
  lastAttemptDate: string | null;
  /** a vendor's own per-recipient category field (PowerMTA's X-PowerMTA-BounceCategory) */
  vendorCategory: string | null;
}

export interface DsnReport {
  reportingMta: string | null;
  arrivalDate: string | null;
  recipients: DsnRecipient[];
  /** set when the report held more field groups than are read */
  truncated?: string;
}

/** Field groups read from one delivery-status part (one per recipient, plus the message's). */
export const MAX_DSN_GROUPS = 1000;

/** Strips the `rfc822;` / `dns;` / `smtp;` type prefix of a DSN field value. */
export function typedValue(v: string | null): { type: string | null; value: string | null } {
  if (v === null) return { type: null, value: null };
  const m = /^\s*([A-Za-z0-9-]+)\s*;\s*([\s\S]*)$/.exec(v);
  if (m) return { type: m[1].toUpperCase(), value: m[2].trim() || null };
  return { type: null, value: v.trim() || null };
}

export function parseDeliveryStatus(text: string): DsnReport {
  const groups = text.replace(/\r\n/g, "\n").split(/\n[ \t]*\n/);
  const report: DsnReport = { reportingMta: null, arrivalDate: null, recipients: [] };
  let n = 0;
  for (const g of groups) {
    if (!g.trim()) continue;
    if (n++ > MAX_DSN_GROUPS) {
      report.truncated = `delivery-status: only its first ${MAX_DSN_GROUPS} field groups were read (${groups.length} in the part)`;
      break;
    }
    for (const chunk of splitRecipientGroups(g)) {
      const h = parseHeaders(chunk);
      if (h.has("reporting-mta") && !report.reportingMta)
        report.reportingMta = typedValue(header(h, "reporting-mta")).value;
      if (h.has("arrival-date") && !report.arrivalDate) report.arrivalDate = header(h, "arrival-date");
      if (h.has("final-recipient") || h.has("original-recipient") || (h.has("action") && h.has("status"))) {
        report.recipients.push(recipientOf(h));
      }
    }
  }
  return report;
}

/**
 * Recipients a delivery-status text names, counted by their fields in one linear pass: a
 * group may carry both Final- and Original-Recipient, so the larger of the two counts.
 */
export function recipientFieldCount(text: string): number {
  const m = text.match(/^(?:final|original)-recipient[ \t]*:/gim);
  if (!m) return 0;
  let finals = 0;
  for (const x of m) if (x[0] === "F" || x[0] === "f") finals++;
  return Math.max(finals, m.length - finals);
}

/**
 * Recipient groups some MTAs write without the blank line between them. Read line by line
 * in place, without splitting the group into lines: most groups (one recipient with its
 * Final- and Original-Recipient) do not split, and are returned as they came.
 */
export function splitRecipientGroups(g: string): string[] {
  let out: string[] | null = null;
  let groupStart = 0;
  let hasFinal = false;
  let hasOriginal = false;
  let hasFields = false;
  for (let pos = 0; pos <= g.length;) {
    const isFinal = startsWithWord(g, pos, "final-recipient");
    const isOriginal = !isFinal && startsWithWord(g, pos, "original-recipient");
    // Original-Recipient may come before or after Final-Recipient; a new group starts
    // only when an address field repeats or follows the other fields of a group.
    if (
      (isFinal && (hasFinal || (hasOriginal && hasFields))) ||
      (isOriginal && (hasOriginal || (hasFinal && hasFields)))
    ) {
      (out ??= []).push(g.slice(groupStart, pos - 1));
      groupStart = pos;
      hasFinal = hasOriginal = hasFields = false;
    }
    if (isFinal) hasFinal = true;
    else if (isOriginal) hasOriginal = true;
    else if (hasFinal || hasOriginal) {
      FIELD_NAME_AT.lastIndex = pos;
      if (FIELD_NAME_AT.test(g)) hasFields = true;
    }
    const nl = g.indexOf("\n", pos);
    if (nl === -1) break;
    pos = nl + 1;
  }
  if (!out) return [g];
  out.push(g.slice(groupStart));
  return out;
}

/** A field name and its colon where a line starts (sticky: tried at lastIndex only). */
const FIELD_NAME_AT = /[A-Za-z-]+:/y;

/** Does `s` hold `word` (lower-case ASCII letters and "-") at `pos`, in any letter case? */
function startsWithWord(s: string, pos: number, word: string): boolean {
  if (pos + word.length > s.length) return false;
  for (let i = 0; i < word.length; i++) {
    const c = s.charCodeAt(pos + i);
    const w = word.charCodeAt(i);
    if (c !== w && !(w >= 97 && w <= 122 && c === w - 32)) return false;
  }
  return true;
}

/**
 * RFC 3464 `Status:` read structurally: the status-code (RFC 3463 class.subject.detail)
 * with the RFC 5322 comments a field may carry around it ("5.1.1 (user unknown)") left
 * out. A value that holds no code is kept as written (the caller then ignores it).
 */
export function statusFieldValue(v: string | null): string | null {
  if (v === null) return null;
  const bare = v.replace(/\([^()]*\)/g, " ").trim();
  const m = /^([245])\.(\d{1,3})\.(\d{1,3})(?![\d.])/.exec(bare);
  if (m) return `${m[1]}.${Number(m[2])}.${Number(m[3])}`;
  return v.trim() || null;
}

/** A Status field written as a whole server reply ("550 5.1.1 user unknown"), not a code. */
const REPLY_AS_STATUS = /^\s*[245]\d\d[ -]+(?=[245]\.\d{1,3}\.\d{1,3}(?![\d.]))/;

function recipientOf(h: Headers): DsnRecipient {
  const diag = typedValue(header(h, "diagnostic-code"));
  const status = header(h, "status");
  // Its code is read as the status, and the reply stands for a Diagnostic-Code not given.
  const reply = status && REPLY_AS_STATUS.test(status) ? status.trim() : null;
  return {
    finalRecipient: typedValue(header(h, "final-recipient") ?? header(h, "x-actual-recipient")).value,
    originalRecipient: typedValue(header(h, "original-recipient")).value,
    action: (header(h, "action") ?? "").trim().toLowerCase().split(/[\s(]/)[0] || null,
    status: statusFieldValue(reply ? reply.replace(REPLY_AS_STATUS, "") : status),
    remoteMta: typedValue(header(h, "remote-mta")).value,
    diagnosticCode: diag.value ?? reply,
    diagnosticType: diag.value ? diag.type : reply ? "smtp" : diag.type,
    lastAttemptDate: header(h, "last-attempt-date"),
    vendorCategory: (header(h, "x-powermta-bouncecategory") ?? "").trim().toLowerCase() || null,
  };
}

/** A cheap test before the line-anchored search: the field names in their usual cases. */
export function mayHoldRecipientField(text: string): boolean {
  return text.indexOf("-Recipient") !== -1 || text.indexOf("-recipient") !== -1 || text.indexOf("-RECIPIENT") !== -1;
}

/** DSN fields pasted into a plain-text notice (some MTAs do that instead of a report part). */
export function findInlineDsn(text: string): DsnReport | null {
  if (!mayHoldRecipientField(text)) return null;
  const i = text.search(/^(?:Final-Recipient|Original-Recipient)\s*:/im);
  if (i === -1) return null;
  const start = Math.max(0, text.lastIndexOf("\n\n", i));
  const report = parseDeliveryStatus(text.slice(start, start + 64 * 1024));
  return report.recipients.length ? report : null;
}
