// Provider-specific readings of rejections (Sisimai's "Rhost" tables): some receiving
// providers say what they mean with their own error codes (La Poste's LPN007_416, Cox's
// AUP#CDRBL, GoDaddy's IB104, Spectrum's AUP#In-1310...) or with wording whose reason
// differs from the generic reading. A provider is recognised by the recipient's domain or
// by the remote host that answered, never by anything in a particular sample.
//
// Phrase lists and code tables adapted from Sisimai (BSD 2-Clause), see LICENSE-sisimai.txt.
import type { BounceReason } from "./diagnosis";
import { LiteralMatcher } from "./literal-matcher";

export interface RhostInput {
  /** the server's words, lower-case, whitespace collapsed */
  diag: string;
  /** the server's words as written (codes are case-sensitive for some providers) */
  raw: string;
  status: string;
  replyCode: string;
  command: string;
}

type Finder = (f: RhostInput) => BounceReason | "";

export interface Provider {
  name: string;
  /** host name fragments: a remote host containing one, or a recipient domain contained in one */
  hosts: readonly string[];
  find: Finder;
}

type Table = Partial<Record<BounceReason, readonly string[]>>;

/** First reason whose table holds a fragment of the text. */
function byText(table: Table): Finder {
  const entries = Object.entries(table) as Array<[BounceReason, readonly string[]]>;
  return (f) => {
    for (const [reason, list] of entries) for (const s of list) if (f.diag.includes(s)) return reason;
    return "";
  };
}

/** [reply code, status, fragment]: all three must agree (Google's documented replies). */
type CodedRow = readonly [string, string, string];
function byCodedText(table: Partial<Record<BounceReason, readonly CodedRow[]>>): Finder {
  const entries = Object.entries(table) as Array<[BounceReason, readonly CodedRow[]]>;
  return (f) => {
    if (!f.diag) return "";
    for (const [reason, rows] of entries) {
      for (const [reply, status, text] of rows) {
        if (!f.diag.includes(text)) continue;
        if (f.replyCode && f.replyCode !== reply && f.status !== status) continue;
        if (!f.replyCode && f.status && f.status !== status) continue;
        return reason;
      }
    }
    return "";
  };
}

// La Poste / Orange (FrancePTT): "LPN007_416", "OFR005_505", "OUK_..." — the last three
// digits name the cause; codes Sisimai leaves unassigned read as "undefined".
const FRANCE_PTT: Record<string, BounceReason | null> = {
  "101": "blocked",
  "102": "blocked",
  "103": "blocked",
  "104": "toomanyconn",
  "105": null,
  "107": null,
  "108": null,
  "109": null,
  "201": null,
  "305": "securityerror",
  "401": "blocked",
  "402": "securityerror",
  "403": "rejected",
  "405": "rejected",
  "415": "rejected",
  "416": "userunknown",
  "417": "mailboxfull",
  "418": "userunknown",
  "420": "suspend",
  "421": "rejected",
  "423": null,
  "424": null,
  "426": "suspend",
  "505": "systemerror",
  "506": "spamdetected",
  "510": "blocked",
  "513": null,
  "514": "mesgtoobig",
  "517": "policyviolation",
  "630": "policyviolation",
  "999": "blocked",
};
const FRANCE_PTT_CODE = /\b(?:LPN|LPNAAA|OFR|OUK)(?:_\d{3}|\d{3}[-_]\d{3})\b/i;

// Cox: "AUP#CXBL" style codes, then wording.
const COX_CODES: Record<string, BounceReason> = {
  CXBL: "blocked",
  CXTHRT: "securityerror",
  CXMJ: "securityerror",
  CXDNS: "blocked",
  CXSNDR: "rejected",
  CXSMTP: "rejected",
  CXCNCT: "toomanyconn",
  CXMXRT: "toomanyconn",
  CDRBL: "blocked",
  IPBL0001: "blocked",
  IPBL0010: "blocked",
  IPBL0100: "blocked",
  IPBL0011: "blocked",
  IPBL0101: "blocked",
  IPBL0110: "blocked",
  IPBL0111: "blocked",
  IPBL1000: "blocked",
  IPBL1001: "blocked",
  IPBL1010: "blocked",
  IPBL1011: "blocked",
  IPBL1100: "blocked",
  IPBL1101: "blocked",
  IPBL1110: "blocked",
  IPBL1111: "blocked",
  IPBL00001: "blocked",
  URLBL011: "spamdetected",
  URLBL101: "spamdetected",
  URLBL110: "spamdetected",
  URLBL1001: "spamdetected",
};
const COX_TEXT = byText({
  blocked: [
    "rejected - no rdns",
    "cox too many bad commands from",
    "dns check failure - try again later",
    "too many invalid recipients",
  ],
  notaccept: ["esmtp server temporarily not available"],
  policyviolation: ["esmtp no data before greeting", "attachment extension is forbidden"],
  rejected: ["sender rejected"],
  toomanyconn: ["too many sessions from", "requested action aborted: try again later", "message threshold exceeded"],
  userunknown: ["recipient rejected"],
});

// GoDaddy (secureserver.net): "IB104" style codes, then wording.
const GODADDY_CODES: Record<string, BounceReason> = {
  IB103: "blocked",
  IB104: "blocked",
  IB105: "blocked",
  IB106: "blocked",
  IB007: "toomanyconn",
  IB101: "expired",
  IB108: "blocked",
  IB110: "blocked",
  IB111: "blocked",
  IB112: "blocked",
  IB113: "blocked",
  IB212: "spamdetected",
  IB401: "securityerror",
  IB501: "rejected",
  IB502: "rejected",
  IB504: "toomanyconn",
  IB506: "rejected",
  IB508: "rejected",
  IB510: "toomanyconn",
  IB607: "toomanyconn",
  IB705: "virusdetected",
};
const GODADDY_TEXT = byText({
  blocked: ["www.spamhaus.org/query/bl?ip=", "554 rbl reject."],
  expired: ["delivery timeout", "451 sorry, i wasn't able to establish an smtp connection."],
  suspend: ["account disabled"],
  mailboxfull: ["account storage limit"],
  userunknown: ["account does not exist", "550 recipient not found."],
});

// Spectrum (charter.net): "AUP#In-1310" — four-digit codes and ranges.
const SPECTRUM_CODES: Record<number, BounceReason> = {
  1000: "blocked",
  1010: "rejected",
  1090: "systemerror",
  1260: "networkerror",
  1500: "rejected",
  1520: "rejected",
  1530: "mesgtoobig",
  1540: "toomanyconn",
  1550: "toomanyconn",
  1560: "policyviolation",
};
const SPECTRUM_RANGES: ReadonlyArray<readonly [number, number, BounceReason]> = [
  [1020, 1080, "rejected"],
  [1100, 1150, "blocked"],
  [1160, 1190, "policyviolation"],
  [1200, 1210, "blocked"],
  [1220, 1250, "blocked"],
  [1300, 1340, "toomanyconn"],
  [1350, 1490, "toomanyconn"],
];

// i.ua: "mail.i.ua/err/3/"
const IUA_CODES: Record<string, BounceReason> = {
  "1": "norelaying",
  "2": "userunknown",
  "3": "suspend",
  "4": "mailboxfull",
  "5": "toomanyconn",
  "6": "norelaying",
  "7": "blocked",
  "8": "rejected",
  "9": "blocked",
  "10": "filtered",
};

// Google (aspmx.l.google.com, gmail-smtp-in.l.google.com): documented replies.
const GOOGLE = byCodedText({
  authfailure: [
    ["451", "4.7.24", "the spf record of the sending domain"],
    ["550", "5.7.24", "the spf record of the sending domain"],
    ["421", "4.7.26", "senders to authenticate with either spf or dkim"],
    ["550", "5.7.26", "senders to authenticate with either spf or dkim"],
    ["550", "5.7.26", "fails to pass spf checks for an spf record with a hard fail"],
    ["550", "5.7.26", "has an spf record with a hard fail policy"],
    ["451", "4.7.26", "is not accepted due to domain's dmarc policy"],
    ["550", "5.7.26", "is not accepted due to domain's dmarc policy"],
    ["550", "5.7.1", "fails to pass authentication checks"],
    ["550", "5.7.26", "fails to pass authentication checks"],
    ["421", "4.7.27", "senders to authenticate with spf"],
    ["421", "4.7.27", "senders to authenticate their email with spf"],
    ["550", "5.7.27", "senders to authenticate with spf"],
    ["421", "4.7.30", "senders to authenticate their email with dkim"],
    ["550", "5.7.30", "senders to authenticate with dkim"],
    ["421", "4.7.32", "aligned with either the authenticated spf or dkim"],
  ],
  badreputation: [
    ["421", "4.7.0", "very low reputation of the sending ip address"],
    ["421", "4.7.0", "very low reputation of the sending domain"],
    ["550", "5.7.1", "due to the very low reputation of the sending ip address"],
    ["550", "5.7.1", "due to the very low reputation of the sending domain"],
  ],
  blocked: [
    ["421", "4.7.0", "ip not in whitelist for rcpt domain"],
    ["421", "4.7.0", "try again later, closing connection."],
    ["501", "5.5.4", "empty helo/ehlo argument not allowed"],
    ["501", "5.5.4", "helo/ehlo argument is invalid"],
    ["421", "4.7.0", "an unusual rate of unsolicited mail"],
    ["421", "4.7.28", "an unusual rate of mail"],
    ["550", "5.7.1", "an unusual rate of unsolicited mail"],
    ["550", "5.7.28", "an unusual rate of unsolicited mail"],
  ],
  exceedlimit: [
    ["552", "5.2.3", "exceeded google's message size limits"],
    ["552", "5.3.4", "exceeds google's limit of limit attachments."],
    ["552", "5.3.4", "your message exceeded google's message header size limits"],
    ["552", "5.3.4", "bytes per individual header size"],
    ["552", "5.3.4", "exceeds google's header name limit of"],
    ["552", "5.3.4", "exceeds google's message header size limit"],
  ],
  expired: [
    ["421", "4.7.0", "connection expired"],
    ["451", "4.4.2", "timeout - closing connection"],
  ],
  failedstarttls: [
    ["530", "5.7.0", "must issue a starttls command first"],
    ["454", "5.5.1", "starttls may not be repeated"],
    ["421", "4.7.0", "tls required for rcpt domain"],
    ["421", "4.7.29", "senders to use tls/ssl for smtp"],
    ["550", "5.7.29", "senders to use tls/ssl for smtp"],
  ],
  mailboxfull: [
    ["452", "4.2.2", "inbox is out of storage space"],
    ["552", "5.2.2", "inbox is out of storage space and inactive"],
    ["452", "4.2.2", "is over quota"],
    ["552", "5.2.2", "is over quota"],
    ["550", "5.7.1", "email quota exceeded"],
  ],
  mesgtoobig: [
    ["552", "5.3.4", "exceeded google's message size limits"],
    ["552", "5.3.4", "exceeds google's message size limit of"],
  ],
  networkerror: [
    ["554", "5.4.6", "message exceeded 50 hops"],
    ["554", "5.6.0", "message exceeded 50 hops"],
  ],
  norelaying: [
    ["550", "5.7.0", "mail relay denied"],
    ["550", "5.7.1", "invalid credentials for relay"],
    ["550", "5.7.1", "is not authorized to send email directly to our servers"],
  ],
  notcompliantrfc: [
    ["550", "5.7.1", "missing a valid address in the from: header"],
    ["550", "5.7.1", "multiple addresses in from: header are not accepted"],
    ["550", "5.7.1", "is not rfc 5322 compliant"],
    ["550", "5.7.1", "missing a valid message-id: header"],
    ["550", "5.7.1", "contains a unicode character in a disallowed header"],
    ["550", "5.7.1", "encoded-word syntax is not permitted"],
    ["553", "5.1.7", "is not a valid rfc 5321 address"],
    ["554", "5.6.0", "mail message is malformed"],
  ],
  policyviolation: [
    ["552", "5.7.0", "illegal attachment on your message"],
    ["552", "5.7.0", "blocked because its content presents a potential security issue"],
    ["550", "5.7.1", "you are sending to (or from) has a policy that prohibited"],
    ["421", "4.7.28", "sending messages with the same message-id:"],
  ],
  rejected: [
    ["550", "5.7.0", "mail sending denied"],
    ["550", "5.7.1", "unauthenticated email is not accepted"],
  ],
  requireptr: [
    ["421", "4.7.0", "does not have a ptr record"],
    ["421", "4.7.23", " have a ptr record, or the ptr record"],
    ["550", "5.7.1", "does not meet ipv6 sending guidelines regarding ptr records and authentication"],
    ["550", "5.7.25", "does not have a ptr record"],
    ["550", "5.7.25", "does not match the ip address of the hostname"],
  ],
  securityerror: [
    ["454", "4.7.0", "too many login attempts"],
    ["501", "5.5.2", "cannot decode response"],
    ["503", "5.7.0", "no identity changes permitted"],
    ["530", "5.5.1", "authentication required."],
    ["530", "5.7.0", "authentication required."],
    ["535", "5.7.1", "application-specific password required"],
    ["535", "5.7.9", "application-specific password required"],
    ["535", "5.7.1", "please log in with your web browser"],
    ["534", "5.7.9", "please log in with your web browser"],
    ["534", "5.7.14", "please log in through your web browser"],
    ["535", "5.7.1", "username and password not accepted"],
    ["535", "5.7.8", "username and password not accepted"],
  ],
  spamdetected: [
    ["421", "4.7.0", "due to the nature of the content or the links within"],
    ["550", "5.7.1", "likely unsolicited mail"],
  ],
  speeding: [
    ["450", "4.2.1", "is receiving mail too quickly"],
    ["450", "4.2.1", "peak smtp relay limit exceeded for customer"],
    ["450", "4.2.1", "rate that prevents additional messages from being delivered"],
    ["550", "5.2.1", "rate that prevents additional messages from being delivered"],
    ["550", "5.4.5", "daily sending quota exceeded"],
    ["550", "5.4.5", "daily user sending limit exceeded"],
    ["550", "5.4.5", "daily smtp relay limit exceeded for"],
    ["550", "5.7.1", "daily smtp relay limit exceeded for"],
    ["550", "5.7.1", "daily smtp relay sending limit exceeded for"],
    ["550", "5.7.1", "this mail has been rate limited"],
  ],
  suspend: [
    ["550", "5.2.1", "account that you tried to reach is disabled"],
    ["550", "5.2.1", "account that you tried to reach is inactive"],
  ],
  syntaxerror: [
    ["451", "4.5.0", "smtp protocol violation"],
    ["454", "4.5.0", "smtp protocol violation"],
    ["525", "5.7.10", "smtp protocol violation"],
    ["535", "5.5.4", "optional argument not permitted"],
    ["501", "5.7.11", "syntax error"],
    ["501", "5.5.2", "syntax error"],
    ["555", "5.5.2", "syntax error"],
    ["502", "5.5.1", "too many unrecognized commands, goodbye"],
    ["502", "5.5.1", "unimplemented command"],
    ["502", "5.5.1", "unrecognized command"],
    ["503", "5.5.1", "bad sequence of commands"],
    ["503", "5.5.1", "ehlo/helo first"],
    ["503", "5.5.1", "mail first"],
    ["503", "5.5.1", "rcpt first"],
    ["503", "5.5.1", "no data after bdat"],
    ["504", "5.7.4", "unrecognized authentication type"],
    ["504", "5.7.4", "xoauth is no longer supported"],
    ["554", "5.7.0", "too many unauthenticated commands"],
  ],
  systemerror: [
    ["421", "4.3.0", "temporary system problem"],
    ["421", "4.7.0", "temporary system problem"],
    ["421", "4.4.5", "server busy"],
    ["451", "4.3.0", "multiple destination domains per transaction is unsupported"],
    ["451", "4.3.0", "mail server has temporarily rejected this message"],
    ["451", "4.3.0", "mail server temporarily rejected message"],
    ["452", "4.5.3", "domain policy size per transaction exceeded"],
    ["454", "4.7.0", "cannot authenticate due to temporary system problem"],
  ],
  toomanyconn: [["452", "4.5.3", "your message has too many recipients"]],
  userunknown: [
    ["550", "5.1.1", "the email account that you tried to reach does not exist"],
    ["553", "5.1.2", "we weren't able to find the recipient domain"],
  ],
});

// Microsoft (Exchange Online, Outlook.com): [status prefix, detail from, detail to, fragment].
type MsRow = readonly [string, number, number, string];
const MICROSOFT_TABLE: Partial<Record<BounceReason, readonly MsRow[]>> = {
  authfailure: [
    ["5.7.23", 0, 0, "the message was rejected because of sender policy framework violation"],
    ["4.7.26", 0, 0, "must pass either spf or dkim validation, this message is not signed"],
    ["5.7.509", 0, 0, "does not pass dmarc verification"],
    ["5.7.515", 0, 0, "does not meet the required authentication level"],
  ],
  badreputation: [["4.7.650", 0, 0, "has been temporarily rate limited due to ip reputation"]],
  blocked: [
    ["4.4.2", 0, 0, "connection dropped"],
    ["4.7.", 850, 899, "access denied, please try again later"],
    ["5.7.506", 0, 0, "access denied, bad helo"],
    ["5.7.507", 0, 0, "access denied, rejected by recipient"],
    ["5.7.510", 0, 0, "does not accept email over ipv6"],
    ["5.7.511", 0, 0, "access denied, banned sender"],
    ["5.7.513", 0, 0, "using customer block list"],
    ["5.7.", 606, 649, "access denied, banned sending ip "],
    ["4.7.", 500, 699, "access denied, please try again later"],
    ["5.5.4", 0, 0, "invalid domain name"],
    ["5.7.51", 0, 0, "restrictdomainstoipaddresses or restrictdomainstocertificate"],
    ["5.7.1", 0, 0, "part of their network is on our block list (s3150)"],
    ["4.7.323", 0, 0, "tlsa-invalid: the domain failed dane validation"],
    ["5.7.323", 0, 0, "tlsa-invalid: the domain failed dane validation"],
    ["4.7.324", 0, 0, "dnssec-invalid: destination domain returned invalid dnssec records"],
    ["5.7.324", 0, 0, "dnssec-invalid: destination domain returned invalid dnssec records"],
    ["5.7.322", 0, 0, "certificate-expired: destination mail server's certificate is expired"],
  ],
  contenterror: [
    ["5.3.0", 0, 0, "too many related errors"],
    ["5.6.11", 0, 0, "invalid characters"],
    ["5.4.11", 0, 0, "agent generated message depth exceeded"],
    ["5.5.6", 0, 0, "invalid message content"],
  ],
  exceedlimit: [["5.2.3", 0, 0, "resolver.rst.recipsizelimit; message too large for this recipient"]],
  expired: [
    ["4.4.1", 0, 0, "connection timed out"],
    ["4.4.7", 0, 0, "message delayed"],
    ["4.4.7", 0, 0, "queue expired; message expired"],
    ["4.4.7", 0, 0, "message expired"],
    ["5.4.300", 0, 0, "message expired"],
    ["5.4.316", 0, 0, "message expired"],
  ],
  mailboxfull: [["5.2.2", 0, 0, "mailbox full"]],
  mesgtoobig: [
    ["5.3.4", 0, 0, "message size exceeds fixed maximum message size"],
    ["5.3.4", 0, 0, "message too big for system"],
  ],
  networkerror: [
    ["5.4.4", 0, 0, "smtpsend.dns.nonexistentdomain; nonexistent domain"],
    ["5.4.6", 0, 0, "hop count exceeded - possible mail loop"],
    ["4.4.316", 0, 0, "connection refused"],
    ["5.4.4", 0, 0, "invalid arguments"],
    ["5.4.6", 0, 0, "routing loop detected"],
    ["5.4.14", 0, 0, "routing loop detected"],
  ],
  norelaying: [
    ["5.7.1", 0, 0, "unable to relay"],
    ["5.7.1", 0, 0, "client was not authenticated"],
    ["5.4.1", 0, 0, "relay access denied"],
    ["5.7.64", 0, 0, "tenantattribution; relay access denied"],
    ["5.4.310", 0, 0, "does not exist"],
  ],
  notaccept: [
    ["4.3.2", 0, 0, "system not accepting network messages"],
    ["5.3.2", 0, 0, "storedrv.deliver: missing or bad storedriver mdb properties"],
  ],
  policyviolation: [
    ["5.0.350", 0, 0, "x-dg-ref header is too long"],
    ["5.0.350", 0, 0, "requested action not taken: policy violation detected (as345)"],
    ["5.7.", 900, 999, "delivery not authorized, message refused"],
  ],
  rejected: [
    ["5.1.7", 0, 0, "invalid address"],
    ["5.1.7", 0, 0, "unknown sender address"],
    ["5.1.0", 0, 0, "sender denied"],
    ["5.1.8", 0, 0, "access denied, bad outbound sender"],
    ["5.7.1", 0, 0, "delivery not authorized"],
    ["5.7.12", 0, 0, "sender was not authenticated by organization"],
    ["5.7.124", 0, 0, "sender not in allowed-senders list"],
    ["5.7.133", 0, 0, "sender not authenticated for group"],
    ["5.7.134", 0, 0, "sender was not authenticated for mailbox"],
    ["5.7.13", 0, 0, "sender was not authenticated for public folder"],
    ["5.7.135", 0, 0, "sender was not authenticated for public folder"],
    ["5.7.136", 0, 0, "sender was not authenticated"],
    ["5.7.", 501, 503, "access denied, spam abuse detected"],
    ["5.7.750", 0, 0, "service unavailable. client blocked from sending from unregistered domains"],
    ["5.7.", 501, 503, "access denied, banned sender"],
  ],
  notcompliantrfc: [["5.7.512", 0, 0, "access denied, message must be rfc 5322 section 3.6.2 compliant"]],
  requireptr: [["5.7.25", 0, 0, "must have a reverse dns record"]],
  securityerror: [
    ["5.7.3", 0, 0, "cannot achieve exchange server authentication"],
    ["5.7.3", 0, 0, "not authorized"],
    ["4.7.321", 0, 0, "starttls-not-supported: destination mail server must support tls to receive mail"],
    ["5.7.321", 0, 0, "starttls-not-supported: destination mail server must support tls to receive mail"],
    ["5.7.57", 0, 0, "client was not authenticated to send anonymous mail during mail from"],
  ],
  spamdetected: [["5.2.1", 0, 0, "content filter agent quarantined this message"]],
  suspend: [
    ["5.7.504", 0, 0, "recipient address rejected: access denied"],
    ["5.7.505", 0, 0, "access denied, banned recipient"],
    ["5.2.1", 0, 0, "mailbox cannot be accessed"],
  ],
  syntaxerror: [
    ["5.3.3", 0, 0, "unrecognized command"],
    ["5.5.2", 0, 0, "send hello first"],
  ],
  systemerror: [
    ["4.3.2", 0, 0, "service not available"],
    ["4.3.2", 0, 0, "service not active"],
    ["5.3.5", 0, 0, "system incorrectly configured"],
    ["5.0.0", 0, 0, "helo / ehlo requires domain address"],
    ["5.1.4", 0, 0, "destination mailbox address ambiguous"],
    ["5.2.4", 0, 0, "mailing list expansion problem"],
    ["5.2.14", 0, 0, "misconfigured forwarding address"],
    ["4.4.3", 0, 0, "temporary server error. please try again later attr18"],
    ["4.7.500", 0, 0, "server busy. please try again later from "],
    ["4.7.700", 0, 0, "pfa agent busy, please try again."],
  ],
  systemfull: [["4.3.1", 0, 0, "insufficient system resources"]],
  toomanyconn: [
    ["5.5.3", 0, 0, "too many recipients"],
    ["4.5.3", 0, 0, "too many recipients"],
    ["5.2.122", 0, 0, "the recipient has exceeded their limit for"],
    ["4.3.2", 0, 0, "storedrv.deliver; recipient thread limit exceeded"],
    ["5.1.90", 0, 0, "your message can't be sent because you've reached your daily limit for message recipients"],
    ["5.2.2", 0, 0, "submission quota exceeded"],
    ["5.2.121", 0, 0, "recipient's per hour message receive limit from specific sender exceeded"],
    ["5.2.122", 0, 0, "recipient's per hour message receive limit exceeded"],
    ["5.7.508", 0, 0, "has exceeded permitted limits within"],
    ["5.7.", 700, 749, "access denied, tenant has exceeded threshold"],
    ["5.7.", 700, 749, "access denied, traffic not accepted from this ip"],
  ],
  userunknown: [
    ["5.1.1", 0, 0, "resolver.adr.exrecipnotfound; not found"],
    ["5.1.1", 0, 0, "user unknown"],
    ["5.1.3", 0, 0, "storedrv.submit; invalid recipient address"],
    ["5.1.", 4, 5, "recipient address reserved by rfc 2606"],
    ["5.1.6", 0, 0, "recipient addresses in single label domains not accepted"],
    ["5.1.1", 0, 0, "bad destination mailbox address"],
    ["5.1.10", 0, 0, "recipient not found"],
    ["5.4.1", 0, 0, "recipient address rejected: access denied"],
    ["5.5.0", 0, 0, "requested action not taken: mailbox unavailable"],
    ["5.1.2", 0, 0, "invalid x.400 address"],
  ],
};
const MICROSOFT: Finder = (f) => {
  if (!f.diag || !/^[245]\.\d\.\d+$/.test(f.status)) return "";
  const detail = Number(f.status.split(".")[2]);
  for (const [reason, rows] of Object.entries(MICROSOFT_TABLE) as Array<[BounceReason, readonly MsRow[]]>) {
    for (const [code, lo, hi, text] of rows) {
      if (lo === hi ? f.status !== code : !f.status.startsWith(code) || detail < lo || detail > hi) continue;
      if (f.diag.includes(text)) return reason;
    }
  }
  return "";
};

// Mimecast: [reply code, fragment].
const MIMECAST_TABLE: Partial<Record<BounceReason, ReadonlyArray<readonly [string, string]>>> = {
  authfailure: [
    ["550", "spf sender invalid - envelope rejected"],
    ["550", "dkim sender invalid - envelope rejected"],
    ["550", "dmarc sender invalid - envelope rejected"],
  ],
  badreputation: [["550", "local ct ip reputation - (reject)"]],
  blocked: [
    ["421", "sender address blocked"],
    ["451", "ip temporarily blacklisted"],
    ["451", "recipient temporarily unavailable"],
    ["451", "internal resources are temporarily unavailable"],
  ],
  mesgtoobig: [["554", "maximum email size exceeded"]],
  networkerror: [["554", "mail loop detected"]],
  norelaying: [["451", "open relay not allowed"]],
  notaccept: [["451", "account inbounds disabled"]],
  onhold: [
    ["451", "account outbounds disabled"],
    ["451", "hostname is not authorized"],
    ["550", "journal message past expiration"],
  ],
  policyviolation: [
    ["550", "anti-spoofing policy - inbound not allowed"],
    ["550", "rejected by header-based anti-spoofing policy"],
    ["550", "message bounced due to content examination policy"],
    ["554", "host network not allowed"],
  ],
  rejected: [
    ["550", "administrative prohibition envelope blocked"],
    ["550", "envelope blocked – user entry"],
    ["550", "envelope blocked – user domain entry"],
    ["550", "rejected by header-based manually blocked senders - block for manual block"],
    ["550", "rejected by header-based blocked senders - block policy for header from"],
    ["550", "envelope rejected - block policy for envelope from address"],
  ],
  securityerror: [
    ["535", "incorrect authentication data"],
    ["550", "submitter failed to disabled"],
    ["553", "this route requires encryption (tls)"],
    ["553", "this route requires tls version 1.2 or greater"],
    ["553", "this route requires high-strength ciphers"],
    ["554", "configuration is invalid for this certificate"],
  ],
  systemerror: [
    ["451", "unable to process connection at this time"],
    ["451", "message ended early"],
    ["451", "unable to process command"],
    ["451", "unable to process an email at this time"],
  ],
  toomanyconn: [
    ["451", "account service is temporarily unavailable"],
    ["452", "too many recipients"],
    ["550", "exceeding outbound thread limit"],
  ],
  userunknown: [
    ["501", "invalid address"],
    ["503", "user unknown"],
    ["550", "invalid recipient"],
  ],
  virusdetected: [["554", "email rejected due to security policies"]],
};
const MIMECAST: Finder = (f) => {
  if (!f.diag || !f.replyCode) return "";
  for (const [reason, rows] of Object.entries(MIMECAST_TABLE) as Array<
    [BounceReason, ReadonlyArray<readonly [string, string]>]
  >) {
    for (const [reply, text] of rows) if (f.replyCode === reply && f.diag.includes(text)) return reason;
  }
  return "";
};

export const PROVIDERS: readonly Provider[] = [
  {
    name: "FrancePTT",
    hosts: [".laposte.net", ".orange.fr", ".wanadoo.fr"],
    find: (f) => {
      const m = FRANCE_PTT_CODE.exec(f.raw);
      if (!m) return "";
      const code = m[0].slice(-3);
      return code in FRANCE_PTT ? (FRANCE_PTT[code] ?? "undefined") : "undefined";
    },
  },
  {
    name: "Cox",
    hosts: ["cox.net"],
    find: (f) => {
      const m = /AUP#([0-9A-Z]+)/.exec(f.raw);
      return (m && COX_CODES[m[1]]) || COX_TEXT(f);
    },
  },
  {
    name: "GoDaddy",
    hosts: ["smtp.secureserver.net", "mailstore1.secureserver.net"],
    find: (f) => {
      const m = /\s(IB\d{3})\b/.exec(f.raw);
      return m ? (GODADDY_CODES[m[1]] ?? "") : GODADDY_TEXT(f);
    },
  },
  {
    name: "Spectrum",
    hosts: ["charter.net"],
    find: (f) => {
      const m = /AUP#[-A-Za-z]*(\d{4})/.exec(f.raw);
      if (!m) return "";
      const n = Number(m[1]);
      if (SPECTRUM_CODES[n]) return SPECTRUM_CODES[n];
      for (const [lo, hi, r] of SPECTRUM_RANGES) if (n >= lo && n <= hi) return r;
      return "";
    },
  },
  {
    name: "Tencent",
    hosts: [".qq.com"],
    find: byText({
      authfailure: ["dmarc check failed", "spf check failed"],
      blocked: ["suspected spam ip"],
      filtered: ["mail is rejected by recipients"],
      mesgtoobig: ["message too large"],
      spamdetected: ["mail content denied", "spam is embedded in the email", "suspected spam"],
      syntaxerror: ["bad address syntax"],
      toomanyconn: [
        "connection denied",
        "connection frequency limited",
        "domain frequency limited",
        "ip frequency limited",
        "sender frequency limited",
        "mailbox unavailable or access denied",
      ],
      userunknown: ["mailbox not found"],
    }),
  },
  {
    name: "YahooInc",
    hosts: [".yahoodns.net"],
    find: byText({
      authfailure: ["yahoo requires all senders to authenticate with either spf or dkim"],
      blocked: [" because the ip is in spamhaus's list;", "not accepted from ip addresses on spamhaus xbl"],
      norelaying: ["relaying denied for "],
      notcompliantrfc: ["headers are not rfc compliant"],
      policyviolation: ["not accepted for policy reasons"],
      // [TSS04] as Yahoo's own hosts report it (Sisimai's YahooInc table); elsewhere the
      // generic reading of the same words is "badreputation".
      rejected: [
        "temporarily deferred due to unexpected volume or user complaints",
        "due to unresolvable rfc.5321 domain",
        " will be permanently deferred",
      ],
      speeding: ["user is receiving mail too quickly"],
      suspend: [" is no longer valid.", "this mailbox is disabled"],
      syntaxerror: ["syntax error in parameters or arguments"],
      toomanyconn: ["max message per connection reached"],
      userunknown: ["dd this user doesn't have a ", "mailbox not found"],
    }),
  },
  { name: "Google", hosts: ["aspmx.l.google.com", "gmail-smtp-in.l.google.com"], find: GOOGLE },
  {
    name: "Microsoft",
    hosts: [".prod.outlook.com", ".protection.outlook.com", ".onmicrosoft.com", ".exchangelabs.com"],
    find: MICROSOFT,
  },
  { name: "Mimecast", hosts: [".mimecast.com"], find: MIMECAST },
  {
    name: "IUA",
    hosts: [".email.ua"],
    find: (f) => {
      const m = /[.]i[.]ua\/err\/(\d+)/.exec(f.diag);
      return (m && IUA_CODES[m[1]]) || "";
    },
  },
  {
    // au/KDDI relays: "550 : User unknown" (no address) is the carrier's domain filter.
    name: "KDDI",
    hosts: [".ezweb.ne.jp", "msmx.au.com"],
    find: (f) =>
      f.raw.includes("550 : User unknown") ? "filtered" : f.raw.includes(">: User unknown") ? "userunknown" : "",
  },
  {
    name: "NTTDOCOMO",
    hosts: ["mfsmax.docomo.ne.jp"],
    find: (f) => {
      if (f.status === "5.1.1") return "userunknown";
      if (f.status === "5.2.0") return "filtered";
      if (f.diag.includes("552 too much mail data")) return "mailboxfull";
      if (f.diag.includes("552 too many recipients")) return "toomanyconn";
      if (/503 bad sequence of commands|504 command parameter not implemented/.test(f.diag)) return "syntaxerror";
      if (f.status === "5.0.0" || !f.status)
        return f.command === "RCPT" ? "userunknown" : f.command === "DATA" ? "rejected" : "";
      return "";
    },
  },
];

/**
 * Recipient domain → provider: a domain names a provider when it is one of its host
 * fragments or what follows a "." in one ("orange.fr" and "fr" in ".orange.fr"), the first
 * provider in PROVIDERS' order winning. Built once: one lookup per recipient instead of a
 * walk over every provider's hosts.
 */
const PROVIDER_BY_DOMAIN: ReadonlyMap<string, Provider> = (() => {
  const byDomain = new Map<string, Provider>();
  const claim = (key: string, p: Provider) => {
    if (key && !byDomain.has(key)) byDomain.set(key, p);
  };
  for (const p of PROVIDERS) {
    for (const h of p.hosts) {
      claim(h, p);
      for (let dot = h.indexOf("."); dot !== -1; dot = h.indexOf(".", dot + 1)) claim(h.slice(dot + 1), p);
    }
  }
  return byDomain;
})();

/** The provider for a recipient domain or a remote host, in Sisimai's order: destination, then remote host. */
export function providerFor(domain: string, remoteHost: string): Provider | null {
  const d = domain.toLowerCase();
  if (d) {
    const p = PROVIDER_BY_DOMAIN.get(d);
    if (p) return p;
  }
  const r = remoteHost.toLowerCase();
  if (r) for (const p of PROVIDERS) if (p.hosts.some((h) => r.includes(h))) return p;
  return null;
}

/** Every host fragment of every provider: a text naming none of them names no provider's host. */
export const PROVIDER_HOSTS: readonly string[] = [...new Set(PROVIDERS.flatMap((q) => q.hosts))];
let hostMatcher: LiteralMatcher | null = null;

/**
 * The reason a known provider's own codes or wording give, or null. The provider is known
 * by the recipient's domain, else by the remote host: `remoteHost` as given, or read from
 * `hostText` (the server's words) only when that text names a provider's host at all.
 */
export function providerReason(
  domain: string,
  remoteHost: string | null,
  f: RhostInput,
  hostText = "",
): { reason: BounceReason; evidence: string } | null {
  let p = domain ? providerFor(domain, "") : null;
  if (!p) {
    let host = remoteHost ?? "";
    if (remoteHost === null && hostText) {
      hostMatcher ??= new LiteralMatcher(PROVIDER_HOSTS);
      if (hostMatcher.matchesAny(hostText)) host = remoteHostIn(hostText);
    }
    if (host) p = providerFor("", host);
  }
  if (!p) return null;
  const r = p.find(f);
  return r ? { reason: r, evidence: `provider rule (${p.name})` } : null;
}

const REMOTE_HOST = [
  /\bhost\s+([a-z0-9][a-z0-9.-]*\.[a-z]{2,})\.?\s*\[/i, // Postfix: host mx.example.com[192.0.2.1] said
  /\bhost\s+([a-z0-9][a-z0-9.-]*\.[a-z]{2,})\.?\s+\[[0-9a-f.:]+\]/i, // Exim: host mx.example.com [192.0.2.1]: 550
  /\b(?:server|host) (?:at )?([a-z0-9][a-z0-9.-]*\.[a-z]{2,})\.? (?:returned|said|refused)/i, // Exchange / Office 365
  /while talking to ([a-z0-9][a-z0-9.-]*\.[a-z]{2,})\.?:/i, // Sendmail
];

/** The remote MTA named in a notice's wording, "" when none. */
export function remoteHostIn(text: string): string {
  for (const re of REMOTE_HOST) {
    const m = re.exec(text);
    if (m) return m[1].toLowerCase();
  }
  return "";
}
