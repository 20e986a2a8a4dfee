// Wording of particular MTAs' own notices (not the remote server's reply) that settles
// the reason: qmail's "does not like recipient", Exim's retry timeouts, Google Groups'
// posting refusals... Matched on the notice text, lower-cased. Rules tied to one MTA apply
// only when the notice carries that MTA's signature (headers it always writes), as
// Sisimai's per-MTA parsers do.
//
// Per-MTA message tables adapted from Sisimai's Lhost modules (BSD 2-Clause), see LICENSE-sisimai.txt.
import type { BounceReason } from "./diagnosis";
import { header, type Headers } from "./mime";
import { inOrder } from "./reason-phrases";

type MtaName =
  | "Courier" | "Domino" | "Notes" | "IMailServer" | "InterScanMSS" | "Verizon" | "MessageLabs" | "McAfee" | "FML"
  | "Exim" | "Zoho" | "Gmail" | "Aol" | "EZweb" | "GMX";

interface MtaRule {
  reason: BounceReason;
  any?: readonly string[];
  seq?: readonly (readonly string[])[];
  re?: RegExp;
  /** when set, the rule applies only to notices whose subject or sender matches */
  when?: RegExp;
  /** when set, the rule applies only to notices written by that MTA */
  mta?: MtaName;
}

/** Header signatures of the MTAs whose tables are below (what Sisimai's parsers test first). */
function signatures(top: Headers, subject: string): Set<MtaName> {
  const out = new Set<MtaName>();
  const from = (header(top, "from") ?? "").toLowerCase();
  const mid = header(top, "message-id") ?? "";
  const mailer = header(top, "x-mailer") ?? "";
  if (from.includes("courier mail server at ") || /NOTICE: mail delivery status\.|WARNING: delayed mail\./.test(subject) || /^<courier\.[0-9A-F]+\./.test(mid)) out.add("Courier");
  if (/^DELIVERY(?: |_)FAILURE:/.test(subject)) out.add("Domino");
  if (subject.startsWith("Undeliverable message")) out.add("Notes");
  if (/^Undeliverable Mail\s*$/.test(subject) || mailer.startsWith("<SMTP32 v")) out.add("IMailServer");
  if (/^"interscan (?:mss|notification)"/.test(from) || /^(?:Mail could not be delivered|メッセージを配信できません。|メール配信に失敗しました)$/.test(subject)) out.add("InterScanMSS");
  if (/vzwpix\.com|post_master@vtext\.com/.test(from)) out.add("Verizon");
  if (top.has("x-msg-ref") && from.includes("mailer-daemon@messagelabs.com")) out.add("MessageLabs");
  if ((header(top, "x-nai-header") ?? "").includes("Modified by McAfee")) out.add("McAfee");
  if (top.has("x-mlserver") && /-admin@/.test(from)) out.add("FML");
  if (top.has("x-failed-recipients") || /^mail delivery system/.test(from) || /^<?[0-9A-Za-z]{6}-[0-9A-Za-z]{6}-[0-9A-Za-z]{2}@/.test(mid) || /mailer-daemon@.*mail\.ru/.test(from)) out.add("Exim");
  if (top.has("x-zohomail")) out.add("Zoho");
  if (from.includes("mailer-daemon@googlemail.com")) out.add("Gmail");
  if (top.has("x-aol-ip")) out.add("Aol");
  if ((header(top, "x-spasign") ?? "") === "NG" || /postmaster@(?:ezweb\.ne\.jp|au\.com)/.test(from)) out.add("EZweb");
  if (/@(?:gmx\.(?:de|net|com)|web\.de)/.test(from) && from.includes("mailer-daemon")) out.add("GMX");
  return out;
}

const RULES: readonly MtaRule[] = [
  // qmail
  { reason: "userunknown", any: ["does not like recipient.", "no mailbox here by that name"] },
  { reason: "hostunknown", any: ["sorry, i couldn't find any host named", "sorry, i couldn't find any host by that name"] },
  { reason: "networkerror", any: ["sorry, i wasn't able to establish an smtp connection", "sorry, i couldn't find a mail exchanger or ip address"] },
  { reason: "rejected", seq: [["connected to ", "but sender was rejected"]] },
  { reason: "blocked", seq: [["connected to ", "but my name was rejected"]] },
  // Exim
  { reason: "expired", any: ["retry timeout exceeded", "retry time not reached for any host after a long failure period"] },
  { reason: "hostunknown", any: ["all relevant mx records point to non-existent hosts", "unrouteable address"] },
  { reason: "mailboxfull", any: ["mailbox is full:", "error in appendfile: mailbox is full"] },
  // Directory lookups of Exchange, Office 365, Outlook.com, Domino, IMail: the address
  // is not in the organisation's directory, whatever the SMTP stage.
  { reason: "userunknown", any: [
    "resolver.adr.recipientnotfound", "recipient not found by smtp address lookup", "the recipient name is not recognized",
    "unknown recipient or mailbox unavailable", "not listed in domino directory", "not listed in public name & address book",
    "requested action not taken: mailbox unavailable", "recipient address rejected: access denied",
  ] },
  { reason: "userunknown", when: /SMTP32|\bimail\b/i, any: ["unknown user:"] },
  { reason: "userunknown", when: /messagelabs|x-nai|mcafee/i, any: ["no such user", "unknown user", "user unknown"] },
  // Google Groups: the group does not exist or refuses the poster
  { reason: "rejected", when: /google ?groups|googlegroups/i, any: ["google groups", "googlegroups"] },
  // Lotus Domino / Notes directory lookups, in every language they ship
  { reason: "userunknown", any: ["non répertorié dans l'annuaire domino", "domino ディレクトリには見つかりません"] },
  { reason: "filtered", mta: "Domino", any: ["cannot route mail to user"] },
  { reason: "systemerror", mta: "Domino", any: ["several matches found in domino directory"] },
  { reason: "userunknown", mta: "Notes", any: ["user not listed in public name & address book", "ディレクトリのリストにありません"] },
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
  { reason: "userunknown", mta: "Verizon", any: ["no valid recipients for this mm", "550 - requested action not taken: no such user here"] },
  // Symantec MessageLabs
  { reason: "securityerror", mta: "MessageLabs", any: ["please turn on smtp authentication in your mail client"] },
  { reason: "userunknown", mta: "MessageLabs", re: /542 \S+ rejected|no such user/ },
  // McAfee Email Gateway
  { reason: "userunknown", mta: "McAfee", re: / user \(.+@.+\) unknown\. |550 unknown user \S+@\S+|550 <.+?@.+?>\.+ user not exist|no such user/ },
  // fml mailing-list manager
  { reason: "rejected", mta: "FML", re: /(?:ignored )*not member article from |reject mail (?:from .+@.+|since .+ header may cause mail loop|spammers:)|you are not a member of this mailing list|spam mail from a spammer is rejected|you .+ are not member/ },
  { reason: "systemerror", mta: "FML", re: /duplicated message-id|fml .+ has detected a loop condition so that|loop back warning:|loop alert: |fml system error message|warning: unix from loop/ },
  { reason: "securityerror", mta: "FML", any: ["security alert"] },
  // Exim (and Mail.ru, which runs it)
  { reason: "syntaxerror", mta: "Exim", any: ["angle-brackets nested too deep", 'expected word or "<"', "domain missing in source-routed address", "malformed address:"] },
  { reason: "notaccept", mta: "Exim", any: ["an mx or srv record indicated no smtp service", "no host found for existing smtp connection"] },
  { reason: "hostunknown", mta: "Exim", any: ["all host address lookups failed permanently"] },
  { reason: "mailboxfull", mta: "Exim", any: ["error: quota exceed"] },
  { reason: "systemerror", mta: "Exim", any: ["delivery to file forbidden", "delivery to pipe forbidden", "local delivery failed", "lmtp error after "] },
  { reason: "contenterror", mta: "Exim", any: ['too many "received" headers'] },
  // Zoho, GMX, Gmail, AOL
  { reason: "expired", mta: "Zoho", any: ["host not reachable"] },
  { reason: "expired", mta: "GMX", any: ["delivery retry timeout exceeded"] },
  { reason: "expired", mta: "Gmail", any: ["dns error: could not contact dns servers", "delivery to the following recipient has been delayed", "the recipient server did not accept our requests to connect"] },
  { reason: "hostunknown", mta: "Gmail", any: ["dns error: domain name not found", "dns error: dns server returned answer with no data"] },
  { reason: "hostunknown", mta: "Aol", any: ["host or domain name not found"] },
  { reason: "notaccept", mta: "Aol", any: ["type=mx: malformed or unexpected name server reply"] },
  // au (EZweb): the carrier's own account states
  { reason: "mailboxfull", mta: "EZweb", any: ["the user(s) account is temporarily over quota"] },
  { reason: "suspend", mta: "EZweb", any: ["the user(s) account is disabled.", "the user(s) account is temporarily limited."] },
  { reason: "expired", mta: "EZweb", any: ["your message was not delivered within "] },
];

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const compiled = new Map<MtaRule, RegExp>();
/**
 * Every literal fragment any rule could match, indexed by its first three characters: most
 * notices match none, and one pass over the text then replaces a scan per rule.
 */
let prefix: Map<number, string[]> | null = null;
const keyAt = (s: string, i: number) => (s.charCodeAt(i) * 65536 + s.charCodeAt(i + 1)) * 65536 + s.charCodeAt(i + 2);
function anyRuleCanMatch(text: string, mta: Set<MtaName>): boolean {
  if (!prefix) {
    prefix = new Map();
    for (const r of RULES) {
      for (const p of [...(r.any ?? []), ...(r.seq ?? []).map((q) => q[0])]) {
        const k = keyAt(p, 0);
        const list = prefix.get(k);
        if (list) list.push(p);
        else prefix.set(k, [p]);
      }
    }
  }
  // Pattern rules belong to one MTA each: they count only when its signature is present.
  if (RULES.some((r) => r.re && (!r.mta || mta.has(r.mta)))) return true;
  const end = text.length - 2;
  for (let i = 0; i < end; i++) {
    const cands = prefix.get(keyAt(text, i));
    if (cands) for (const p of cands) if (text.startsWith(p, i)) return true;
  }
  return false;
}

function matches(text: string, r: MtaRule): string | null {
  if (r.re) {
    const m = r.re.exec(text);
    if (m) return m[0];
  }
  if (r.any) {
    let re = compiled.get(r);
    if (!re) compiled.set(r, (re = new RegExp(r.any.map(escape).join("|"))));
    const m = re.exec(text);
    if (m) return m[0];
  }
  if (r.seq) for (const s of r.seq) if (inOrder(text, s)) return s.join("…");
  return null;
}

export function presetFor(text: string, subject: string, top: Headers): { reason: BounceReason; evidence: string } | null {
  const t = text.toLowerCase();
  const from = [header(top, "from"), header(top, "x-mailer"), top.has("x-nai-header") ? "x-nai" : null, top.has("x-msg-ref") ? "messagelabs" : null].join(" ");
  const mta = signatures(top, subject);
  // au (EZweb) marks a message its spam/domain filter refused with X-SPASIGN: NG.
  if (mta.has("EZweb") && (header(top, "x-spasign") ?? "") === "NG") return { reason: "filtered", evidence: "X-SPASIGN: NG (au domain filter)" };
  if (!anyRuleCanMatch(t, mta)) return null;
  for (const r of RULES) {
    if (r.mta && !mta.has(r.mta)) continue;
    const m = matches(t, r);
    if (!m) continue;
    if (r.when && !r.when.test(subject) && !r.when.test(from) && !r.when.test(text)) continue;
    return { reason: r.reason, evidence: `MTA notice: "${m}"` };
  }
  return null;
}
