// Wording of particular MTAs' own notices (not the remote server's reply) that settles
// the reason: qmail's "does not like recipient", Exim's retry timeouts, Google Groups'
// posting refusals... Matched on the notice text, lower-cased.
import type { BounceReason } from "./diagnosis";
import { header, type Headers } from "./mime";
import { inOrder } from "./reason-phrases";

interface MtaRule {
  reason: BounceReason;
  any?: readonly string[];
  seq?: readonly (readonly string[])[];
  /** when set, the rule applies only to notices whose subject or sender matches */
  when?: RegExp;
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
];

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const compiled = new Map<MtaRule, RegExp>();

function matches(text: string, r: MtaRule): string | null {
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
  for (const r of RULES) {
    if (r.when && !r.when.test(subject) && !r.when.test(from) && !r.when.test(text)) continue;
    const m = matches(t, r);
    if (m) return { reason: r.reason, evidence: `MTA notice: "${m}"` };
  }
  return null;
}
