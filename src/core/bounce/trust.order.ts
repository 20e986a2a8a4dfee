// The order of trust between the sources of one recipient's evidence, written down once.
// Every reading of a code goes through here; the rest of the classifier only consumes it.
//
//   1. the remote server's own reply: its reply code, enhanced status and words (a DSN's
//      Diagnostic-Code, the reply quoted in a notice block, a transcript's "<<<" lines).
//      Codes are taken only from reply positions (smtp-reply.ts: never from a SIZE=
//      parameter, an IP address, a date or a queue id), and of several replies in a block
//      a failure speaks over an earlier command's success (notice.ts, pickDiagnostic).
//   2. the reporting MTA's per-recipient fields (RFC 3464 Status:, read structurally with
//      comments allowed, Action:, a vendor's category field).
//   3. the reporting MTA's summary for the whole message (the notice around the block),
//      read only when 1 and 2 give nothing: a reply printed once above the list of
//      recipients (notice.ts, replyAbove), the cause named above them when a block names
//      none (diagnose.ts), its verdict ("permanent fatal errors") when a block says both.
//      A relay's own catch-all x.0.0 Diagnostic-Code yields to the remote server's precise
//      reply of the same class quoted in the notice (analyze.ts, dsnFacts).
//   4. boilerplate wording ("This is a permanent error", "will keep trying"): it decides
//      only the class (5.0.0 / 4.0.0, marked inferred) when no code was given at all
//      (diagnose.ts, inferredClass).
//
// A precise code from a lower source can refine a generic one from a higher source
// (a relay's Status 5.0.0 over the server's 550 5.1.1 gives 5.1.1), never contradict its
// class: when the Status field and the reply's enhanced code disagree on permanent vs
// temporary, the one the reply code agrees with is kept (smtp-reply.ts, preferStatus), and
// the disagreement is reported (diagnose.ts) with no hard bounce.
import { findReplyCode, findStatus, isValidStatus, preferStatus } from "./smtp-reply";

export interface CodeSources {
  /** 1: the remote server's reply (single-spaced), "" when none */
  reply: string;
  /** 1: a reply code given as a field by a structured source (ESP event) */
  replyCodeField?: string | null;
  /** 2: the DSN Status field as given */
  statusField?: string | null;
  /** 3: the notice around the recipient's block, read when the reply is absent */
  summary: string;
}

export interface Codes {
  replyCode: string | null;
  /** the Status field, when it is a valid RFC 3463 code */
  statusField: string | null;
  /** the enhanced status found in the reply (or, without a reply, in the summary) */
  textStatus: string | null;
  /** the status chosen by the order above */
  status: string | null;
}

export function codesByTrust(s: CodeSources): Codes {
  const replyCode =
    (s.replyCodeField && /^[245]\d\d$/.test(s.replyCodeField) ? s.replyCodeField : null) ??
    findReplyCode(s.reply) ??
    (s.reply ? null : findReplyCode(s.summary));
  const field = s.statusField?.trim();
  const statusField = isValidStatus(field) ? field : null;
  const textStatus = findStatus(s.reply) ?? (s.reply ? null : findStatus(s.summary));
  // A generic x.0.0 field whose class the reply code contradicts, with no enhanced code in
  // the reply: the field is all there is (the conflict is reported by the caller).
  const chosen =
    statusField?.endsWith(".0.0") && !textStatus && replyCode && replyCode[0] !== statusField[0]
      ? statusField
      : preferStatus(statusField, textStatus, replyCode);
  // No enhanced code anywhere: the reply class still says permanent or transient (RFC 3463 x.0.0).
  const status = chosen ?? (replyCode && replyCode[0] !== "2" ? `${replyCode[0]}.0.0` : null);
  return { replyCode, statusField, textStatus, status };
}
