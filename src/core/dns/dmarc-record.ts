// DMARC policy records (RFC 7489 6.3, 6.4, 6.6.3), parsed strictly and judged against
// what Google, Yahoo and Microsoft ask of senders: any policy below bulk volume,
// quarantine or reject from 5,000 messages a day, reached by the safe path
// none -> quarantine -> reject with aggregate reports watched along the way.

import { fail, pass, warn, worstStatus, type CheckResult, type CheckStatus } from "./check-result";
import { parseTagList } from "./tag-list";

export type DmarcPolicy = "none" | "quarantine" | "reject";
export type AlignmentMode = "r" | "s";

export interface DmarcRecord {
  p: DmarcPolicy;
  /** Subdomain policy; defaults to p. */
  sp: DmarcPolicy;
  pct: number;
  rua: string[];
  ruf: string[];
  aspf: AlignmentMode;
  adkim: AlignmentMode;
  fo: string;
  ri: number;
}

/** 5,000 messages a day to Gmail makes a bulk sender (Google, and Yahoo/Microsoft alike). */
export const BULK_SENDER_DAILY_VOLUME = 5000;

export type DmarcParse = { ok: true; record: DmarcRecord; unknownTags: string[] } | { ok: false; error: string };

const POLICIES = new Set(["none", "quarantine", "reject"]);
const DMARC_URI = /^mailto:[^\s@,!]+@[^\s@,!]+\.[^\s@,!]+(?:![0-9]+[kmgt]?)?$/i;
const KNOWN_TAGS = new Set(["v", "p", "sp", "pct", "rua", "ruf", "aspf", "adkim", "fo", "ri", "rf"]);

/** Policy records start with v=DMARC1 (exactly, RFC 7489 6.4); others at _dmarc are ignored. */
export function isDmarcRecord(txt: string): boolean {
  return /^v\s*=\s*DMARC1\s*(;|$)/.test(txt);
}

function uris(value: string, tag: string): string[] | string {
  const list = value
    .split(",")
    .map((u) => u.trim())
    .filter((u) => u !== "");
  if (list.length === 0) return `${tag}= is empty`;
  for (const u of list) if (!DMARC_URI.test(u)) return `${tag}= holds "${u}", which is not a mailto: address`;
  return list;
}

export function parseDmarcRecord(text: string): DmarcParse {
  if (!isDmarcRecord(text)) return { ok: false, error: "the record must start with v=DMARC1" };
  const parsed = parseTagList(text);
  if (!parsed.ok) return { ok: false, error: parsed.error };
  const t = new Map([...parsed.map].map(([k, v]) => [k.toLowerCase(), v]));
  const p = t.get("p")?.toLowerCase();
  if (p === undefined) return { ok: false, error: "the required p= tag is missing" };
  if (!POLICIES.has(p)) return { ok: false, error: `p=${p} is not none, quarantine or reject` };
  const sp = t.get("sp")?.toLowerCase() ?? p;
  if (!POLICIES.has(sp)) return { ok: false, error: `sp=${sp} is not none, quarantine or reject` };
  const pctText = t.get("pct") ?? "100";
  if (!/^\d{1,3}$/.test(pctText) || Number(pctText) > 100)
    return { ok: false, error: `pct=${pctText} is not a whole number from 0 to 100` };
  const modes: Record<string, AlignmentMode> = {};
  for (const tag of ["aspf", "adkim"]) {
    const m = (t.get(tag) ?? "r").toLowerCase();
    if (m !== "r" && m !== "s") return { ok: false, error: `${tag}=${m} must be r (relaxed) or s (strict)` };
    modes[tag] = m;
  }
  const rua = t.has("rua") ? uris(t.get("rua") as string, "rua") : [];
  if (typeof rua === "string") return { ok: false, error: rua };
  const ruf = t.has("ruf") ? uris(t.get("ruf") as string, "ruf") : [];
  if (typeof ruf === "string") return { ok: false, error: ruf };
  const fo = t.get("fo") ?? "0";
  if (!/^[01ds](:[01ds])*$/.test(fo)) return { ok: false, error: `fo=${fo} must be 0, 1, d or s (colon-separated)` };
  const riText = t.get("ri") ?? "86400";
  if (!/^\d+$/.test(riText)) return { ok: false, error: `ri=${riText} must be a number of seconds` };
  return {
    ok: true,
    record: {
      p: p as DmarcPolicy,
      sp: sp as DmarcPolicy,
      pct: Number(pctText),
      rua,
      ruf,
      aspf: modes.aspf,
      adkim: modes.adkim,
      fo,
      ri: Number(riText),
    },
    unknownTags: [...t.keys()].filter((k) => !KNOWN_TAGS.has(k)),
  };
}

export interface DmarcLintInput {
  /** The sending domain. */
  domain: string;
  /** The TXT records (joined) found at `foundAt`; empty when none anywhere. */
  records: readonly string[];
  /** The name they were found at: _dmarc.<domain> or _dmarc.<organizational domain>. */
  foundAt: string | null;
  /** Messages a day to the big providers; null when unknown (judged as below bulk). */
  dailyVolume: number | null;
}

export interface DmarcLint {
  status: CheckStatus;
  checks: CheckResult[];
  record: DmarcRecord | null;
  /** The text of the policy record used, if any. */
  text: string | null;
}

export function lintDmarc(input: DmarcLintInput): DmarcLint {
  const where = `_dmarc.${input.domain}`;
  const done = (checks: CheckResult[], record: DmarcRecord | null = null, text: string | null = null): DmarcLint => ({
    status: worstStatus(checks.map((c) => c.status)),
    checks,
    record,
    text,
  });
  const candidates = input.records.filter(isDmarcRecord);
  if (candidates.length === 0) {
    const misspelt = input.records.find((r) => /^\s*v\s*=\s*dmarc1/i.test(r));
    return done(
      [
        fail(
          "dmarc.record",
          misspelt ?? null,
          misspelt
            ? `The record at ${input.foundAt ?? where} does not start with v=DMARC1 exactly (it is case-sensitive and must come first).`
            : `There is no DMARC record at ${where}.`,
          `Publish a TXT record at ${where}: "v=DMARC1; p=none; rua=mailto:dmarc-reports@${input.domain}" and start reading the reports.`,
        ),
      ],
      null,
      misspelt ?? null,
    );
  }
  if (candidates.length > 1) {
    return done([
      fail(
        "dmarc.record",
        candidates.join(" | "),
        `There are ${candidates.length} DMARC records at ${input.foundAt}; receivers then apply none at all.`,
        "Keep exactly one v=DMARC1 record.",
      ),
    ]);
  }
  const text = candidates[0];
  const parsed = parseDmarcRecord(text);
  if (!parsed.ok) {
    return done(
      [
        fail(
          "dmarc.syntax",
          text,
          `The DMARC record is invalid: ${parsed.error}.`,
          'Correct the record; a valid start is "v=DMARC1; p=none; rua=mailto:...".',
        ),
      ],
      null,
      text,
    );
  }
  const r = parsed.record;
  const checks: CheckResult[] = [];
  const inherited = input.foundAt !== null && input.foundAt !== where;
  checks.push(
    inherited
      ? pass(
          "dmarc.record",
          text,
          `${input.domain} uses the organizational domain's record at ${input.foundAt}; publish one at ${where} to set its own policy.`,
        )
      : pass("dmarc.record", text),
  );
  if (parsed.unknownTags.length > 0) {
    checks.push(
      warn(
        "dmarc.syntax",
        text,
        `Unknown tags are ignored: ${parsed.unknownTags.join(", ")}.`,
        "Remove tags DMARC doesn't define (a typo of a real tag?).",
      ),
    );
  }

  const bulk = (input.dailyVolume ?? 0) >= BULK_SENDER_DAILY_VOLUME;
  const volume = input.dailyVolume === null ? "unknown daily volume" : `${input.dailyVolume} messages a day`;
  if (r.p === "none") {
    checks.push(
      bulk
        ? fail(
            "dmarc.policy",
            text,
            `p=none doesn't protect the domain, and at ${volume} you are a bulk sender: Google, Yahoo and Microsoft require p=quarantine or p=reject.`,
            "Once the aggregate reports show your own mail passing, move to p=quarantine (optionally with pct= first), then p=reject.",
          )
        : pass(
            "dmarc.policy",
            text,
            "Next on the safe path: p=quarantine once the aggregate reports show all your mail passing, then p=reject.",
          ),
    );
  } else if (r.p === "quarantine") {
    checks.push(
      pass(
        "dmarc.policy",
        text,
        r.pct === 100 ? "Last step on the safe path: p=reject when the reports stay clean." : null,
      ),
    );
  } else {
    checks.push(pass("dmarc.policy", text));
  }
  if (r.p !== "none" && r.pct < 100) {
    checks.push(
      warn(
        "dmarc.pct",
        text,
        `pct=${r.pct}: the policy applies to only ${r.pct} % of failing mail.`,
        "Raise pct= step by step to 100 while the reports stay clean.",
      ),
    );
  }
  const rank: Record<DmarcPolicy, number> = { none: 0, quarantine: 1, reject: 2 };
  if (rank[r.sp] < rank[r.p]) {
    checks.push(
      warn(
        "dmarc.subdomain-policy",
        text,
        `sp=${r.sp} is weaker than p=${r.p}: spoofed mail from subdomains is treated more leniently.`,
        `Set sp=${r.p} (or remove sp=) unless a subdomain still sends unauthenticated mail.`,
      ),
    );
  }
  if (r.rua.length === 0) {
    checks.push(
      r.p === "none"
        ? warn(
            "dmarc.reports",
            text,
            "There is no rua= address, so nobody receives the aggregate reports: p=none then achieves nothing.",
            `Add rua=mailto:dmarc-reports@${input.domain}.`,
          )
        : warn(
            "dmarc.reports",
            text,
            `The policy is enforced (p=${r.p}) without aggregate reports: you won't see your own mail being rejected.`,
            `Add rua=mailto:dmarc-reports@${input.domain}.`,
          ),
    );
  }
  return done(checks, r, text);
}
