// One recipient's facts (from a DSN, a notice, an SMTP reply or an ESP event) → diagnosis.
import { recipientProvider } from "../providers";
import { adviceFor, FAULT_OF, isHardBounce, variantOf } from "./advice";
import {
  RULE_VERSION,
  type AnalyzeOptions,
  type AuthResults,
  type BounceDiagnosis,
  type BounceReason,
  type BounceType,
} from "./diagnosis";
import { decideReason, reasonOfStatus, REFINABLE } from "./reason-rules";
import { providerReason } from "./rhost-rules";
import { findCommand } from "./smtp-reply";
import { permanenceWords, WARNING_ONLY } from "./permanence-words";
import { collapseSpaces } from "./spaces";
import { codesByTrust } from "./trust.order";

export interface RecipientFacts {
  recipient: string;
  /** the DSN's Original-Recipient (the address the sender used), when it has one */
  originalRecipient?: string | null;
  /** DSN Status field */
  statusField?: string | null;
  /** the receiving server's own words */
  diagnostic?: string | null;
  /** wider text searched for wording (the notice block), when the diagnostic is thin */
  context?: string | null;
  /** the notice's summary above the recipients' blocks ("This is a permanent error"): read for permanence only when nothing closer says it */
  summary?: string | null;
  /** false when the context is known to name no provider's host (it is then not searched for one) */
  contextNamesProviderHost?: boolean;
  diagnosticType?: string | null;
  action?: string | null;
  remoteMta?: string | null;
  reportingMta?: string | null;
  lastAttemptDate?: string | null;
  /** SMTP command named by the source (structured events, a session transcript) */
  command?: string | null;
  /** the command when the words name none (a transcript whose replies came before any command) */
  commandFallback?: string | null;
  /** reply code given as a field (structured events) */
  replyCodeField?: string | null;
  /** a reason an MTA's own notice settles (weak: it names only the SMTP stage; permanent: a null MX) */
  preset?: {
    reason: BounceReason;
    evidence: string;
    weak?: boolean;
    permanent?: boolean;
    yieldsToStatus?: boolean;
  } | null;
  /** disagreements between this recipient's sources, already worded for `evidence` (no hard bounce then) */
  conflicts?: string[] | null;
  /** a reason that no rule may change (feedback, vacation) */
  fixedReason?: { reason: BounceReason; evidence: string } | null;
  feedbackType?: string | null;
}

export interface MessageContext {
  authResults: AuthResults | null;
  originalHeaders: Record<string, string>;
  originalMessageId: string | null;
  options?: AnalyzeOptions;
}

export const EMPTY_CONTEXT: MessageContext = { authResults: null, originalHeaders: {}, originalMessageId: null };

export function normaliseText(s: string): string {
  return collapseSpaces(s.toLowerCase()).trim();
}

export function diagnose(f: RecipientFacts, ctx: MessageContext): BounceDiagnosis {
  const recipient = f.recipient.trim().replace(/^<|>$/g, "").toLowerCase();
  const at = recipient.lastIndexOf("@");
  const recipientDomain = at === -1 ? "" : recipient.slice(at + 1);
  const diagnostic = f.diagnostic ? collapseSpaces(f.diagnostic).trim() || null : null;
  const diagText = diagnostic ?? "";
  const context = f.context ?? "";

  // Which source's codes count, and in what order: trust.order.ts.
  const codes = codesByTrust({
    reply: diagText,
    replyCodeField: f.replyCodeField,
    statusField: f.statusField,
    summary: context,
  });
  const { replyCode, statusField, textStatus } = codes;
  let status = codes.status;
  // A domain that accepts no mail at all (null MX, RFC 7505) fails for good, even when the
  // sending MTA reported it in a delay notice with a generic 4.0.0.
  if (f.preset?.permanent && (!status || (status[0] === "4" && status.endsWith(".0.0")))) status = "5.1.10";
  // Wrapped lines are read joined: "after MAIL\n FROM:<...>" names the MAIL stage.
  // (Joined only when the lines as they stand name no command and some line was wrapped.)
  const near = context.length > 8192 ? context.slice(0, 8192) : context;
  const command =
    f.command ??
    findCommand(diagText, context) ??
    (WRAPPED.test(near) ? findCommand("", collapseSpaces(near)) : null) ??
    f.commandFallback ??
    "";
  let preset = f.preset ?? null;
  if (preset?.yieldsToStatus && textStatus && /^[45]\.[1-7]\.[1-9]$/.test(textStatus) && reasonOfStatus(textStatus)) {
    preset = {
      reason: reasonOfStatus(textStatus) as BounceReason,
      evidence: `status ${textStatus} in the reply (over ${preset.evidence})`,
    };
  }
  const evidence: string[] = [];

  let reason: BounceReason;
  if (f.fixedReason) {
    reason = f.fixedReason.reason;
    evidence.push(f.fixedReason.evidence);
  } else if (!diagText && !preset && statusField && (statusField === "4.4.7" || statusField === "5.4.7")) {
    // "Delivery time expired" with no reply from a server: the notice around it only
    // recounts earlier attempts (a refused connection, a timeout...), the queue gave up.
    reason = "expired";
    evidence.push(`status ${statusField} (delivery time expired) without a server reply`);
  } else {
    // Bounded: the words that decide are near the recipient; a huge notice adds only cost.
    // The server's words decide; the surrounding notice only when they are too thin.
    const thin = diagText.replace(/^[\d.\s-]+/, "").length < 12;
    // (The server's words are already single-spaced and trimmed: only lower-cased here.)
    const text =
      thin && context
        ? normaliseText(`${diagText} ${context}`.slice(0, 8192))
        : diagText
          ? diagText.slice(0, 8192).toLowerCase().trimEnd()
          : normaliseText(context.slice(0, 8192));
    // A provider's own codes and wording (Sisimai's Rhost tables) come before the generic
    // reading, unless an MTA rule already settled the reason.
    const byProvider =
      !preset || preset.weak || REFINABLE.has(preset.reason)
        ? providerReason(
            recipientDomain,
            f.remoteMta ?? null,
            {
              diag: text,
              raw: diagText || context.slice(0, 8192),
              status: status ?? "",
              replyCode: replyCode ?? "",
              command,
            },
            f.remoteMta
              ? ""
              : f.contextNamesProviderHost === false
                ? diagText
                : `${diagText}\n${context.slice(0, 4096)}`,
          )
        : null;
    const input = {
      status: status ?? "",
      replyCode: replyCode ?? "",
      diag: text,
      command,
      action: (f.action ?? "").toLowerCase(),
      diagType: (f.diagnosticType ?? "").toUpperCase(),
      preset: preset?.reason ?? null,
      presetEvidence: preset?.evidence,
      presetWeak: preset?.weak ?? false,
    };
    let r = byProvider ? { reason: byProvider.reason, evidence: [byProvider.evidence] } : decideReason(input);
    // Third in the order of trust: when the recipient's own words name no cause, the
    // notice's summary above the recipients may ("This Message was undeliverable due to
    // the following reason: The user(s) account is temporarily over quota.").
    if (r.reason === "onhold" && !replyCode && f.summary) {
      const above = decideReason({ ...input, diag: normaliseText(f.summary.slice(-4096)) });
      if (above.reason !== "onhold" && above.reason !== "undefined" && above.reason !== "delivered")
        r = { reason: above.reason, evidence: [...above.evidence, "from the notice's summary above the recipients"] };
    }
    reason = r.reason;
    evidence.push(...r.evidence);
  }
  // No code anywhere: the notice's own words (and a reason that can only be permanent)
  // still say permanent or temporary, at the RFC 3463 class level, marked as inferred.
  if (!status && !f.fixedReason && reason !== "delivered" && reason !== "vacation" && reason !== "feedback") {
    const inferred = inferredClass(
      reason,
      f.action ?? null,
      `${diagText}\n${context.length > 4096 ? context.slice(0, 4096) : context}`,
      f.summary ?? "",
    );
    if (inferred) {
      status = inferred.status;
      evidence.push(`status ${inferred.status} inferred (no code given): ${inferred.why}`);
      // A warning-only notice whose server words name no cause is what a DSN would mark
      // Action: delayed (RFC 3464): the message is still queued, so its reason is the same.
      if (
        status === "4.0.0" &&
        (reason === "onhold" || reason === "undefined") &&
        WARNING_ONLY.test(collapseSpaces(`${diagText}\n${context.slice(0, 4096)}\n${(f.summary ?? "").slice(-4096)}`))
      ) {
        reason = "expired";
        evidence.push("a delay notice: it says the MTA is still trying");
      }
    }
  }
  if (statusField) evidence.push(`Status field ${statusField}`);
  if (replyCode) evidence.push(`reply code ${replyCode}`);
  if (command) evidence.push(`SMTP command ${command}`);

  const bounceType = bounceTypeOf(reason, status, replyCode, f.action ?? null, diagText || context);
  // Evidence that disagrees on permanence (a 4.x.x Status over a 5xx reply, or the other
  // way) is said, and never suppresses an address: a wrong suppression cannot be undone
  // by the next bounce, a missed one can.
  const conflict = f.fixedReason ? null : permanenceConflict(statusField, textStatus, replyCode);
  if (conflict) evidence.push(conflict);
  if (f.conflicts) evidence.push(...f.conflicts);
  const hardBounce = !conflict && !f.conflicts?.length && isHardBounce(reason, bounceType);
  if (f.originalRecipient && f.originalRecipient !== recipient)
    evidence.push(`Original-Recipient ${f.originalRecipient} (the address sent to; final recipient ${recipient})`);
  const replyNum = replyCode ? Number(replyCode) : null;
  const variant = variantOf(replyNum, status, diagText || context, reason);
  const { likelyCause, firstAction } = adviceFor(reason, variant);
  const last = f.lastAttemptDate ? new Date(f.lastAttemptDate) : null;

  return {
    recipient,
    originalRecipient: f.originalRecipient ?? null,
    recipientDomain,
    replyCode: replyNum,
    status: status ?? null,
    bounceType,
    reason,
    hardBounce,
    fault: FAULT_OF[reason],
    variant,
    likelyCause,
    firstAction,
    diagnosticCode: diagnostic,
    remoteMta: f.remoteMta ?? null,
    reportingMta: f.reportingMta ?? null,
    action: f.action ? f.action.toLowerCase() : null,
    lastAttemptAt: last && !Number.isNaN(last.getTime()) ? last : null,
    authResults: ctx.authResults,
    feedbackType: f.feedbackType ?? null,
    recipientProvider: recipientProvider(recipientDomain, ctx.options?.mxProvider),
    originalMessageId: ctx.originalMessageId,
    originalHeaders: ctx.originalHeaders,
    evidence,
    ruleVersion: RULE_VERSION,
  };
}

/** A line break inside a phrase: a word, the break, more words on an indented line. */
const WRAPPED = /[A-Za-z]\r?\n[ \t]+[A-Za-z]/;

/** Reasons that name a fault of the address itself: permanent by nature. */
const PERMANENT_REASONS: ReadonlySet<BounceReason> = new Set([
  "userunknown",
  "hostunknown",
  "hasmoved",
  "notaccept",
  "suspend",
]);

/**
 * The class a notice with no code gives, by the order of trust (trust.order.ts): the
 * recipient's own block first, then the notice's summary above the recipients, then what
 * the reason itself implies, then the DSN action.
 */
function inferredClass(
  reason: BounceReason,
  action: string | null,
  text: string,
  summary: string,
): { status: string; why: string } | null {
  const a = (action ?? "").toLowerCase();
  if (a === "delayed") return { status: "4.0.0", why: "Action: delayed" };
  const own = permanenceWords(text);
  if (own && own.kind !== "both")
    return { status: `${own.kind}.0.0`, why: `the recipient's block says "${own.words}"` };
  // A block that recounts both (Sendmail's "Deferred: ..." attempts, then "could not be
  // delivered for 5 days") is settled by the MTA's verdict on the whole message above it
  // ("The following addresses had permanent fatal errors"); without one nothing decides.
  const intro = summary ? permanenceWords(summary) : null;
  if (intro && intro.kind !== "both")
    return { status: `${intro.kind}.0.0`, why: `the notice's summary says "${intro.words}"` };
  if (own) return null;
  if (PERMANENT_REASONS.has(reason))
    return { status: "5.0.0", why: `reason ${reason} is a fault of the address itself` };
  if (a === "failed") return { status: "5.0.0", why: "Action: failed" };
  return null;
}

/** The permanence classes (4 or 5) that the Status field and the server's reply give, when they differ. */
function permanenceConflict(
  statusField: string | null,
  textStatus: string | null,
  replyCode: string | null,
): string | null {
  const field = statusField?.[0];
  const said = textStatus?.[0] ?? replyCode?.[0];
  if (!field || !said || (field !== "4" && field !== "5") || (said !== "4" && said !== "5") || field === said)
    return null;
  // A reply code and a status code in the reply itself that agree with each other, against
  // the reporting MTA's field: the server's own words are trusted first, but the address is
  // still not suppressed on evidence that contradicts itself.
  return `conflicting evidence: Status field ${statusField} but the reply says ${[replyCode, textStatus].filter(Boolean).join(" ")}; not treated as a hard bounce`;
}

function bounceTypeOf(
  reason: BounceReason,
  status: string | null,
  reply: string | null,
  action: string | null,
  text: string,
): BounceType {
  if (reason === "delivered" || reason === "vacation" || reason === "feedback") return "UNDETERMINED";
  const c = status?.[0] ?? reply?.[0];
  if (c === "5") return "HARD";
  if (c === "4") return "SOFT";
  const a = (action ?? "").toLowerCase();
  if (a === "delayed") return "SOFT";
  const t = text.toLowerCase();
  if (/temporar|try again later|will be retried|persistent/.test(t)) return "SOFT";
  if (/permanent|giving up|gave up/.test(t) || a === "failed") return "HARD";
  return "UNDETERMINED";
}
