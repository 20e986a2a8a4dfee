import { registerEnumType } from "type-graphql";
import {
  BOUNCE_550_VARIANTS,
  BOUNCE_FAULTS,
  BOUNCE_REASONS,
  BOUNCE_TYPES,
  MESSAGE_KINDS,
  type BounceReason,
} from "../../core/bounce/diagnosis";
import { MAILBOX_PROVIDERS } from "../../core/providers";

// GraphQL enums for the closed vocabularies (DESIGN.md, API conventions). Internal values
// are the core's strings; GraphQL names are upper-case.

function enumOf<T extends string>(values: readonly T[]): Record<string, T> {
  return Object.fromEntries(values.map((v) => [v.toUpperCase(), v])) as Record<string, T>;
}

export const BounceTypeEnum = enumOf(BOUNCE_TYPES);
registerEnumType(BounceTypeEnum, {
  name: "BounceType",
  description:
    "Is the failure permanent? HARD: a 5xx, never retried. SOFT: a 4xx, retried. UNDETERMINED: no code says.",
});

const REASON_DESCRIPTIONS: Partial<Record<BounceReason, string>> = {
  userunknown: "The mailbox does not exist (5.1.1). The address is bad: suppress it.",
  hostunknown: "The recipient domain does not exist or has no mail server. Suppress the address.",
  hasmoved: "The recipient has moved to another address (5.1.6). Suppress the address.",
  notaccept: "The domain accepts no mail (null MX, 5.1.10 / 556). Suppress when permanent.",
  mailboxfull: "The mailbox is over quota. The address is good; retry later.",
  suspend: "The mailbox is disabled or suspended. Not the sender's fault; do not keep mailing it.",
  authfailure: "SPF, DKIM or DMARC failed at the receiver (5.7.26 and kin). The sender must fix authentication.",
  blocked: "The sending IP or domain is blocked or blocklisted. A sender problem, not a bad address.",
  badreputation: "The receiver rejected mail for the sender's reputation. A sender problem.",
  spamdetected: "The message was judged to be spam. A content or reputation problem.",
  policyviolation: "The message broke a receiver policy. A sender problem.",
  rejected: "The receiver rejected the envelope sender.",
  filtered: "The mail was rejected by a recipient-side filter.",
  feedback: "A spam complaint (ARF feedback report).",
  vacation: "An auto-reply, not a bounce.",
  delivered: "The message was delivered.",
  expired: "Delivery was retried until it gave up (the message expired in the queue).",
  undefined: "No reason could be determined.",
};

export const BounceReasonEnum = enumOf(BOUNCE_REASONS);
registerEnumType(BounceReasonEnum, {
  name: "BounceReason",
  description: "Why a message failed, in Sisimai's reason vocabulary (upper-cased).",
  valuesConfig: Object.fromEntries(
    BOUNCE_REASONS.map((r) => [r.toUpperCase(), { description: REASON_DESCRIPTIONS[r] ?? `Sisimai reason "${r}".` }]),
  ),
});

export const BounceFaultEnum = enumOf(BOUNCE_FAULTS);
registerEnumType(BounceFaultEnum, {
  name: "BounceFault",
  description:
    "Whose problem the bounce is. Only RECIPIENT_ADDRESS faults suppress the address; SENDER_* faults raise sender health alerts instead.",
});

export const Bounce550VariantEnum = enumOf(BOUNCE_550_VARIANTS);
registerEnumType(Bounce550VariantEnum, {
  name: "Bounce550Variant",
  description: "Which row of the 550 decision matrix the bounce matches, or NOT_550.",
});

export const MailboxProviderEnum = enumOf(MAILBOX_PROVIDERS);
registerEnumType(MailboxProviderEnum, {
  name: "MailboxProvider",
  description:
    "The recipient's mailbox provider (from the address's domain, for custom domains from its MX hosts), which decides the bounce-rate benchmark that applies. The one enum wherever a provider appears.",
  valuesConfig: {
    GMAIL: { description: "Gmail and Google Workspace recipients (benchmark 3 % / 5 %)." },
    MICROSOFT: { description: "Outlook.com, Hotmail and Microsoft 365 recipients (5 % / 8 %)." },
    YAHOO: { description: "Yahoo and AOL recipients (3 % / 5 %)." },
    APPLE: { description: "iCloud recipients (general industry thresholds, 2 % / 5 %)." },
    OTHER: { description: "Every other recipient (general industry thresholds, 2 % / 5 %)." },
  },
});

export const MessageKindEnum = enumOf(MESSAGE_KINDS);
registerEnumType(MessageKindEnum, {
  name: "MessageKind",
  description: "What a message handed to analyzeBounce or ingestBounceMessage is.",
  valuesConfig: {
    BOUNCE: { description: "A delivery status notification or MTA bounce reporting failures (or delays)." },
    FEEDBACK: { description: "An ARF feedback report: a spam complaint." },
    VACATION: { description: "An auto-reply (out of office): the address works; nothing is stored." },
    DELIVERY: { description: "A delivery status notification reporting only successful deliveries." },
    UNKNOWN: { description: "Nothing could be read from it (see error), or it was not read." },
  },
});

export const BOUNCE_SOURCES = ["API", "DSN", "SES", "SENDGRID", "MAILGUN", "POSTMARK"] as const;
export type BounceSource = (typeof BOUNCE_SOURCES)[number];
export const BounceSourceEnum = enumOf(BOUNCE_SOURCES);
registerEnumType(BounceSourceEnum, {
  name: "BounceSource",
  description: "The channel a bounce event arrived through: the API, a raw DSN email, or an ESP webhook.",
});
