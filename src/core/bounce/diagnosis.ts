// The vocabulary of a bounce diagnosis: what others code against (GraphQL, ingest, CLI).
import type { MailboxProvider } from "../providers";

export type { MailboxProvider };

export const BOUNCE_TYPES = ["HARD", "SOFT", "UNDETERMINED"] as const;
export type BounceType = (typeof BOUNCE_TYPES)[number];

export const BOUNCE_FAULTS = [
  "RECIPIENT_ADDRESS",
  "RECIPIENT_MAILBOX",
  "SENDER_AUTHENTICATION",
  "SENDER_REPUTATION",
  "CONTENT",
  "POLICY",
  "NETWORK",
  "PROTOCOL",
  "UNKNOWN",
] as const;
export type BounceFault = (typeof BOUNCE_FAULTS)[number];

export const BOUNCE_550_VARIANTS = [
  "USER_UNKNOWN",
  "ACCESS_DENIED",
  "ADDRESS_REJECTED",
  "MAILBOX_UNAVAILABLE",
  "CATCH_ALL_BLOCK",
  "MIXED_SIGNAL",
  "NOT_550",
] as const;
export type Bounce550Variant = (typeof BOUNCE_550_VARIANTS)[number];

/** Sisimai's reason vocabulary (5.x), lower-case as Sisimai prints it. */
export const BOUNCE_REASONS = [
  "authfailure",
  "badreputation",
  "blocked",
  "contenterror",
  "delivered",
  "exceedlimit",
  "expired",
  "failedstarttls",
  "feedback",
  "filtered",
  "hasmoved",
  "hostunknown",
  "mailboxfull",
  "mailererror",
  "mesgtoobig",
  "networkerror",
  "norelaying",
  "notaccept",
  "notcompliantrfc",
  "onhold",
  "policyviolation",
  "rejected",
  "requireptr",
  "securityerror",
  "spamdetected",
  "speeding",
  "suppressed",
  "suspend",
  "syntaxerror",
  "systemerror",
  "systemfull",
  "toomanyconn",
  "undefined",
  "userunknown",
  "vacation",
  "virusdetected",
] as const;
export type BounceReason = (typeof BOUNCE_REASONS)[number];

export const MESSAGE_KINDS = ["bounce", "feedback", "vacation", "delivery", "unknown"] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

export interface AuthResults {
  spf: string | null;
  dkim: string | null;
  dmarc: string | null;
}

export interface BounceDiagnosis {
  recipient: string;
  /** the DSN's Original-Recipient, the address the sender wrote, when given (recipient is the final one) */
  originalRecipient?: string | null;
  recipientDomain: string;
  /** SMTP reply code, e.g. 550 */
  replyCode: number | null;
  /** RFC 3463 enhanced status code, e.g. "5.1.1" */
  status: string | null;
  bounceType: BounceType;
  reason: BounceReason;
  /** true only when the address itself is bad and must be suppressed */
  hardBounce: boolean;
  fault: BounceFault;
  variant: Bounce550Variant;
  likelyCause: string;
  firstAction: string;
  /** the receiving server's own words */
  diagnosticCode: string | null;
  remoteMta: string | null;
  reportingMta: string | null;
  action: string | null;
  lastAttemptAt: Date | null;
  authResults: AuthResults | null;
  feedbackType: string | null;
  recipientProvider: MailboxProvider;
  originalMessageId: string | null;
  /** headers of the returned original message (lower-case names), when the bounce carries them */
  originalHeaders: Record<string, string>;
  /** which rule or field decided the reason */
  evidence: string[];
  ruleVersion: string;
}

export interface MessageAnalysis {
  kind: MessageKind;
  messageId: string | null;
  diagnoses: BounceDiagnosis[];
  error: string | null;
  /** set when one of the caps stopped the reading early (addresses per line, per message...) */
  truncated?: Truncation;
}

/** What the caps on one message's reading left out (the work per message stays bounded). */
export interface Truncation {
  /** which caps stopped the reading, in words (each is also on every row's evidence) */
  limits: string[];
  /** recipients the message names, counted past the caps: at least the rows returned */
  recipients: number;
}

export interface AnalyzeOptions {
  /** MX-based provider answer for custom domains, supplied by the shell (cached DNS). */
  mxProvider?: (domain: string) => MailboxProvider | null;
}

/** Bumped whenever a rule table changes what a message is classified as. */
export const RULE_VERSION = "2026.12.1";
