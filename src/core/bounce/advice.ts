// Whose fault a bounce is, which of the seed article's 550 variants it is, and what to do
// first: plain sentences a user can act on.
import type { Bounce550Variant, BounceFault, BounceReason, BounceType } from "./diagnosis";

/** hardBounce: only a bad address is suppressed (DESIGN.md, "What a 550 means"). */
export function isHardBounce(reason: BounceReason, bounceType: BounceType): boolean {
  if (reason === "userunknown" || reason === "hostunknown" || reason === "hasmoved") return true;
  return reason === "notaccept" && bounceType !== "SOFT";
}

export const FAULT_OF: Record<BounceReason, BounceFault> = {
  userunknown: "RECIPIENT_ADDRESS",
  hostunknown: "RECIPIENT_ADDRESS",
  hasmoved: "RECIPIENT_ADDRESS",
  notaccept: "RECIPIENT_ADDRESS",
  mailboxfull: "RECIPIENT_MAILBOX",
  suspend: "RECIPIENT_MAILBOX",
  filtered: "RECIPIENT_MAILBOX",
  exceedlimit: "RECIPIENT_MAILBOX",
  systemfull: "RECIPIENT_MAILBOX",
  mailererror: "RECIPIENT_MAILBOX",
  authfailure: "SENDER_AUTHENTICATION",
  requireptr: "SENDER_AUTHENTICATION",
  securityerror: "SENDER_AUTHENTICATION",
  failedstarttls: "SENDER_AUTHENTICATION",
  badreputation: "SENDER_REPUTATION",
  blocked: "SENDER_REPUTATION",
  rejected: "SENDER_REPUTATION",
  spamdetected: "CONTENT",
  virusdetected: "CONTENT",
  contenterror: "CONTENT",
  mesgtoobig: "CONTENT",
  notcompliantrfc: "CONTENT",
  policyviolation: "POLICY",
  norelaying: "POLICY",
  suppressed: "POLICY",
  networkerror: "NETWORK",
  expired: "NETWORK",
  systemerror: "NETWORK",
  toomanyconn: "PROTOCOL",
  speeding: "PROTOCOL",
  syntaxerror: "PROTOCOL",
  onhold: "UNKNOWN",
  undefined: "UNKNOWN",
  delivered: "UNKNOWN",
  feedback: "SENDER_REPUTATION",
  vacation: "UNKNOWN",
};

const ADVICE: Record<BounceReason, [cause: string, action: string]> = {
  userunknown: [
    "The recipient's mailbox does not exist at the receiving domain.",
    "Remove the address and verify the list before the next send.",
  ],
  hostunknown: [
    "The recipient's domain does not exist or publishes no mail servers (often a typo or an expired domain).",
    "Remove the address; check the domain for a typo.",
  ],
  hasmoved: [
    "The mailbox has moved and mail is not forwarded.",
    "Remove the address and ask the contact for the new one.",
  ],
  notaccept: [
    "The recipient's domain accepts no mail (null MX or no mail service).",
    "Remove the address; the domain cannot receive mail.",
  ],
  mailboxfull: [
    "The recipient's mailbox is over its quota.",
    "Keep the address, retry later, and stop sending if it stays full for weeks.",
  ],
  suspend: [
    "The recipient's account is disabled or suspended.",
    "Pause sending to this address; remove it if it stays disabled.",
  ],
  filtered: [
    "The recipient's mailbox refused this sender or message (recipient-side filter or disabled mailbox).",
    "Verify the address is still wanted; do not retry the same message.",
  ],
  exceedlimit: ["The message exceeded a per-mailbox size limit.", "Send a smaller message (link attachments instead)."],
  systemfull: ["The receiving mail system is out of storage.", "Retry later; nothing is wrong with the address."],
  mailererror: [
    "The receiving server's local delivery program failed.",
    "Retry later; contact the recipient's administrator if it persists.",
  ],
  authfailure: [
    "The message failed SPF, DKIM or DMARC checks at the receiver.",
    "Check SPF, DKIM and DMARC for the sending domain and their alignment.",
  ],
  requireptr: [
    "The sending IP has no valid reverse DNS (PTR) record.",
    "Set a PTR record for the sending IP that matches its HELO name.",
  ],
  securityerror: [
    "The receiver refused the message for a security or authentication reason.",
    "Check SPF, DKIM and DMARC; check sender reputation.",
  ],
  failedstarttls: [
    "The receiver requires TLS and the connection could not be encrypted.",
    "Enable STARTTLS with a valid certificate on the sending server.",
  ],
  badreputation: [
    "The sending IP or domain has a poor reputation at the receiver.",
    "Reduce volume, clean the list, and check postmaster tools for the provider.",
  ],
  blocked: [
    "The sending IP or domain is blocked (a blocklist or the receiver's own block).",
    "Check blocklists for the sending IP and domain and follow the delisting steps.",
  ],
  rejected: [
    "The receiver rejected the sender (envelope-from address or domain).",
    "Check the envelope sender domain, its DNS and whether it is blocklisted.",
  ],
  spamdetected: [
    "The receiver's spam filter rejected the message content.",
    "Review the content and links; check authentication and list quality.",
  ],
  virusdetected: [
    "The receiver found malware or a dangerous attachment.",
    "Remove the attachment and scan the sending system.",
  ],
  contenterror: ["The message format (headers or MIME) was refused.", "Fix the message headers and MIME structure."],
  mesgtoobig: [
    "The message is larger than the receiver accepts.",
    "Send a smaller message (link attachments instead).",
  ],
  notcompliantrfc: [
    "The message does not comply with RFC 5322 (e.g. duplicate headers).",
    "Fix the message headers so they comply with RFC 5322.",
  ],
  policyviolation: [
    "The receiver's policy refused the message (organisation or list policy).",
    "Read the server's words and adjust the message or sender to the policy.",
  ],
  norelaying: [
    "The server refused to relay the message (wrong route or missing authentication).",
    "Check the sending server's MX routing and SMTP authentication.",
  ],
  suppressed: [
    "The sending service suppressed the address from an earlier failure.",
    "Check why it was suppressed before removing it from the list.",
  ],
  networkerror: [
    "A network or DNS failure prevented delivery.",
    "Retry later; check DNS and routing of the recipient domain.",
  ],
  expired: [
    "Delivery kept failing until the retry period expired.",
    "Look at the earlier temporary errors; retry later or remove if it keeps failing.",
  ],
  systemerror: [
    "The receiving server had an internal or configuration error.",
    "Retry later; nothing is wrong with the address.",
  ],
  toomanyconn: [
    "The receiver limited connections or recipients from the sender.",
    "Slow down: fewer connections and recipients per message.",
  ],
  speeding: ["The receiver rate-limited the sender.", "Slow down and spread sending over time."],
  syntaxerror: [
    "The receiver did not understand an SMTP command.",
    "Check the sending software's SMTP implementation.",
  ],
  onhold: [
    "The bounce gives too little detail to decide the cause.",
    "Read the server's words; retry once before acting.",
  ],
  undefined: ["The bounce carries no usable diagnosis.", "Read the raw bounce; retry once before acting."],
  delivered: ["The message was delivered (a success report).", "Nothing to do."],
  feedback: [
    "The recipient reported the message as spam (feedback loop).",
    "Suppress the recipient and review consent and content.",
  ],
  vacation: ["An automatic reply (out of office), not a failure.", "Nothing to do; the address is valid."],
};

const VARIANT_ADVICE: Partial<Record<Bounce550Variant, [string, string]>> = {
  USER_UNKNOWN: ["Invalid recipient.", "Remove the address; verify the list before the next send."],
  ACCESS_DENIED: ["Authentication or reputation.", "Check SPF, DKIM and DMARC; check sender reputation."],
  ADDRESS_REJECTED: ["Blocklisted IP or domain.", "Check blocklists and follow the delisting steps."],
  MAILBOX_UNAVAILABLE: [
    "Disabled or expired mailbox or domain.",
    "Verify the address; remove it if the domain expired.",
  ],
  CATCH_ALL_BLOCK: [
    "Several weak signals together (no precise code).",
    "Warm up, check all authentication and reduce volume.",
  ],
  MIXED_SIGNAL: ["Rate limiting or greylisting.", "Slow down and look for 4xx codes in the same campaign."],
};

const adviceMemo = new Map<string, { likelyCause: string; firstAction: string }>();
export function adviceFor(
  reason: BounceReason,
  variant: Bounce550Variant,
): { likelyCause: string; firstAction: string } {
  const key = `${reason}/${variant}`;
  let a = adviceMemo.get(key);
  if (!a) adviceMemo.set(key, (a = adviceOf(reason, variant)));
  return { ...a };
}

function adviceOf(reason: BounceReason, variant: Bounce550Variant): { likelyCause: string; firstAction: string } {
  const [cause, action] = ADVICE[reason];
  const v = VARIANT_ADVICE[variant];
  // The reason is the more precise diagnosis; the variant adds the seed article's framing.
  if (v && variant !== "USER_UNKNOWN" && variant !== "MAILBOX_UNAVAILABLE") {
    return { likelyCause: `${cause} (550 variant: ${v[0].replace(/\.$/, "").toLowerCase()})`, firstAction: action };
  }
  return { likelyCause: cause, firstAction: action };
}

/**
 * The seed article's 550 decision matrix. Applies to 550 replies (and 5xx replies whose
 * enhanced code is 5.x.x with no reply code given): anything else is NOT_550, because the
 * matrix describes what a "550" says, not 4xx deferrals or 552/554 size/transaction codes.
 */
export function variantOf(
  replyCode: number | null,
  status: string | null,
  diag: string,
  reason: BounceReason,
): Bounce550Variant {
  const is550 =
    replyCode === 550 || (replyCode === null && !!status && status.startsWith("5.") && /\b550\b/.test(diag));
  if (!is550) return "NOT_550";
  const t = diag.toLowerCase();
  if (/try again later|try later|please retry|temporar|greylist|\b4\d\d[ -]|\b4\.\d\.\d/.test(t)) return "MIXED_SIGNAL";
  if (
    /user unknown|unknown user|does not exist|doesn't exist|no such user|not found|invalid recipient|recipient unknown/.test(
      t,
    ) ||
    status === "5.1.1"
  )
    return "USER_UNKNOWN";
  // "address rejected" (5.4.1) before "access denied": Microsoft's "Recipient address
  // rejected: Access denied" is the matrix's 5.4.1 row.
  if (/address rejected/.test(t) || status === "5.4.1") return "ADDRESS_REJECTED";
  if (
    /access denied|message refused|not authorized|unauthenticated|dmarc|spf|dkim/.test(t) ||
    status?.startsWith("5.7.")
  )
    return "ACCESS_DENIED";
  if (
    /mailbox unavailable|mailbox (?:is )?disabled|account (?:is )?disabled|expired|inactive|suspended/.test(t) ||
    status?.startsWith("5.2.")
  )
    return "MAILBOX_UNAVAILABLE";
  if (/permanent failure|permanent error/.test(t) || !status || status === "5.0.0") return "CATCH_ALL_BLOCK";
  // A 550 with a precise code outside the matrix rows: map by reason.
  if (reason === "userunknown" || reason === "hasmoved" || reason === "hostunknown") return "USER_UNKNOWN";
  if (reason === "blocked" || reason === "badreputation" || reason === "rejected") return "ADDRESS_REJECTED";
  if (reason === "suspend" || reason === "filtered" || reason === "mailboxfull") return "MAILBOX_UNAVAILABLE";
  if (
    reason === "authfailure" ||
    reason === "securityerror" ||
    reason === "requireptr" ||
    reason === "spamdetected" ||
    reason === "policyviolation"
  )
    return "ACCESS_DENIED";
  return "CATCH_ALL_BLOCK";
}
