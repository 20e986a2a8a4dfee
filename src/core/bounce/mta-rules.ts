// Wording of particular MTAs' own notices (not the remote server's reply) that settles
// the reason: qmail's "does not like recipient", Exim's retry timeouts, Google Groups'
// posting refusals... Matched on the notice text, lower-cased. Rules tied to one MTA apply
// only when the notice carries that MTA's signature (headers it always writes), as
// Sisimai's per-MTA parsers do.
//
// Per-MTA message tables adapted from Sisimai's Lhost modules (BSD 2-Clause), see LICENSE-sisimai.txt.
import type { BounceReason } from "./diagnosis";
import { header, type Headers } from "./mime";
import { LiteralMatcher } from "./literal-matcher";
import { inOrder } from "./reason-phrases";
import { PROVIDER_HOSTS } from "./rhost-rules";

type MtaName =
  | "Courier"
  | "Domino"
  | "Notes"
  | "IMailServer"
  | "InterScanMSS"
  | "Verizon"
  | "MessageLabs"
  | "McAfee"
  | "FML"
  | "Exim"
  | "Zoho"
  | "Gmail"
  | "Aol"
  | "EZweb"
  | "GMX"
  | "qmail"
  | "OpenSMTPD"
  | "ReceivingSES"
  | "Amavis"
  | "Biglobe"
  | "EinsUndEins"
  | "Exchange2003"
  | "Facebook"
  | "GSuite"
  | "KDDI"
  | "MessagingServer"
  | "Outlook";

interface MtaRule {
  reason: BounceReason;
  any?: readonly string[];
  seq?: readonly (readonly string[])[];
  re?: RegExp;
  /** when set, the rule applies only to notices whose subject or sender matches */
  when?: RegExp;
  /** when set, the rule applies only to notices written by that MTA */
  mta?: MtaName;
  /**
   * The rule names the SMTP stage, not the cause (qmail's "Connected to ... but sender was
   * rejected"): the server's own words and a provider's codes may still say more.
   */
  weak?: boolean;
  /** the failure is permanent whatever a delay report's status says (a null MX) */
  permanent?: boolean;
  /** a specific status code in the reply (x.1-7.1-9) names the reason instead (Gmail's states) */
  yieldsToStatus?: boolean;
}

/** The bounce's own fields that the MTA signatures read, each read once. */
interface SignatureFields {
  top: Headers;
  subject: string;
  /** From:, lower-cased */
  from: string;
  mid: string;
  mailer: string;
  received: readonly string[];
}

/**
 * Header signatures of the MTAs whose tables are below (what Sisimai's parsers test first),
 * one test per MTA. They are asked one MTA at a time, only for the rules a notice could
 * match (most notices match rules of no MTA): see `MtaSignatures`.
 */
const SIGNATURES: Record<MtaName, (f: SignatureFields, all: MtaSignatures) => boolean> = {
  Courier: ({ from, subject, mid }) =>
    from.includes("courier mail server at ") ||
    /NOTICE: mail delivery status\.|WARNING: delayed mail\./.test(subject) ||
    /^<courier\.[0-9A-F]+\./.test(mid),
  Domino: ({ subject }) => /^DELIVERY(?: |_)FAILURE:/.test(subject),
  Notes: ({ subject }) => subject.startsWith("Undeliverable message"),
  IMailServer: ({ subject, mailer }) => /^Undeliverable Mail\s*$/.test(subject) || mailer.startsWith("<SMTP32 v"),
  InterScanMSS: ({ from, subject }) =>
    /^"interscan (?:mss|notification)"/.test(from) ||
    /^(?:Mail could not be delivered|メッセージを配信できません。|メール配信に失敗しました)$/.test(subject),
  Verizon: ({ from }) => /vzwpix\.com|post_master@vtext\.com/.test(from),
  MessageLabs: ({ top, from }) => top.has("x-msg-ref") && from.includes("mailer-daemon@messagelabs.com"),
  McAfee: ({ top }) => (header(top, "x-nai-header") ?? "").includes("Modified by McAfee"),
  FML: ({ top, from }) => top.has("x-mlserver") && /-admin@/.test(from),
  Exim: ({ top, from, mid }) =>
    top.has("x-failed-recipients") ||
    /^mail delivery system/.test(from) ||
    /^<?[0-9A-Za-z]{6}-[0-9A-Za-z]{6}-[0-9A-Za-z]{2}@/.test(mid) ||
    /mailer-daemon@.*mail\.ru/.test(from),
  Zoho: ({ top }) => top.has("x-zohomail"),
  Gmail: ({ from }) => from.includes("mailer-daemon@googlemail.com"),
  Aol: ({ top }) => top.has("x-aol-ip"),
  EZweb: ({ top, from }) =>
    (header(top, "x-spasign") ?? "") === "NG" || /postmaster@(?:ezweb\.ne\.jp|au\.com)/.test(from),
  GMX: ({ from }) => /@(?:gmx\.(?:de|net|com)|web\.de)/.test(from) && from.includes("mailer-daemon"),
  qmail: ({ subject, received }) =>
    subject === "failure notice" ||
    subject.startsWith("Permanent Delivery Failure") ||
    received.some((r) => /^\(qmail\s+\d+\s+invoked\s+(?:for\s+bounce|from\s+network)\)/.test(r)),
  OpenSMTPD: ({ from, received }) =>
    from.includes("mailer daemon <") && received.some((r) => r.includes(" (OpenSMTPD) with ")),
  ReceivingSES: ({ top }) => top.has("x-ses-outgoing"),
  Amavis: ({ from }) => from.startsWith('"content-filter at '),
  Biglobe: ({ from, subject }) =>
    /postmaster@(?:biglobe|inacatv|tmtv|ttv)\.ne\.jp/.test(from) && subject.startsWith("Returned mail:"),
  EinsUndEins: ({ from, subject }) =>
    from.startsWith('"mail delivery system"') && subject === "Mail delivery failed: returning message to sender",
  Exchange2003: ({ top, mailer }) => {
    const mimeole = header(top, "x-mimeole") ?? "";
    return (
      top.has("x-ms-embedded-report") ||
      mailer.startsWith("Internet Mail Service (") ||
      mailer.startsWith("Microsoft Exchange Server Internet Mail Connector") ||
      mimeole.startsWith("Produced By Microsoft Exchange")
    );
  },
  Facebook: ({ from }) => from.includes("mailer-daemon@mx.facebook.com"),
  GSuite: ({ top }, all) => all.has("Gmail") && top.has("x-gm-message-state"),
  KDDI: ({ top, from, received }) =>
    /no-reply@.+\.dion\.ne\.jp/.test(from) ||
    (header(top, "reply-to") ?? "") === "no-reply@app.auone-net.jp" ||
    received.some((r) => r.includes("ezweb.ne.jp (") || r.includes(".au.com (")),
  MessagingServer: ({ top, subject }) =>
    (header(top, "content-type") ?? "").includes("Boundary_(ID_") || subject.startsWith("Delivery Notification: "),
  Outlook: ({ top, subject, received }) =>
    [
      subject.includes("Delivery Status Notification"),
      top.has("x-message-delivery"),
      top.has("x-message-info"),
      received.some((r) => r.includes(".hotmail.com")),
    ].filter(Boolean).length >= 2,
};

/** Which MTAs wrote a bounce, by their header signatures: each tested when first asked. */
export class MtaSignatures {
  private readonly fields: SignatureFields;
  private readonly known = new Map<MtaName, boolean>();
  constructor(top: Headers, subject: string) {
    this.fields = {
      top,
      subject,
      from: (header(top, "from") ?? "").toLowerCase(),
      mid: header(top, "message-id") ?? "",
      mailer: header(top, "x-mailer") ?? "",
      received: top.get("received") ?? [],
    };
  }
  has(mta: MtaName): boolean {
    let v = this.known.get(mta);
    if (v === undefined) this.known.set(mta, (v = SIGNATURES[mta](this.fields, this)));
    return v;
  }
}

const RULES: readonly MtaRule[] = [
  // Microsoft Exchange's own status tokens (Exchange 2007 and later, Office 365)
  { reason: "hostunknown", any: ["smtpsend.dns.nonexistentdomain"] },
  { reason: "networkerror", any: ["smtpsend.dns.mxloopback"] },
  { reason: "toomanyconn", any: ["resolver.adr.reciplimit"] },
  { reason: "systemerror", any: ["resolver.adr.badprimary", "resolver.adr.invalidinsmtp", "resolver.adr.ambiguous"] },
  { reason: "securityerror", any: ["resolver.rst.authrequired"] },
  { reason: "rejected", any: ["resolver.rst.notauthorized"] },
  { reason: "mesgtoobig", any: ["resolver.rst.recipsizelimit"] },
  { reason: "expired", any: ["queue.expired"] },
  // qmail (and the notqmail/qmail-ldap patches)
  { reason: "systemfull", any: ["requested action not taken: mailbox unavailable (not enough free space)"] },
  { reason: "userunknown", any: ["does not like recipient.", "no mailbox here by that name"] },
  {
    reason: "hostunknown",
    any: ["sorry, i couldn't find any host named", "sorry, i couldn't find any host by that name"],
  },
  // notqmail 1.08 says this of a domain whose MX is null (RFC 7505): it accepts no mail.
  { reason: "notaccept", permanent: true, any: ["sorry, i couldn't find a mail exchanger or ip address"] },
  {
    reason: "networkerror",
    any: [
      "sorry, i wasn't able to establish an smtp connection",
      "sorry. although i'm listed as a best-preference mx or a for that host",
    ],
  },
  { reason: "mailboxfull", mta: "qmail", any: ["disk quota exceeded"] },
  { reason: "mesgtoobig", mta: "qmail", any: ["message size exceeds fixed maximum message size:"] },
  {
    reason: "suspend",
    mta: "qmail",
    any: ["mailaddress is administrativley disabled", "mailaddress is administrativly disabled"],
  },
  { reason: "exceedlimit", mta: "qmail", any: ["the message exeeded the maximum size the user accepts"] },
  {
    reason: "systemerror",
    mta: "qmail",
    any: [
      "automatic homedir creator crashed",
      "illegal value in ldap attribute",
      "ldap attribute is not given but mandatory",
      "timeout while performing search on ldap server",
      "too many results returned but needs to be unique",
      "permanent error while executing qmail-forward",
      "temporary error in automatic homedir creation",
      "temporary error while executing qmail-forward",
      "temporary failure in ldap lookup",
      "unable to contact ldap server",
      "unable to login into ldap server, bad credentials",
      "bad interpreter: no such file or directory",
    ],
  },
  { reason: "expired", mta: "qmail", any: ["this message has been in the queue too long."] },
  { reason: "rejected", weak: true, seq: [["connected to ", "but sender was rejected"]] },
  { reason: "blocked", weak: true, seq: [["connected to ", "but my name was rejected"]] },
  { reason: "blocked", weak: true, seq: [["connected to ", "but greeting failed"]] },
  // OpenSMTPD (smtpd/mta.c, smtpd/queue.c)
  { reason: "expired", mta: "OpenSMTPD", any: ["envelope expired"] },
  { reason: "hostunknown", mta: "OpenSMTPD", any: ["invalid domain name", "domain does not exist"] },
  // A domain without mail exchangers (null MX): it accepts no mail, retrying cannot help.
  {
    reason: "notaccept",
    mta: "OpenSMTPD",
    permanent: true,
    any: ["destination seem to reject all mails", "no mx found for domain", "no mx found for destination"],
  },
  {
    reason: "networkerror",
    mta: "OpenSMTPD",
    any: [
      "address family mismatch on destination mxs",
      "all routes to destination blocked",
      "bad dns lookup error code",
      "could not retrieve source address",
      "loop detected",
      "network error on destination mxs",
      "no valid route to remote mx",
      "no valid route to destination",
      "temporary failure in mx lookup",
    ],
  },
  { reason: "securityerror", mta: "OpenSMTPD", any: ["could not retrieve credentials"] },
  // Amazon SES receiving rule sets (their templates' wording)
  { reason: "filtered", mta: "ReceivingSES", any: ["mailbox does not exist"] },
  { reason: "mesgtoobig", mta: "ReceivingSES", any: ["message too large"] },
  { reason: "mailboxfull", mta: "ReceivingSES", any: ["mailbox full"] },
  { reason: "contenterror", mta: "ReceivingSES", any: ["message content rejected"] },
  // amavisd-new
  { reason: "virusdetected", mta: "Amavis", any: [" - infected"] },
  { reason: "contenterror", mta: "Amavis", any: [" - bad header:"] },
  { reason: "exceedlimit", mta: "Amavis", any: [" - message size exceeds recipient"] },
  {
    reason: "systemerror",
    mta: "Amavis",
    any: [
      " - temporary mta failure on relaying",
      " - rejected by next-hop mta on relaying",
      " - unable to relay message back to mta",
    ],
  },
  { reason: "spamdetected", mta: "Amavis", any: [" - spam"] },
  // BIGLOBE, 1&1, KDDI (au one net), Oracle Messaging Server, Outlook.com, Google Workspace
  { reason: "filtered", mta: "Biglobe", any: ["mail delivery failed... user unknown"] },
  {
    reason: "mailboxfull",
    mta: "Biglobe",
    any: ["the number of messages in recipient's mailbox exceeded the local limit."],
  },
  { reason: "mesgtoobig", mta: "EinsUndEins", any: ["mail size limit exceeded"] },
  { reason: "mailboxfull", mta: "KDDI", any: ["as their mailbox is full"] },
  { reason: "norelaying", mta: "KDDI", any: ["due to the following smtp relay error"] },
  { reason: "hostunknown", mta: "KDDI", any: ["as the remote domain doesnt exist"] },
  { reason: "hostunknown", mta: "MessagingServer", any: ["illegal host/domain name found"] },
  {
    reason: "hostunknown",
    mta: "Outlook",
    any: ["the mail could not be delivered to the recipient because the domain is not reachable"],
  },
  {
    reason: "userunknown",
    mta: "GSuite",
    any: ["because the address couldn't be found. check for typos or unnecessary spaces and try again."],
  },
  { reason: "notaccept", mta: "GSuite", permanent: true, any: ["null mx"] },
  { reason: "networkerror", mta: "GSuite", any: [" had no relevant answers.", " responded with code nxdomain"] },
  // Exchange 2003 diagnostic codes
  { reason: "userunknown", mta: "Exchange2003", any: ["000c05a6"] },
  { reason: "systemerror", mta: "Exchange2003", any: ["00010256", "000d06b5"] },
  { reason: "networkerror", mta: "Exchange2003", any: ["00120270"] },
  { reason: "contenterror", mta: "Exchange2003", any: ["00050311", "000502cc"] },
  { reason: "securityerror", mta: "Exchange2003", any: ["000b0981"] },
  { reason: "filtered", mta: "Exchange2003", any: ["000c0595"] },
  // Facebook's documented rejection codes
  { reason: "userunknown", mta: "Facebook", any: ["rcp-p1", "int-p1", "int-p3", "int-p4"] },
  { reason: "filtered", mta: "Facebook", any: ["rcp-p2", "rcp-p3"] },
  { reason: "blocked", mta: "Facebook", any: ["pol-p1", "pol-p2"] },
  { reason: "mesgtoobig", mta: "Facebook", any: ["msg-p1", "int-p2"] },
  { reason: "contenterror", mta: "Facebook", any: ["msg-p2", "msg-p3", "pol-p6", "pol-p7"] },
  { reason: "notaccept", mta: "Facebook", any: ["pol-p3", "pol-p4", "pol-t1", "pol-t2", "pol-t3"] },
  { reason: "rejected", mta: "Facebook", any: ["dns-p1", "dns-p2", "dns-t1", "dns-p3", "dns-t2"] },
  { reason: "systemerror", mta: "Facebook", any: ["con-t1", "rcp-t1"] },
  { reason: "toomanyconn", mta: "Facebook", any: ["con-t2", "con-t3"] },
  { reason: "virusdetected", mta: "Facebook", any: ["pol-p5"] },
  { reason: "suspend", mta: "Facebook", any: ["rcp-t4"] },
  // Exim
  {
    reason: "expired",
    any: ["retry timeout exceeded", "retry time not reached for any host after a long failure period"],
  },
  { reason: "hostunknown", any: ["all relevant mx records point to non-existent hosts", "unrouteable address"] },
  { reason: "mailboxfull", any: ["mailbox is full:", "error in appendfile: mailbox is full"] },
  // Directory lookups of Exchange, Office 365, Outlook.com, Domino, IMail: the address
  // is not in the organisation's directory, whatever the SMTP stage.
  {
    reason: "userunknown",
    any: [
      "resolver.adr.recipientnotfound",
      "recipient not found by smtp address lookup",
      "the recipient name is not recognized",
      "unknown recipient or mailbox unavailable",
      "not listed in domino directory",
      "not listed in public name & address book",
      "requested action not taken: mailbox unavailable",
      "recipient address rejected: access denied",
    ],
  },
  { reason: "userunknown", when: /SMTP32|\bimail\b/i, any: ["unknown user:"] },
  { reason: "userunknown", when: /messagelabs|x-nai|mcafee/i, any: ["no such user", "unknown user", "user unknown"] },
  // Google Groups: the group does not exist or refuses the poster
  { reason: "rejected", when: /google ?groups|googlegroups/i, any: ["google groups", "googlegroups"] },
  // Lotus Domino / Notes directory lookups, in every language they ship
  { reason: "userunknown", any: ["non répertorié dans l'annuaire domino", "domino ディレクトリには見つかりません"] },
  { reason: "filtered", mta: "Domino", any: ["cannot route mail to user"] },
  { reason: "systemerror", mta: "Domino", any: ["several matches found in domino directory"] },
  {
    reason: "userunknown",
    mta: "Notes",
    any: ["user not listed in public name & address book", "ディレクトリのリストにありません"],
  },
  { reason: "networkerror", mta: "Notes", any: ["message has exceeded maximum hop count"] },
  // Courier
  { reason: "hostunknown", mta: "Courier", any: ["no such domain."] },
  { reason: "systemerror", mta: "Courier", any: ["this domain's dns violates rfc 1035."] },
  { reason: "networkerror", mta: "Courier", any: ["dns lookup failed."] },
  // IMail Server
  { reason: "virusdetected", mta: "IMailServer", any: ["requested action not taken: virus detected"] },
  { reason: "mailboxfull", mta: "IMailServer", any: ["user mailbox exceeds allowed size"] },
  { reason: "userunknown", mta: "IMailServer", any: ["invalid final delivery userid"] },
  { reason: "expired", mta: "IMailServer", re: /delivery failed \d+ attempts/ },
  { reason: "hostunknown", mta: "IMailServer", any: ["unknown host"] },
  // Trend Micro InterScan MSS: "Unable to deliver message to <a@b>" names an unknown recipient
  { reason: "userunknown", mta: "InterScanMSS", any: ["unable to deliver message to"] },
  // Verizon MMS gateways
  {
    reason: "userunknown",
    mta: "Verizon",
    any: ["no valid recipients for this mm", "550 - requested action not taken: no such user here"],
  },
  // Symantec MessageLabs
  { reason: "securityerror", mta: "MessageLabs", any: ["please turn on smtp authentication in your mail client"] },
  { reason: "userunknown", mta: "MessageLabs", re: /542 \S+ rejected|no such user/ },
  // McAfee Email Gateway
  {
    reason: "userunknown",
    mta: "McAfee",
    re: / user \(.+@.+\) unknown\. |550 unknown user \S+@\S+|550 <.+?@.+?>\.+ user not exist|no such user/,
  },
  // fml mailing-list manager
  {
    reason: "rejected",
    mta: "FML",
    re: /(?:ignored )*not member article from |reject mail (?:from .+@.+|since .+ header may cause mail loop|spammers:)|you are not a member of this mailing list|spam mail from a spammer is rejected|you .+ are not member/,
  },
  {
    reason: "systemerror",
    mta: "FML",
    re: /duplicated message-id|fml .+ has detected a loop condition so that|loop back warning:|loop alert: |fml system error message|warning: unix from loop/,
  },
  { reason: "securityerror", mta: "FML", any: ["security alert"] },
  // Exim (and Mail.ru, which runs it)
  { reason: "userunknown", mta: "Exim", any: ["user not found"] },
  { reason: "expired", mta: "Exim", when: /mail\.ru/i, any: ["no action is required on your part"] },
  {
    reason: "syntaxerror",
    mta: "Exim",
    any: [
      "angle-brackets nested too deep",
      'expected word or "<"',
      "domain missing in source-routed address",
      "malformed address:",
    ],
  },
  {
    reason: "notaccept",
    mta: "Exim",
    any: ["an mx or srv record indicated no smtp service", "no host found for existing smtp connection"],
  },
  { reason: "hostunknown", mta: "Exim", any: ["all host address lookups failed permanently"] },
  { reason: "mailboxfull", mta: "Exim", any: ["error: quota exceed"] },
  {
    reason: "systemerror",
    mta: "Exim",
    any: ["delivery to file forbidden", "delivery to pipe forbidden", "local delivery failed", "lmtp error after "],
  },
  { reason: "contenterror", mta: "Exim", any: ['too many "received" headers'] },
  // Zoho, GMX, Gmail, AOL
  { reason: "expired", mta: "Zoho", any: ["host not reachable"] },
  { reason: "expired", mta: "GMX", any: ["delivery retry timeout exceeded"] },
  {
    reason: "expired",
    mta: "Gmail",
    any: [
      "dns error: could not contact dns servers",
      "delivery to the following recipient has been delayed",
      "the recipient server did not accept our requests to connect",
    ],
  },
  {
    reason: "hostunknown",
    mta: "Gmail",
    any: ["dns error: domain name not found", "dns error: dns server returned answer with no data"],
  },
  // Gmail's relay names the stage it failed at, "(state N).": a specific status code in
  // the reply (5.2.2 "Mailbox Full (state 14)") still names the reason instead.
  { reason: "systemerror", mta: "Gmail", yieldsToStatus: true, re: /\(state (?:6|8|9)\)\./ },
  { reason: "norelaying", mta: "Gmail", yieldsToStatus: true, re: /\(state 12\)\./ },
  { reason: "blocked", mta: "Gmail", yieldsToStatus: true, re: /\(state 13\)\./ },
  { reason: "userunknown", mta: "Gmail", yieldsToStatus: true, re: /\(state 14\)\./ },
  { reason: "filtered", mta: "Gmail", yieldsToStatus: true, re: /\(state 1[578]\)\./ },
  { reason: "hostunknown", mta: "Aol", any: ["host or domain name not found"] },
  { reason: "notaccept", mta: "Aol", any: ["type=mx: malformed or unexpected name server reply"] },
  // au (EZweb): the carrier's own account states
  { reason: "mailboxfull", mta: "EZweb", any: ["the user(s) account is temporarily over quota"] },
  {
    reason: "suspend",
    mta: "EZweb",
    any: ["the user(s) account is disabled.", "the user(s) account is temporarily limited."],
  },
  { reason: "expired", mta: "EZweb", any: ["your message was not delivered within "] },
];

/**
 * Every literal fragment any rule could match, in one automaton: most notices match none,
 * and one pass over each text then replaces a scan per rule. Rules with a pattern (`re`)
 * belong to one MTA each and run only when its signature is present.
 */
let matcher: LiteralMatcher | null = null;
/** rulesOf[id]: indexes of the rules whose `any` holds fragment id */
const anyRulesOf: number[][] = [];
/** seqRulesOf[id]: indexes of the rules one of whose `seq` starts with fragment id */
const seqRulesOf: number[][] = [];
let hostIds = new Set<number>();
function build(): LiteralMatcher {
  const ids = new Map<string, number>();
  const phrases: string[] = [];
  const idOf = (p: string) => {
    let id = ids.get(p);
    if (id === undefined) {
      ids.set(p, (id = phrases.length));
      phrases.push(p);
      anyRulesOf.push([]);
      seqRulesOf.push([]);
    }
    return id;
  };
  RULES.forEach((r, ri) => {
    for (const p of r.any ?? []) anyRulesOf[idOf(p)].push(ri);
    for (const q of r.seq ?? []) seqRulesOf[idOf(q[0])].push(ri);
  });
  // The same pass tells whether the notice names a provider's host (see rhost-rules).
  hostIds = new Set(PROVIDER_HOSTS.map(idOf));
  return new LiteralMatcher(phrases);
}

/** What the rules found in one text: rule index → the fragment that matched, and seq candidates. */
interface Found {
  any: Map<number, string>;
  seq: Set<number>;
  /** a provider's host name fragment is in the text */
  host: boolean;
}

/** Per rule: start and fragment of its leftmost `any` hit in the text being read (-1: none yet). */
let anyStart = new Int32Array(0);
let anyId = new Int32Array(0);
/** isHost[id]: fragment id is a provider's host name fragment */
let isHost = new Uint8Array(0);

function find(text: string): Found {
  matcher ??= build();
  if (anyStart.length !== RULES.length) {
    anyStart = new Int32Array(RULES.length).fill(-1);
    anyId = new Int32Array(RULES.length);
  }
  if (isHost.length !== matcher.phrases.length) {
    isHost = new Uint8Array(matcher.phrases.length);
    for (const id of hostIds) isHost[id] = 1;
  }
  const bs = anyStart;
  const bi = anyId;
  const host = isHost;
  // Rules hit, in order of their first hit (the order the map below was filled in before).
  const touched: number[] = [];
  const seq = new Set<number>();
  let namesHost = false;
  matcher.scan(text, (id, start) => {
    if (host[id] === 1) namesHost = true;
    const rs = anyRulesOf[id];
    for (let k = 0; k < rs.length; k++) {
      const ri = rs[k];
      const b = bs[ri];
      if (b === -1) {
        touched.push(ri);
        bs[ri] = start;
        bi[ri] = id;
      } else if (start < b) {
        bs[ri] = start;
        bi[ri] = id;
      }
    }
    const ss = seqRulesOf[id];
    for (let k = 0; k < ss.length; k++) seq.add(ss[k]);
  });
  const out = new Map<number, string>();
  for (const ri of touched) {
    out.set(ri, matcher.phrases[bi[ri]]);
    bs[ri] = -1;
  }
  return { any: out, seq, host: namesHost };
}

/** A message's notice read once: its MTA signatures and what the rules found in it. */
export interface NoticeRules {
  subject: string;
  top: Headers;
  mta: MtaSignatures;
  from: string;
  notice: string;
  found: Found;
  /** the notice may name a provider's remote host (it does, or it is longer than what was read) */
  namesProviderHost: boolean;
}

/** How much of a notice the MTA rules read. */
export const NOTICE_RULES_BYTES = 8192;

/** Reads the notice (bounded) once per message; `presetFor` then adds each recipient's words. */
export function noticeRules(notice: string, subject: string, top: Headers): NoticeRules {
  const from = [
    header(top, "from"),
    header(top, "x-mailer"),
    top.has("x-nai-header") ? "x-nai" : null,
    top.has("x-msg-ref") ? "messagelabs" : null,
  ].join(" ");
  const text = notice.length > NOTICE_RULES_BYTES ? notice.slice(0, NOTICE_RULES_BYTES) : notice;
  const found = find(text);
  return {
    subject,
    top,
    mta: new MtaSignatures(top, subject),
    from,
    notice: text,
    found,
    namesProviderHost: found.host || notice.length > text.length,
  };
}

/**
 * The reason an MTA's own wording settles for one recipient: the first rule (in table order)
 * matching the recipient's words (`extra`: its diagnostic and block) or the notice.
 */
export interface MtaPreset {
  reason: BounceReason;
  evidence: string;
  weak?: boolean;
  permanent?: boolean;
  yieldsToStatus?: boolean;
}

/** Indexes of the rules holding a regular expression, in table order. */
const RE_RULES: number[] = RULES.flatMap((r, ri) => (r.re ? [ri] : []));

export function presetFor(extra: string, n: NoticeRules): MtaPreset | null {
  const { mta, subject, from } = n;
  // au (EZweb) marks a message its spam/domain filter refused with X-SPASIGN: NG.
  if (mta.has("EZweb") && (header(n.top, "x-spasign") ?? "") === "NG")
    return { reason: "filtered", evidence: "X-SPASIGN: NG (au domain filter)" };
  const mine = extra ? find(extra) : null;
  let lower: string | null = null;
  // Only rules with a regular expression, or whose fragments were found, can match: those
  // are visited, in table order (a rule visited twice is skipped).
  const candidates = RE_RULES.slice();
  for (const ri of n.found.any.keys()) candidates.push(ri);
  for (const ri of n.found.seq) candidates.push(ri);
  if (mine) {
    for (const ri of mine.any.keys()) candidates.push(ri);
    for (const ri of mine.seq) candidates.push(ri);
  }
  // (RE_RULES alone are in table order already: most notices add no candidate.)
  if (candidates.length > RE_RULES.length) candidates.sort((a, b) => a - b);
  for (let ci = 0, prev = -1; ci < candidates.length; ci++) {
    const ri = candidates[ci];
    if (ri === prev) continue;
    prev = ri;
    const r = RULES[ri];
    if (r.mta && !mta.has(r.mta)) continue;
    let m: string | null = null;
    if (r.re) m = r.re.exec((lower ??= `${extra}\n${n.notice}`.toLowerCase()))?.[0] ?? null;
    if (!m && r.any) m = mine?.any.get(ri) ?? n.found.any.get(ri) ?? null;
    if (!m && r.seq && (mine?.seq.has(ri) || n.found.seq.has(ri))) {
      for (const s of r.seq)
        if (inOrder((lower ??= `${extra}\n${n.notice}`.toLowerCase()), s)) {
          m = s.join("…");
          break;
        }
    }
    if (!m) continue;
    if (r.when && !r.when.test(subject) && !r.when.test(from) && !r.when.test(extra) && !r.when.test(n.notice))
      continue;
    return {
      reason: r.reason,
      evidence: `MTA notice: "${m}"`,
      weak: r.weak,
      permanent: r.permanent,
      yieldsToStatus: r.yieldsToStatus,
    };
  }
  return null;
}
