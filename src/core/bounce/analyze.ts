// A whole message → one diagnosis per failed recipient. Never throws: every failure to
// read becomes `error` on the answer.
import { addressesIn, parseFeedbackReport } from "./arf";
import { autoReplyByWords, isAutoReply, isChallengeResponse, isPlainSpamReport } from "./autoreply";
import { diagnose, type MessageContext, type RecipientFacts } from "./diagnose";
import type {
  AnalyzeOptions,
  AuthResults,
  BounceDiagnosis,
  BounceReason,
  MessageAnalysis,
  MessageKind,
} from "./diagnosis";
import {
  findInlineDsn,
  mayHoldRecipientField,
  parseDeliveryStatus,
  recipientFieldCount,
  type DsnRecipient,
} from "./dsn";
import {
  decodeCharset,
  decodedBody,
  decodeEncodedWords,
  MIME_LIMITS,
  header,
  parseHeaders,
  partText,
  splitHeaderBody,
  toBinaryString,
  walk,
  parseEntity,
  type Headers,
  type MimePart,
} from "./mime";
import { NOTICE_RULES_BYTES, noticeRules, presetFor } from "./mta-rules";
import {
  cutReturnedMessage,
  findNoticeBlocks,
  joinReplyLines,
  pickDiagnostic,
  replyAbove,
  type AddressSet,
  type NoticeBlock,
} from "./notice";
import { parseSesNotification } from "./ses";
import { findReplyCode, findStatus } from "./smtp-reply";
import { forwardedBounce } from "./forwarded.reader";

/** Cheap tests on the raw body before decoding all of it for a second look. */
const SES_FIELDS = /"(?:notificationType|eventType)"/;
const SES_NOTIFICATION =
  /"(?:notificationType|eventType)"\s*:\s*"(?:Bounce|Complaint|Delivery|DeliveryDelay|Send|Reject)"/;
const DSN_FIELDS = /^(?:Final-Recipient|Original-Recipient)\s*:/im;

/** Above this a message is read only in its first part: bounces are small, the rest is payload. */
const MAX_MESSAGE_BYTES = 2 * 1024 * 1024;

export function analyzeMessage(raw: string | Uint8Array, options?: AnalyzeOptions): MessageAnalysis {
  try {
    const cut: Cut = { limits: [], recipients: 0 };
    const a = analyzeUnchecked(raw, options, 0, cut);
    if (!cut.limits.length) return a;
    // A cap that stopped the reading is said on the answer and on every row, never silently,
    // with how many recipients the message names in all.
    const limits = [...new Set(cut.limits)];
    for (const d of a.diagnoses) d.evidence.push(...limits);
    return { ...a, truncated: { limits, recipients: Math.max(a.diagnoses.length, cut.recipients) } };
  } catch (err) {
    return {
      kind: "unknown",
      messageId: null,
      diagnoses: [],
      error: `unreadable message: ${err instanceof Error ? err.message : String(err)}`,
    };
  }
}

/** The caps reached while reading one message, and the recipients counted past them. */
interface Cut {
  limits: string[];
  recipients: number;
}

/** Notes a cap that stopped the reading, with the recipients its source names in all. */
function reached(cut: Cut, limit: string, recipients: number): void {
  cut.limits.push(limit);
  if (recipients > cut.recipients) cut.recipients = recipients;
}

interface Parts {
  notice: MimePart | null;
  deliveryStatus: MimePart[];
  feedback: MimePart | null;
  original: MimePart | null;
}

function classifyParts(root: MimePart): Parts {
  const parts: Parts = { notice: null, deliveryStatus: [], feedback: null, original: null };
  if (root.type.startsWith("multipart/") && !root.children?.length) {
    // A multipart whose boundary never appears (broken or hand-made): its body is the notice.
    parts.notice = { ...root, type: "text/plain", children: null };
    return parts;
  }
  walk(root, (p) => {
    if (p.children) return;
    const t = p.type;
    if (
      t === "message/delivery-status" ||
      t === "message/global-delivery-status" ||
      (t === "text/plain" && /\.dsn$|delivery-status/i.test(p.params.name ?? ""))
    )
      parts.deliveryStatus.push(p);
    else if (t === "message/feedback-report") parts.feedback ??= p;
    else if (
      t === "message/rfc822" ||
      t === "message/global" ||
      t === "text/rfc822-headers" ||
      t === "message/global-headers" ||
      t === "message/partial"
    )
      parts.original ??= p;
    else if ((t === "text/plain" || t === "text/html") && !parts.notice) parts.notice = p;
    else if (t === "text/plain" && parts.notice?.type === "text/html") parts.notice = p;
  });
  return parts;
}

/** How many forwards deep an enclosed bounce is still looked for. */
const MAX_FORWARD_DEPTH = 3;

function analyzeUnchecked(
  raw: string | Uint8Array,
  options: AnalyzeOptions | undefined,
  depth: number,
  cut: Cut,
): MessageAnalysis {
  let s = toBinaryString(raw);
  if (s.length > MAX_MESSAGE_BYTES) {
    s = s.slice(0, MAX_MESSAGE_BYTES);
    reached(cut, `message: only its first ${MAX_MESSAGE_BYTES} bytes were read`, 0);
  }
  if (!s.trim()) return { kind: "unknown", messageId: null, diagnoses: [], error: "empty message" };
  if (s.indexOf("\r") !== -1) s = s.replace(/\r\n?/g, "\n");
  if (s.startsWith("From ")) s = s.slice(s.indexOf("\n") + 1);

  const root = parseEntity(s);
  const top = root.headers;
  const messageId = cleanId(header(top, "message-id"));
  if (top.size === 0)
    return { kind: "unknown", messageId: null, diagnoses: [], error: "not an email message (no header fields)" };
  const parts = classifyParts(root);

  const noticeFull = parts.notice ? partText(parts.notice) : "";
  // A bounce forwarded by a person is read as the bounce it encloses (the forwarder is no
  // recipient of anything); a returned original inside a real bounce is never unwrapped.
  if (depth < MAX_FORWARD_DEPTH && !parts.deliveryStatus.length && !parts.feedback) {
    const inner = forwardedBounce(root, noticeFull);
    if (inner) {
      const a = analyzeUnchecked(inner, options, depth + 1, cut);
      if (a.diagnoses.length) return a;
    }
  }
  const original = readOriginal(parts.original, parts.notice ? noticeFull : null);
  const ctx: MessageContext = {
    authResults: authResultsOf(top),
    // (A data property, not a getter: an accessor per object gives every object its own
    // hidden class, which the garbage collector then pays for.)
    originalHeaders: original.record(),
    originalMessageId: cleanId(original.get("message-id") ?? null),
    options,
  };
  const subject = decodeEncodedWords(header(top, "subject") ?? "");
  const noticeText = htmlToText(parts.notice?.type === "text/html" ? noticeFull : noticeFull);

  // 1. Feedback loop reports
  const ct = root.type === "multipart/report" ? (root.params["report-type"] ?? "").toLowerCase() : "";
  if (parts.feedback || ct === "feedback-report" || isMicrosoftAbuseReport(root, top, subject)) {
    const d = feedbackDiagnoses(parts, original, top, ctx, cut);
    if (d.length) return { kind: "feedback", messageId, diagnoses: d, error: null };
  }
  // Apple Mail's "unsubscribe" button sends a message flagged X-Apple-Unsubscribe: an opt-out.
  if ((header(top, "x-apple-unsubscribe") ?? "").trim().toLowerCase() === "true") {
    const from = addressesIn(header(top, "from"))[0];
    if (from) {
      const d = diagnose(
        {
          recipient: from,
          fixedReason: { reason: "feedback", evidence: "X-Apple-Unsubscribe: true (opt-out)" },
          feedbackType: "opt-out",
        },
        ctx,
      );
      return { kind: "feedback", messageId, diagnoses: [d], error: null };
    }
  }

  // 2. Amazon SES notifications in the body
  if (!parts.deliveryStatus.length) {
    // Decoding the whole body is paid only when it names an SES notification's fields.
    const sesText =
      noticeText || (SES_FIELDS.test(root.rawBody) ? decodeCharset(root.rawBody.slice(0, 256 * 1024), "utf-8") : "");
    const ses = parseSesNotification(sesText);
    if (!ses && sesText.indexOf('Type"') !== -1 && SES_NOTIFICATION.test(sesText)) {
      // Every address in a notification's JSON that is not in its recipient lists is the
      // sender's (source, identity ARN, destination): none may become a failure row.
      return {
        kind: "unknown",
        messageId,
        diagnoses: [],
        error:
          "an Amazon SES notification that names no readable recipient: its other addresses are the sender's, none is reported",
      };
    }
    if (ses) {
      const diagnoses = ses.map((r) =>
        diagnose(
          {
            recipient: r.recipient,
            statusField: r.status,
            diagnostic: r.diagnostic,
            action: r.action,
            reportingMta: r.reportingMta,
            remoteMta: r.remoteMta,
            lastAttemptDate: r.lastAttempt,
            feedbackType: r.feedbackType,
            fixedReason:
              r.kind === "complaint" ? { reason: "feedback", evidence: "Amazon SES complaint notification" } : null,
            preset:
              r.bounceSubType === "Suppressed"
                ? { reason: "suppressed", evidence: "SES bounceSubType Suppressed" }
                : null,
          },
          ctx,
        ),
      );
      const kind: MessageKind =
        ses[0].kind === "complaint" ? "feedback" : ses[0].kind === "delivery" ? "delivery" : "bounce";
      return { kind, messageId, diagnoses, error: null };
    }
  }

  // 3. Delivery status notifications and MTA notices
  const notice = cutReturnedMessage(noticeText);
  const ownAddresses = new OwnAddresses(top, original);
  const noticeRecipients = findNoticeBlocks(notice, ownAddresses);
  const dsnReports = parts.deliveryStatus.map((p) => {
    const report = parseDeliveryStatus(partBody(p));
    // Past one of the caps (field groups read, bytes of a part decoded), the whole part's
    // recipient fields are counted: what was left out is said, never dropped in silence.
    if (report.truncated || p.rawBody.length > MIME_LIMITS.maxTextBytes) {
      const named = recipientFieldCount(decodedBody(p, MAX_MESSAGE_BYTES));
      if (report.truncated) reached(cut, report.truncated, named);
      else if (named > report.recipients.length)
        reached(cut, `delivery-status: only its first ${MIME_LIMITS.maxTextBytes} bytes were read`, named);
    }
    return report;
  });
  if (!dsnReports.some((r) => r.recipients.length)) {
    const inline =
      findInlineDsn(noticeText) ??
      (mayHoldRecipientField(root.rawBody) && DSN_FIELDS.test(root.rawBody)
        ? findInlineDsn(decodeCharset(root.rawBody.slice(0, 256 * 1024), "utf-8"))
        : null);
    if (inline) dsnReports.push(inline);
  }
  const hasDsn = dsnReports.some((r) => r.recipients.length);
  const bounceLike = new BounceLikeness(top, subject, notice);
  if (!hasDsn && !bounceLike.answer()) {
    // Automatic answers that are not failures are reported as what they are, with no row
    // that could suppress or count against an address.
    const challenge = isChallengeResponse(subject, notice);
    if (challenge)
      return {
        kind: "unknown",
        messageId,
        diagnoses: [],
        error: `${challenge}: an automatic answer, not a bounce; nothing reported`,
      };
    const spam = isPlainSpamReport(top, subject, notice);
    if (spam) {
      const who = [...addressesIn(original.get("to")), ...addressesIn(notice.slice(0, 16 * 1024))].filter(
        (a) => !ownAddresses.has(a) && !/^(?:abuse|postmaster|mailer-daemon|spam|fbl)@/.test(a),
      );
      if (who.length) {
        const d = diagnose(
          { recipient: who[0], fixedReason: { reason: "feedback", evidence: spam }, feedbackType: "abuse" },
          ctx,
        );
        return { kind: "feedback", messageId, diagnoses: [d], error: null };
      }
    }
  }
  const auto = hasDsn ? null : (isAutoReply(top, subject) ?? (bounceLike.answer() ? null : autoReplyByWords(notice)));
  if (auto && !bounceLike.answer()) {
    const v = vacation(top, auto, ctx);
    if (v) return { kind: "vacation", messageId, diagnoses: [v], error: null };
  }
  const facts: RecipientFacts[] = [];

  const transcript = hasDsn ? sessionTranscript(notice) : null;
  for (const report of dsnReports) {
    for (const r of report.recipients) {
      const address = pickAddress(r);
      if (!address) continue;
      const block = noticeRecipients.find((n) => n.address === address);
      facts.push(
        dsnFacts(
          r,
          address,
          report.reportingMta,
          block?.block ?? (noticeRecipients.length ? "" : notice),
          block,
          transcript,
        ),
      );
    }
  }
  // The notice's own summary above the first recipient block (the MTA's words for the
  // whole message: "This is a permanent error; I've given up").
  const firstBlock = noticeRecipients.length ? notice.indexOf(noticeRecipients[0].block) : -1;
  const summary = firstBlock > 0 ? notice.slice(Math.max(0, firstBlock - 4096), firstBlock) : "";
  if (!facts.length) {
    // A reply printed once above the list stands for every recipient whose block has none.
    let shared: string | null | undefined;
    for (let k = 0; k < noticeRecipients.length; k++) {
      const n = noticeRecipients[k];
      if (n.delivered) continue;
      // An address alone in a list whose words follow the list's last address ("a@x\n
      // b@y\n\nReason: 550 5.1.1 User unknown"): those words are the whole list's.
      const tail = bareListing(n) ? listTail(noticeRecipients, k) : null;
      const own = pickDiagnostic(tail ? tail.block : n.block, n.address);
      const diagnostic =
        summary && !findReplyCode(own) && !findStatus(own) ? ((shared ??= replyAbove(summary)) ?? own) : own;
      facts.push({
        recipient: n.address,
        diagnostic,
        // A short block alone is read with the notice around it, unless other recipients'
        // blocks are in that notice too (their words are not this recipient's).
        context: n.block.length < 40 && noticeRecipients.length === 1 ? notice : (tail?.block ?? n.block),
      });
    }
  }
  if (!facts.length && depth < MAX_FORWARD_DEPTH) {
    // A notice that names no recipient but encloses a whole report (a gateway relaying the
    // bounce it got): the enclosed report says who failed.
    const inner = forwardedBounce(root, "", true);
    if (inner) {
      const a = analyzeUnchecked(inner, options, depth + 1, cut);
      if (a.diagnoses.length && a.kind === "bounce") return a;
    }
  }
  if (!facts.length) {
    const failed = addressesIn((top.get("x-failed-recipients") ?? []).join(","));
    // The returned message's To: names every recipient it was sent to; a notice that names
    // some of them by their local part only (Sendmail's local mailer: "nobody... User
    // unknown") failed for those, not for the others. A notice whose every listed address
    // the message reached failed for none.
    const to =
      failed.length || noticeRecipients.some((n) => n.delivered) || !bounceLike.answer() ? [] : originalTo(original);
    const named = to.length > 1 ? to.filter((a) => localPartNamed(notice, a)) : to;
    // Last, a bounce whose subject names the one address it failed for ("DELIVERY FAILURE:
    // User x (a@b) not listed in Domino Directory", "Undeliverable mail: a@b").
    const inSubject =
      failed.length || to.length || noticeRecipients.some((n) => n.delivered) || !bounceLike.answer()
        ? []
        : subjectRecipient(subject, ownAddresses);
    const fallback = failed.length ? failed : named.length ? named : to.length ? to : inSubject;
    if (fallback.length > MAX_FALLBACK_RECIPIENTS)
      reached(
        cut,
        `only the first ${MAX_FALLBACK_RECIPIENTS} of ${fallback.length} addresses named without a notice block were read`,
        fallback.length,
      );
    // (A subject that names the address may also name the cause: it is read with the notice.)
    const words = fallback === inSubject ? `${subject}\n${notice}` : notice;
    for (const a of fallback.slice(0, MAX_FALLBACK_RECIPIENTS))
      facts.push({ recipient: a, diagnostic: pickDiagnostic(words), context: words });
  }

  if (facts.length) {
    if (summary) for (const f of facts) if (f.context !== notice) f.summary = summary;
    // The recipient's block is part of the notice: the notice (bounded, read once) and the
    // server's words (which may come from the delivery-status part) are all the rules need.
    // With several recipients' blocks, an MTA's wording in one block says nothing of the
    // others: the rules read the text above the blocks, and each recipient's own block.
    const perBlock = noticeRecipients.length > 1 && firstBlock > 0;
    const rules = noticeRules(perBlock ? notice.slice(0, firstBlock) : notice, subject, top);
    for (const f of facts) {
      // Contexts are blocks of the notice: only one past the part read for the rules adds words.
      const late =
        perBlock ||
        (notice.length > NOTICE_RULES_BYTES &&
          !!f.context &&
          notice.indexOf(f.context) + f.context.length > NOTICE_RULES_BYTES);
      f.contextNamesProviderHost = perBlock || rules.namesProviderHost;
      if (!f.fixedReason)
        f.preset ??= presetFor(
          late && f.context ? `${f.diagnostic ?? ""}\n${f.context.slice(0, 4096)}` : (f.diagnostic ?? ""),
          rules,
        );
    }
    const diagnoses = dedupe(facts.map((f) => diagnose(f, ctx)));
    const kind: MessageKind = diagnoses.every((d) => d.reason === "delivered") ? "delivery" : "bounce";
    for (const limit of noticeRecipients.truncated ?? []) reached(cut, limit, noticeRecipients.recipientsNamed ?? 0);
    return { kind, messageId, diagnoses, error: null };
  }

  // 4. Auto-replies that also look like bounces but named no recipient
  if (auto) {
    const v = vacation(top, auto, ctx);
    if (v) return { kind: "vacation", messageId, diagnoses: [v], error: null };
  }
  return {
    kind: "unknown",
    messageId,
    diagnoses: [],
    error: "no failed recipient found: not a bounce, feedback report or auto-reply",
  };
}

/** A block that is its address line and nothing else (one entry of a list). */
function bareListing(n: NoticeBlock): boolean {
  const t = n.block.trim();
  return t.indexOf("\n") === -1 && t.length < n.address.length + 8;
}

/**
 * The block after a run of bare listings, when it ends the same list and its words name
 * no address of their own (they then speak for the whole list); null otherwise.
 */
function listTail(blocks: NoticeBlock[], k: number): NoticeBlock | null {
  let j = k + 1;
  while (j < blocks.length && bareListing(blocks[j])) j++;
  const last = blocks[j];
  if (!last || last.delivered) return null;
  const words = last.block.slice(last.block.indexOf(last.address) + last.address.length);
  return words.trim() && !words.includes("@") ? last : null;
}

/**
 * A failure subject whose words right after the colon are the address ("Undeliverable
 * mail: a@b", Domino's "DELIVERY FAILURE: User x (a@b) not listed..."). An address later
 * in the subject may be the returned message's own subject ("Undeliverable: Call with
 * a@b"), so it is not taken.
 */
const SUBJECT_NAMES_RECIPIENT =
  /^(?:delivery failure|undeliverable|undelivered|returned mail|mail delivery failed|failure notice|non-?delivery)\b[^:]{0,40}:\s*(?:user\s+[^\s()]+\s+\()?<?([^\s<>()@]+@[^\s<>()]+?)>?(?:\)|\s|$)/i;

/** The address a failure subject names as its recipient, unless it is the bounce's own or the sender's. */
function subjectRecipient(subject: string, own: AddressSet): string[] {
  const m = SUBJECT_NAMES_RECIPIENT.exec(subject.length > 300 ? subject.slice(0, 300) : subject);
  const named = m ? addressesIn(m[1]) : [];
  return named.length === 1 && !own.has(named[0]) ? named : [];
}

function originalTo(original: OriginalHeaders): string[] {
  return addressesIn(original.get("to"));
}

/** Does the notice name the address's local part as a word of its own ("nobody... User unknown")? */
function localPartNamed(notice: string, address: string): boolean {
  const local = address.slice(0, address.lastIndexOf("@"));
  if (!local) return false;
  const text = notice.length > 16 * 1024 ? notice.slice(0, 16 * 1024) : notice;
  const re = new RegExp(
    String.raw`(?:^|[\s<"'(])${local.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?=[\s>"'.,:;)]|$)`,
    "im",
  );
  return re.test(text);
}

/**
 * Microsoft (Hotmail, Outlook.com) and Amazon SES send complaints as a plain multipart/mixed
 * with the original attached, not as RFC 5965 reports.
 */
function isMicrosoftAbuseReport(root: MimePart, top: Headers, subject: string): boolean {
  if (root.type !== "multipart/mixed") return false;
  if (!/complaint about message from /i.test(subject)) return false;
  const from = addressesIn(header(top, "from"))[0] ?? "";
  return /^(?:staff@hotmail\.com|complaints@email-abuse\.amazonses\.com)$/.test(from);
}

function vacation(top: Headers, evidence: string, ctx: MessageContext): BounceDiagnosis | null {
  const from = addressesIn(header(top, "from"))[0] ?? addressesIn(header(top, "reply-to"))[0];
  if (!from) return null;
  return diagnose({ recipient: from, fixedReason: { reason: "vacation", evidence }, diagnostic: null }, ctx);
}

function partBody(p: MimePart): string {
  // A delivery-status part may itself be base64 or quoted-printable.
  return partText(p);
}

/** What a Sendmail-style "Transcript of session follows" section says. */
interface Transcript {
  /** the last command sent (">>> DATA") */
  command: string | null;
  /** the server replied ("<<<") before any command was sent: at the greeting or EHLO */
  beforeCommands: boolean;
  /** the server's replies ("<<< 550-5.7.1 ..." lines), joined */
  replies: string;
  /** the MTA's own status line ("554 5.3.0 unknown mailer error 255") */
  status: string;
}

function sessionTranscript(notice: string): Transcript | null {
  const at = notice.indexOf("Transcript of session follows");
  if (at === -1) return null;
  let command: string | null = null;
  const replies: string[] = [];
  let status = "";
  let lastWasReply = false;
  for (const line of notice.slice(notice.indexOf("\n", at) + 1, at + 16 * 1024).split("\n")) {
    if (lastWasReply && replies.length && (line.startsWith(" ") || line.startsWith("\t")) && line.trim()) {
      // A reply line wrapped in transit: its continuation belongs to it.
      replies[replies.length - 1] += " " + line.trim();
      continue;
    }
    lastWasReply = false;
    if (line.startsWith(">>> ")) command = /^>>> ([A-Za-z]{4})\b/.exec(line)?.[1].toUpperCase() ?? command;
    else if (line.startsWith("<<< ")) {
      const r = line.slice(4).trim();
      if (r && !replies.includes(r)) {
        replies.push(r);
        lastWasReply = true;
      }
    } else if (/^[45]\d\d[ \t][45]\.\d\.\d[ \t]/.test(line)) status += (status ? " " : "") + line.trim();
  }
  if (command === "HELO") command = "EHLO";
  if (command !== "RCPT" && command !== "MAIL" && command !== "DATA" && command !== "EHLO") command = null;
  return {
    command,
    beforeCommands: !command && replies.length > 0,
    replies: replies.length ? joinReplyLines(replies.join(" ")) : "",
    status,
  };
}

function dsnFacts(
  r: DsnRecipient,
  address: string,
  reportingMta: string | null,
  context: string,
  noticeBlock: NoticeBlock | undefined,
  transcript: Transcript | null,
): RecipientFacts {
  // The notice's words for the recipient are picked only when the DSN gives none.
  const noticeDiag = noticeBlock ? pickDiagnostic(noticeBlock.block, noticeBlock.address) : null;
  let diag = r.diagnosticCode ?? noticeDiag;
  // A relay's own summary in the Diagnostic-Code ("554 5.0.0 Service unavailable") under a
  // notice that quotes the remote server's precise reply of the same class: the remote
  // server's words come first in the order of trust.
  if (r.diagnosticCode && noticeDiag && isGenericReply(r.diagnosticCode)) {
    const quoted = findStatus(noticeDiag);
    if (quoted && !quoted.endsWith(".0.0") && replyClass(noticeDiag)?.cls === replyClass(r.diagnosticCode)?.cls)
      diag = noticeDiag;
  }
  // Two remote replies for one recipient that disagree on permanence (the DSN's
  // Diagnostic-Code and the notice's own quote of the server): said, and never suppressing.
  const conflicts: string[] = [];
  if (r.diagnosticCode && noticeDiag && noticeBlock) {
    // Only when no reply the notice quotes for the recipient agrees: a notice recounting an
    // earlier attempt (another MX said "450 busy") before the final one is no conflict.
    const a = replyClass(r.diagnosticCode);
    const b = replyClass(noticeDiag);
    if (a && b && a.cls !== b.cls && !replyClassesIn(noticeBlock.block).has(a.cls)) {
      conflicts.push(
        `conflicting evidence: the DSN's Diagnostic-Code says ${a.code} but the notice quotes ${b.code} for this recipient; not treated as a hard bounce`,
      );
    }
  }
  if (transcript) {
    // A Diagnostic-Code that is only a program's exit code ("X-Unix; 77") says nothing:
    // the MTA's own status line does. Sendmail cuts a multi-line reply to its first line
    // in the Diagnostic-Code: the transcript's whole reply says more.
    if ((!diag || /^\s*\d*\s*$/.test(diag)) && transcript.status) diag = transcript.status;
    else if (diag && transcript.replies.length > diag.length && sameReply(diag, transcript.replies))
      diag = transcript.replies;
  }
  return {
    recipient: address,
    originalRecipient: addressesIn(r.originalRecipient)[0] ?? null,
    statusField: r.status,
    diagnostic: diag,
    command: transcript?.command ?? null,
    commandFallback: transcript?.beforeCommands ? "EHLO" : null,
    context: context || null,
    diagnosticType: r.diagnosticCode ? (r.diagnosticType ?? "SMTP") : "",
    action: r.action,
    remoteMta: r.remoteMta,
    reportingMta,
    lastAttemptDate: r.lastAttemptDate,
    preset: vendorPreset(r.vendorCategory),
    conflicts: conflicts.length ? conflicts : null,
  };
}

/** The classes (4, 5) of every reply line a notice block quotes ("<<< 550 ...", "said: 452 ..."). */
function replyClassesIn(block: string): Set<string> {
  const out = new Set<string>();
  const re =
    /(?:^|\n)\s*(?:<<<\s*)?([45])\d\d[ -]|(?:said|reply|response|error)\s*:?\s*([45])\d\d[ -]|\b([45])\.\d{1,3}\.\d{1,3}\b/gi;
  const text = block.length > 8192 ? block.slice(0, 8192) : block;
  for (let m = re.exec(text), n = 0; m && n < 100; m = re.exec(text), n++) out.add(m[1] ?? m[2] ?? m[3]);
  return out;
}

/** A reply whose enhanced status is only the class's catch-all (x.0.0). */
function isGenericReply(text: string): boolean {
  return findStatus(text)?.endsWith(".0.0") ?? false;
}

/** The class (4 or 5) of a server reply, from its reply code or enhanced status. */
function replyClass(text: string): { cls: string; code: string } | null {
  const code = findReplyCode(text) ?? findStatus(text);
  return code && (code[0] === "4" || code[0] === "5") ? { cls: code[0], code } : null;
}

/**
 * PowerMTA's bounce categories (its documented `X-PowerMTA-BounceCategory` values) → the
 * reason, as a weak preset: the remote server's own words still refine it.
 */
const POWERMTA_CATEGORY: Record<string, BounceReason> = {
  "bad-mailbox": "userunknown",
  "bad-domain": "hostunknown",
  "inactive-mailbox": "suspend",
  "quota-issues": "mailboxfull",
  "spam-related": "spamdetected",
  "policy-related": "policyviolation",
  "message-expired": "expired",
  "no-answer-from-host": "networkerror",
  "bad-connection": "networkerror",
  "routing-errors": "systemerror",
  "content-related": "contenterror",
  "invalid-sender": "rejected",
  "protocol-errors": "systemerror",
  "relaying-issues": "norelaying",
  "virus-related": "virusdetected",
};
function vendorPreset(category: string | null): RecipientFacts["preset"] {
  const reason = category ? POWERMTA_CATEGORY[category] : undefined;
  return reason ? { reason, evidence: `X-PowerMTA-BounceCategory: ${category}`, weak: true } : null;
}

/** Is `longer` the same reply as `short`, continued? (codes aside, `short`'s words start it) */
function sameReply(short: string, longer: string): boolean {
  const body = (t: string) =>
    joinReplyLines(t)
      .replace(/^[245]\d\d[ -](?:[245]\.\d{1,3}\.\d{1,3}\s+)?/, "")
      .replace(/\s+/g, " ")
      .trim();
  const a = body(short);
  return a.length >= 8 && body(longer).startsWith(a);
}

function pickAddress(r: DsnRecipient): string | null {
  for (const v of [r.finalRecipient, r.originalRecipient]) {
    const a = addressesIn(v)[0];
    if (a) return a;
  }
  return null;
}

function dedupe(list: BounceDiagnosis[]): BounceDiagnosis[] {
  const seen = new Set<string>();
  return list.filter((d) => {
    if (seen.has(d.recipient)) return false;
    seen.add(d.recipient);
    return true;
  });
}

const MAX_FALLBACK_RECIPIENTS = 100;
const MAX_FEEDBACK_RECIPIENTS = 1000;

function feedbackDiagnoses(
  parts: Parts,
  original: OriginalHeaders,
  top: Headers,
  ctx: MessageContext,
  cut: Cut,
): BounceDiagnosis[] {
  const fb = parts.feedback ? parseFeedbackReport(partText(parts.feedback)) : parseFeedbackReport("");
  let recipients = fb.recipients;
  // Microsoft's Junk Mail Reporting Program names the complainant in the returned message.
  if (!recipients.length) recipients = addressesIn(original.get("x-hmxmroriginalrecipient"));
  if (!recipients.length) recipients = addressesIn(original.get("to"));
  if (!recipients.length) recipients = addressesIn(header(top, "x-original-to") ?? header(top, "to"));
  if (recipients.length > MAX_FEEDBACK_RECIPIENTS)
    reached(
      cut,
      `feedback report: only the first ${MAX_FEEDBACK_RECIPIENTS} of ${recipients.length} recipients were read`,
      recipients.length,
    );
  return recipients.slice(0, MAX_FEEDBACK_RECIPIENTS).map((r) =>
    diagnose(
      {
        recipient: r,
        fixedReason: {
          reason: "feedback",
          evidence: `feedback report (Feedback-Type: ${fb.feedbackType ?? (parts.feedback ? "unknown" : "abuse")})`,
        },
        feedbackType: fb.feedbackType ?? (parts.feedback ? "other" : "abuse"),
        lastAttemptDate: fb.arrivalDate,
        remoteMta: fb.sourceIp,
        reportingMta: fb.userAgent,
      },
      ctx,
    ),
  );
}

/** Trace and signature fields of the returned message: long, and nothing reads them. */
const ORIGINAL_SKIPPED: ReadonlySet<string> = new Set([
  "received",
  "dkim-signature",
  "arc-seal",
  "arc-message-signature",
  "arc-authentication-results",
]);

/** Headers of the returned original message, from its part or from the quoted notice. */
/** The returned message's header fields, decoded (RFC 2047) when read. */
class OriginalHeaders {
  private readonly decoded = new Map<string, string>();
  private all: Record<string, string> | null = null;
  constructor(private readonly fields: Headers) {}
  get(name: string): string | undefined {
    let v = this.decoded.get(name);
    if (v === undefined) {
      const raw = this.fields.get(name);
      if (!raw) return undefined;
      this.decoded.set(name, (v = decodeEncodedWords(raw[0])));
    }
    return v;
  }
  record(): Record<string, string> {
    if (!this.all) {
      const all: Record<string, string> = {};
      // One pass over the fields (each decoded once, remembered for get()).
      for (const [name, raw] of this.fields) {
        if (name.startsWith("arc-")) continue;
        let v = this.decoded.get(name);
        if (v === undefined) this.decoded.set(name, (v = decodeEncodedWords(raw[0])));
        all[name] = v;
      }
      this.all = all;
    }
    return this.all;
  }
}

function readOriginal(part: MimePart | null, noticeText: string | null): OriginalHeaders {
  let block = "";
  if (part) {
    // Only the header block is read: cut the raw body at its end before decoding, unless
    // the part is base64 or quoted-printable (then the cut must follow the decoding).
    const cte = (header(part.headers, "content-transfer-encoding") ?? "").trim().toLowerCase();
    let body: string;
    if (cte === "base64" || cte === "quoted-printable") body = partText(part, 16 * 1024);
    else {
      const raw = part.rawBody;
      let start = 0;
      while (start < raw.length && raw.charCodeAt(start) <= 32) start++;
      const end = raw.indexOf("\n\n", start);
      body = decodeCharset(
        raw.slice(start, Math.min(end === -1 ? raw.length : end + 1, start + 16 * 1024)),
        part.params.charset,
      );
    }
    block = part.type.includes("headers") ? body : splitHeaderBody(body.replace(/^\s+/, ""))[0];
  } else if (noticeText) {
    const text = noticeText.length > 64 * 1024 ? noticeText.slice(0, 64 * 1024) : noticeText;
    const m =
      /\n(?:Return-Path|Received|From|To|Subject|Message-I[Dd]|Date|DKIM-Signature|X-[A-Za-z0-9-]+):[^\n]*\n(?:[ \t][^\n]*\n)*(?:[A-Za-z0-9-]+:[^\n]*\n)/.exec(
        text,
      );
    if (m) block = splitHeaderBody(text.slice(m.index + 1))[0];
  }
  return new OriginalHeaders(block ? parseHeaders(block, ORIGINAL_SKIPPED) : new Map());
}

const AUTH_SPF = /\bspf\s*=\s*([a-z]+)/i;
const AUTH_DKIM = /\bdkim\s*=\s*([a-z]+)/i;
const AUTH_DMARC = /\bdmarc\s*=\s*([a-z]+)/i;

function authValue(re: RegExp, v: string): string | null {
  return re.exec(v)?.[1].toLowerCase() ?? null;
}

function authResultsOf(h: Headers): AuthResults | null {
  const v = (h.get("authentication-results") ?? []).join("; ");
  if (!v) return null;
  const r = { spf: authValue(AUTH_SPF, v), dkim: authValue(AUTH_DKIM, v), dmarc: authValue(AUTH_DMARC, v) };
  return r.spf || r.dkim || r.dmarc ? r : null;
}

/** The bounce's own fields that name its sender or its own addresses, and the returned message's. */
const OWN_FIELDS = ["from", "to", "return-path", "reply-to", "sender", "delivered-to", "envelope-to", "cc"];
const ORIGINAL_SENDER_FIELDS = ["from", "return-path", "reply-to", "sender"];

/**
 * The sender's and the bounce's own addresses, gathered when first asked (most notices name
 * none), and only for an address whose domain their fields name at all: an address's domain
 * is ASCII, so it is in the fields' lower-cased text when the address is among theirs.
 */
class OwnAddresses implements AddressSet {
  private all: Set<string> | null = null;
  private text: string | null = null;
  constructor(
    private readonly top: Headers,
    private readonly original: OriginalHeaders,
  ) {}
  has(address: string): boolean {
    if (!this.all) {
      this.text ??= ownFieldsText(this.top, this.original);
      if (this.text.indexOf(address.slice(address.lastIndexOf("@") + 1)) === -1) return false;
      this.all = excludedAddresses(this.top, this.original);
    }
    return this.all.has(address);
  }
}

/** The fields excludedAddresses reads, in one lower-cased text. */
function ownFieldsText(top: Headers, orig: OriginalHeaders): string {
  const parts: string[] = [];
  for (const name of OWN_FIELDS) {
    const values = top.get(name);
    if (values) for (const v of values) parts.push(v);
  }
  for (const name of ORIGINAL_SENDER_FIELDS) parts.push(orig.get(name) ?? "");
  return parts.join("\n").toLowerCase();
}

function excludedAddresses(top: Headers, orig: OriginalHeaders): Set<string> {
  const out = new Set<string>();
  for (const name of OWN_FIELDS) {
    const values = top.get(name);
    if (values) for (const v of values) for (const a of addressesIn(v)) out.add(a);
  }
  for (const name of ORIGINAL_SENDER_FIELDS) for (const a of addressesIn(orig.get(name))) out.add(a);
  return out;
}

/**
 * Whether the message looks like a bounce, asked up to three times and answered once (it
 * reads up to 16 KB of the notice). (An object, not a closure: a closure made for every
 * message is one more function the tsx bench names per call.)
 */
class BounceLikeness {
  private verdict: boolean | null = null;
  constructor(
    private readonly top: Headers,
    private readonly subject: string,
    private readonly notice: string,
  ) {}
  answer(): boolean {
    return (this.verdict ??= looksLikeBounce(this.top, this.subject, this.notice));
  }
}

function looksLikeBounce(top: Headers, subject: string, notice: string): boolean {
  const from = (header(top, "from") ?? "").toLowerCase();
  if (/mailer-daemon|postmaster|mail delivery|mail-daemon/.test(from)) return true;
  if (
    /undeliver|undelivered|returned mail|returned to sender|delivery (?:status|failure|failed|notification|problem|report)|failure notice|could not be delivered|non[- ]?deliver|rejected|unable to deliver|message not delivered|mail delivery failed/i.test(
      subject,
    )
  )
    return true;
  const start = notice.length > 16 * 1024 ? notice.slice(0, 16 * 1024) : notice;
  return /could not be delivered|undeliverable|delivery has failed|permanent error|was not delivered|unable to deliver|delivery to the following recipients? failed|I wasn't able to deliver|returned to sender/i.test(
    start,
  );
}

/** The text without its closed <script> and <style> elements (an unclosed one is left as text), in one pass. */
function withoutScripts(s: string): string {
  const lower = s.toLowerCase();
  let out = "";
  let at = 0;
  let script = lower.indexOf("<script", at);
  let style = lower.indexOf("<style", at);
  while (script >= 0 || style >= 0) {
    const isScript = style < 0 || (script >= 0 && script < style);
    const start = isScript ? script : style;
    const closing = isScript ? "</script>" : "</style>";
    const close = lower.indexOf(closing, start);
    if (close < 0) break;
    out += s.slice(at, start) + " ";
    at = close + closing.length;
    // Each search moves forward only: a position already passed is looked up again from `at`.
    if (script >= 0 && script < at) script = lower.indexOf("<script", at);
    if (style >= 0 && style < at) style = lower.indexOf("<style", at);
  }
  return out + s.slice(at);
}

function cleanId(v: string | null): string | null {
  if (!v) return null;
  const m = /<([^>]+)>/.exec(v);
  return (m ? m[1] : v).trim() || null;
}

/** An HTML tag that only a document uses, tried where the text has a "<" (and only there). */
const HTML_TAG_AT = /<(?:html|body|div|p|br|table)\b/iy;

/**
 * Does the text hold one of HTML_TAG_AT's tags? Asked at each "<" rather than by a search of
 * the whole text: a plain notice has a few "<" (around addresses), and a case-insensitive
 * alternation searched from every position of a long notice was a fiftieth of the run.
 */
function looksLikeHtml(s: string): boolean {
  for (let at = s.indexOf("<"); at !== -1; at = s.indexOf("<", at + 1)) {
    HTML_TAG_AT.lastIndex = at;
    if (HTML_TAG_AT.test(s)) return true;
  }
  return false;
}

// Linear in the text whatever it holds: a notice listing thousands of "<p+x@host" addresses
// looks like HTML (`<p` then a word boundary), and an unanchored /<[^>]+>/ then scanned to the
// end of the text from every "<" that has no ">" (quadratic). A tag here never spans a "<".
function htmlToText(s: string): string {
  if (!looksLikeHtml(s)) return s;
  return withoutScripts(s)
    .replace(/<br\s*\/?>|<\/(?:p|div|tr|li|h\d)>/gi, "\n")
    .replace(/<[^<>]*>/g, " ")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&")
    .replace(/&nbsp;/g, " ")
    .replace(/&quot;/g, '"');
}
