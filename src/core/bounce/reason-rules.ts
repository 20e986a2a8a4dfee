// Deciding the reason: the server's words first, then the enhanced status code, then the
// SMTP reply code and the SMTP command. The order of the probes follows Sisimai's (so the
// labels mean the same thing as Sisimai's): specific mailbox/size/suspension wording
// before generic "rejected"/"blocked" wording, and the status code only where the words
// are silent or ambiguous.
import { BOUNCE_REASONS, type BounceReason } from "./diagnosis";
import { PHRASES, matchTable } from "./reason-phrases";

export interface ReasonInput {
  /** enhanced status code chosen for the recipient, "" when none */
  status: string;
  /** SMTP reply code, "" when none */
  replyCode: string;
  /** the server's words, lower-case, whitespace collapsed */
  diag: string;
  /** SMTP command the reply answered (RCPT, MAIL, DATA, EHLO, HELO, CONN, STARTTLS), "" when unknown */
  command: string;
  /** DSN Action field, lower-case */
  action: string;
  /** DSN diagnostic type (SMTP, X-UNIX, X-POSTFIX...), upper-case, "" when none */
  diagType: string;
  /** a reason already decided by an MTA- or provider-specific rule */
  preset: BounceReason | null;
  presetEvidence?: string;
  /** the preset names only the SMTP stage: the words may still name a more specific cause */
  presetWeak?: boolean;
}

export interface ReasonResult {
  reason: BounceReason;
  evidence: string[];
}

/** RFC 3463 code → reason, for codes whose meaning is unambiguous enough to classify by. */
const STATUS_REASON: Record<string, BounceReason> = {
  "2.1.5": "delivered",
  "4.1.6": "hasmoved",
  "4.1.7": "rejected",
  "4.1.8": "rejected",
  "4.1.9": "systemerror",
  "4.2.1": "blocked",
  "4.2.2": "mailboxfull",
  "4.2.3": "exceedlimit",
  "4.2.4": "filtered",
  "4.3.1": "systemfull",
  "4.3.2": "notaccept",
  "4.3.3": "systemerror",
  "4.3.5": "systemerror",
  "4.4.1": "expired",
  "4.4.2": "networkerror",
  "4.4.3": "systemerror",
  "4.4.4": "networkerror",
  "4.4.5": "systemfull",
  "4.4.6": "networkerror",
  "4.4.7": "expired",
  "4.4.8": "networkerror",
  "4.5.3": "systemerror",
  "4.5.5": "systemerror",
  "4.6.0": "contenterror",
  "4.6.2": "contenterror",
  "4.6.5": "contenterror",
  "4.7.1": "blocked",
  "4.7.2": "blocked",
  "4.7.5": "securityerror",
  "4.7.6": "securityerror",
  "4.7.7": "securityerror",
  "4.7.12": "securityerror",
  "4.7.15": "securityerror",
  "4.7.16": "mesgtoobig",
  "4.7.24": "authfailure",
  "4.7.25": "requireptr",
  "4.7.26": "authfailure",
  "5.1.0": "userunknown",
  "5.1.1": "userunknown",
  "5.1.2": "hostunknown",
  "5.1.3": "userunknown",
  "5.1.4": "filtered",
  "5.1.6": "hasmoved",
  "5.1.7": "rejected",
  "5.1.8": "rejected",
  "5.1.9": "systemerror",
  "5.1.10": "notaccept",
  "5.2.0": "filtered",
  "5.2.1": "filtered",
  "5.2.2": "mailboxfull",
  "5.2.3": "exceedlimit",
  "5.2.4": "filtered",
  "5.3.0": "systemerror",
  "5.3.1": "systemfull",
  "5.3.2": "notaccept",
  "5.3.3": "systemerror",
  "5.3.4": "mesgtoobig",
  "5.3.5": "systemerror",
  "5.4.0": "networkerror",
  "5.4.3": "systemerror",
  "5.4.4": "hostunknown",
  "5.5.2": "syntaxerror",
  "5.5.3": "toomanyconn",
  "5.5.4": "systemerror",
  "5.5.5": "systemerror",
  "5.5.6": "syntaxerror",
  "5.6.0": "contenterror",
  "5.6.1": "contenterror",
  "5.6.2": "contenterror",
  "5.6.3": "contenterror",
  "5.6.5": "contenterror",
  "5.6.6": "contenterror",
  "5.6.7": "contenterror",
  "5.6.8": "contenterror",
  "5.6.9": "contenterror",
  "5.7.0": "securityerror",
  "5.7.1": "securityerror",
  "5.7.2": "securityerror",
  "5.7.3": "securityerror",
  "5.7.4": "securityerror",
  "5.7.5": "securityerror",
  "5.7.6": "securityerror",
  "5.7.7": "securityerror",
  "5.7.8": "securityerror",
  "5.7.9": "securityerror",
  "5.7.10": "securityerror",
  "5.7.11": "securityerror",
  "5.7.13": "suspend",
  "5.7.14": "securityerror",
  "5.7.15": "securityerror",
  "5.7.16": "mesgtoobig",
  "5.7.17": "hasmoved",
  "5.7.18": "hasmoved",
  "5.7.19": "securityerror",
  "5.7.20": "authfailure",
  "5.7.21": "authfailure",
  "5.7.22": "authfailure",
  "5.7.23": "authfailure",
  "5.7.24": "authfailure",
  "5.7.25": "requireptr",
  "5.7.26": "authfailure",
  "5.7.27": "notaccept",
  "5.7.28": "spamdetected",
  "5.7.29": "authfailure",
  "5.7.30": "failedstarttls",
};

export function reasonOfStatus(status: string): BounceReason | "" {
  return STATUS_REASON[status] ?? "";
}

/** Reasons a first answer may be refined from (too generic to stop at). */
export const REFINABLE = new Set<BounceReason | "">([
  "",
  "undefined",
  "onhold",
  "systemerror",
  "securityerror",
  "expired",
  "networkerror",
  "hostunknown",
  "userunknown",
]);
const VAGUE = new Set<BounceReason | "">(["", "undefined", "onhold"]);
const BEFORE_DATA = new Set(["CONN", "EHLO", "HELO", "MAIL", "RCPT"]);
/** Words that say the refused address is the sender's (lower-cased text). */
const SENDER_NAMED = /\bsender (?:address|domain|verify|rejected|denied)\b|\bdomain of sender\b/;
/** The words of an RCPT TO refusal of an unknown recipient (lower-cased text). */
const RCPT_REFUSAL_WORDS =
  /\b(?:user unknown|unknown user|no such (?:user|mailbox|recipient|account)|(?:mailbox|account|recipient|user|address) (?:does not|doesn't) exist|invalid (?:recipient|mailbox)|unknown (?:recipient|mailbox)|unknown or illegal alias)\b|unbekannter empfänger|empfänger unbekannt|destinataire inconnu|usuario desconocido|(?:destinatario|utente) sconosciuto/;

type Probe = (f: ReasonInput, sn: BounceReason | "") => string | null;
/** Per-text memo: probes ask the same table about the same words several times. */
const REASON_SLOT = Object.fromEntries(BOUNCE_REASONS.map((r, i) => [r, i])) as Record<BounceReason, number>;
let memoText: string | null = null;
const memo: Array<string | null | undefined> = new Array(BOUNCE_REASONS.length).fill(undefined);
function lookup(text: string, r: BounceReason): string | null {
  if (text !== memoText) {
    memoText = text;
    memo.fill(undefined);
  }
  const slot = REASON_SLOT[r];
  let v = memo[slot];
  if (v === undefined) {
    v = matchTable(text, PHRASES[r]);
    memo[slot] = v;
  }
  return v;
}
const phrase = (r: BounceReason) => (f: ReasonInput) => lookup(f.diag, r);
const byStatus = (r: BounceReason) => (f: ReasonInput, sn: string) => (sn === r ? `status ${f.status}` : null);
const either =
  (...ps: Probe[]): Probe =>
  (f, sn) => {
    for (const p of ps) {
      const e = p(f, sn);
      if (e) return e;
    }
    return null;
  };

/** First pass: wording and status codes that name a specific cause. */
const FIRST_PASS: Array<[BounceReason, Probe]> = [
  ["mailboxfull", either(byStatus("mailboxfull"), phrase("mailboxfull"))],
  [
    "mesgtoobig",
    (f, sn) => (sn === "mesgtoobig" ? `status ${f.status}` : sn === "exceedlimit" ? null : phrase("mesgtoobig")(f)),
  ],
  ["exceedlimit", either(byStatus("exceedlimit"), phrase("exceedlimit"))],
  ["suspend", (f) => (f.replyCode === "525" ? "reply code 525" : phrase("suspend")(f))],
  ["hasmoved", phrase("hasmoved")],
  [
    "norelaying",
    (f) => (f.command === "CONN" || f.command === "EHLO" || f.command === "HELO" ? null : phrase("norelaying")(f)),
  ],
  ["authfailure", either(byStatus("authfailure"), phrase("authfailure"))],
  [
    "userunknown",
    (f, sn) => {
      // A refusal at MAIL FROM is about the sender ("550 5.1.0 <sender>: Sender address
      // rejected"), whatever its x.1.x code says: never the recipient's address.
      if (f.command === "MAIL") return null;
      if (sn === "userunknown") {
        for (const other of ["norelaying", "blocked", "mailboxfull", "hasmoved", "rejected", "notaccept"] as const) {
          if (lookup(f.diag, other)) return null;
        }
        return `status ${f.status}`;
      }
      // 5.1.10 is RFC 7505's null MX, and also what Microsoft's servers answer for a
      // recipient not found: the words tell which (a null MX names no recipient).
      if (/^[45]\.1\.10$/.test(f.status) && /recipient ?not ?found/.test(f.diag)) return phrase("userunknown")(f);
      // Without a status code, "user unknown" wording means a bad address only when it
      // answered RCPT TO; after DATA it is a recipient-side filter (see "filtered").
      if (f.command === "RCPT") return phrase("userunknown")(f);
      // With no stage and no code at all, the RCPT TO refusal's own words ("User unknown",
      // "unknown user": what Sendmail and Postfix answer at RCPT) still name a bad address.
      if (f.command === "" && !f.replyCode && !f.status && RCPT_REFUSAL_WORDS.test(f.diag))
        return phrase("userunknown")(f);
      return null;
    },
  ],
  [
    "filtered",
    (f, sn) => {
      if (sn === "filtered") return phrase("userunknown")(f) ?? phrase("filtered")(f);
      if (BEFORE_DATA.has(f.command)) return null;
      return phrase("filtered")(f) ?? phrase("userunknown")(f);
    },
  ],
  ["requireptr", either(byStatus("requireptr"), phrase("requireptr"))],
  ["notcompliantrfc", phrase("notcompliantrfc")],
  ["badreputation", phrase("badreputation")],
  [
    "contenterror",
    (f, sn) => {
      if (spamProbe(f, sn)) return null;
      return byStatus("contenterror")(f, sn) ?? phrase("contenterror")(f);
    },
  ],
  [
    "rejected",
    (f, sn) => {
      if (sn === "rejected") return `status ${f.status}`;
      if (f.command === "MAIL") return phrase("rejected")(f);
      // An address status whose words name the sender's address ("550 5.1.0 <s@x>: Sender
      // address rejected: Domain not found", refused at RCPT by Postfix's delayed checks).
      if (sn === "userunknown" || sn === "hostunknown") {
        const sender = SENDER_NAMED.exec(f.diag);
        if (sender) return phrase("rejected")(f) ?? sender[0];
      }
      if (f.command === "DATA" && sn !== "userunknown") return phrase("rejected")(f);
      if (VAGUE.has(sn) || sn === "securityerror" || sn === "systemerror") return phrase("rejected")(f);
      return null;
    },
  ],
  [
    "hostunknown",
    (f, sn) => {
      if (f.command === "MAIL") return null; // the sender's domain, not the recipient's
      if (sn === "hostunknown") return lookup(f.diag, "networkerror") ? null : `status ${f.status}`;
      return phrase("hostunknown")(f);
    },
  ],
  ["spamdetected", (f, sn) => spamProbe(f, sn)],
  ["speeding", phrase("speeding")],
  ["toomanyconn", either(byStatus("toomanyconn"), phrase("toomanyconn"))],
  ["blocked", either(byStatus("blocked"), phrase("blocked"))],
];

function spamProbe(f: ReasonInput, sn: BounceReason | ""): string | null {
  if (!f.status) return null;
  if (sn === "spamdetected") return `status ${f.status}`;
  if (BEFORE_DATA.has(f.command)) return null;
  return phrase("spamdetected")(f);
}

/** Second pass: wording of failures that codes rarely distinguish. */
const SECOND_PASS: BounceReason[] = [
  "mailboxfull",
  "authfailure",
  "badreputation",
  "speeding",
  "spamdetected",
  "virusdetected",
  "policyviolation",
  "norelaying",
  "systemerror",
  "networkerror",
  "suspend",
  "contenterror",
  "systemfull",
  "notaccept",
  "expired",
  "failedstarttls",
  "securityerror",
  "suppressed",
  "mailererror",
];

export function decideReason(f: ReasonInput): ReasonResult {
  if (f.preset && !f.presetWeak && !REFINABLE.has(f.preset))
    return { reason: f.preset, evidence: [f.presetEvidence ?? `rule: ${f.preset}`] };
  if (f.status.startsWith("2.")) return { reason: "delivered", evidence: [`status ${f.status} (success)`] };

  const sn = reasonOfStatus(f.status);
  if (f.diagType === "SMTP" || f.diagType === "") {
    for (const [reason, probe] of FIRST_PASS) {
      // An MTA-specific answer holds at its own place in the order: only the more specific
      // probes before it (mailbox full, size, suspension...) may override it.
      if (f.preset === reason) return { reason, evidence: [f.presetEvidence ?? `rule: ${reason}`] };
      const e = probe(f, sn);
      if (e) return { reason, evidence: [e.startsWith("status") || e.startsWith("reply") ? e : `text: "${e}"`] };
    }
  }
  if (f.preset) return { reason: f.preset, evidence: [f.presetEvidence ?? `rule: ${f.preset}`] };

  const other = secondPassWords(f, sn) ?? connectionStage(f, sn) ?? secondPass(f, sn);
  if (other) return other;
  if (f.action === "delayed") return { reason: "expired", evidence: ["action delayed"] };
  if (lookup(f.diag, "vacation")) return { reason: "vacation", evidence: ["text: auto-reply wording"] };
  if (f.diag) return { reason: "onhold", evidence: ["no rule matched the server's words"] };
  return { reason: "undefined", evidence: ["no diagnostic text, status or reply code"] };
}

function secondPassWords(f: ReasonInput, sn: BounceReason | ""): ReasonResult | null {
  if (REFINABLE.has(sn) || f.diagType !== "SMTP") {
    for (const r of SECOND_PASS) {
      const e = lookup(f.diag, r);
      if (e) return { reason: r, evidence: [`text: "${e}"`] };
    }
  }
  return null;
}

function secondPass(f: ReasonInput, sn: BounceReason | ""): ReasonResult | null {
  if (REFINABLE.has(sn) || f.diagType !== "SMTP") {
    // An address status refused at MAIL FROM names the sender's address, not the recipient's.
    if (f.command === "MAIL" && (sn === "userunknown" || sn === "hostunknown"))
      return { reason: "rejected", evidence: [`status ${f.status} in reply to MAIL FROM (the sender's address)`] };
    if (sn) return { reason: sn, evidence: [`status ${f.status}`] };
    const cls = f.status.slice(0, 3);
    if (cls === "5.6" || cls === "4.6") return { reason: "contenterror", evidence: [`status class ${cls}`] };
    if (cls === "5.7" || cls === "4.7") return { reason: "securityerror", evidence: [`status class ${cls}`] };
    // RFC 3463 subjects for details no table names: x.1.x addressing (the recipient's,
    // unless the refusal came at MAIL FROM, where it is the sender's), x.3.x mail system,
    // x.4.x network and routing.
    if (cls === "5.1" || cls === "4.1")
      return {
        reason: f.command === "MAIL" ? "rejected" : "userunknown",
        evidence: [`status class ${cls} (addressing)`],
      };
    // x.2.x: the mailbox refused (RFC 3463 "mailbox status"), as the 5.2.0 entry reads it.
    if (cls === "5.2" || cls === "4.2") return { reason: "filtered", evidence: [`status class ${cls} (mailbox)`] };
    if (cls === "5.3" || cls === "4.3")
      return { reason: "systemerror", evidence: [`status class ${cls} (mail system)`] };
    if (cls === "5.4" || cls === "4.4")
      return { reason: "networkerror", evidence: [`status class ${cls} (network/routing)`] };
    if (f.diagType.startsWith("X-UNIX")) return { reason: "mailererror", evidence: ["diagnostic type X-Unix"] };
    const rc = Number(f.replyCode);
    if ((rc > 500 && rc < 508) || (rc > 400 && rc < 408))
      return { reason: "syntaxerror", evidence: [`reply code ${f.replyCode}`] };
    if (f.action === "delayed" || f.action === "expired")
      return { reason: "expired", evidence: [`action ${f.action}`] };
    if (f.command === "EHLO" || f.command === "HELO")
      return { reason: "blocked", evidence: [`rejected at ${f.command}`] };
    return null;
  }
  return sn ? { reason: sn, evidence: [`status ${f.status}`] } : null;
}

/**
 * Refused before any envelope was sent (at the greeting or at EHLO/HELO): the server turned
 * the sending host away, so the failure is "blocked" unless the words named another cause.
 */
function connectionStage(f: ReasonInput, sn: BounceReason | ""): ReasonResult | null {
  if (f.command !== "CONN" && f.command !== "EHLO" && f.command !== "HELO") return null;
  if (sn !== "" && sn !== "securityerror" && sn !== "undefined" && sn !== "onhold") return null;
  if (f.status[0] === "4" && !f.replyCode) return null;
  return {
    reason: "blocked",
    evidence: [`rejected at ${f.command === "CONN" ? "the connection (greeting)" : f.command}`],
  };
}
