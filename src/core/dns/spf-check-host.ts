// RFC 7208 check_host(): is this IP allowed to send mail for this domain? Pure apart from
// the injected DnsLookup; the time for %{t} is an argument.
//
// Limits (4.6.4): at most 10 terms that query DNS (include, a, mx, ptr, exists, redirect)
// across the whole evaluation, counted as they are evaluated; at most 2 "void" lookups
// (NXDOMAIN or no records); an mx with more than 10 MX records is a permerror; only the
// first 10 PTR names are looked at. DNS failures are temperror, never "no record".

import { isMissing, joinTxt, normalizeName, type DnsAnswer, type DnsLookup } from "./dns-lookup";
import { asSpfIp, formatIp, ipEquals, ipInCidr, parseIp, type IpAddress } from "./ip-address";
import { expandMacroString, parseMacroString, toQueryName, type MacroFacts } from "./spf-macro";
import {
  DNS_QUERYING_MECHANISMS,
  parseSpfRecord,
  selectSpfRecords,
  type DomainSpec,
  type SpfDirective,
  type SpfQualifier,
} from "./spf-record";

export type SpfResult = "pass" | "fail" | "softfail" | "neutral" | "none" | "permerror" | "temperror";

export const SPF_LIMITS = { dnsMechanisms: 10, voidLookups: 2, mxNames: 10, ptrNames: 10 } as const;

export interface CheckHostInput {
  /** The SMTP client's address (IPv4, IPv6, or IPv4-mapped IPv6). */
  ip: string;
  /** The domain whose policy is checked (normally the MAIL FROM domain, or the HELO name). */
  domain: string;
  /** MAIL FROM address; without a local part it becomes postmaster@domain (4.3). */
  sender: string;
  /** HELO/EHLO name, for %{h}. */
  helo?: string;
  /** The checking host's name, for %{r} in explanations. */
  receiver?: string;
  /** For %{t}. */
  now: Date;
}

export interface CheckHostOutcome {
  result: SpfResult;
  /** The domain's own explanation (exp=), macro-expanded, when the result is fail and it had one. */
  explanation: string | null;
  /** The term that decided the result and the domain whose record holds it. */
  matched: { domain: string; mechanism: string } | null;
  /** Why the result is none, permerror or temperror, in plain words. */
  problem: string | null;
  /** DNS-querying terms evaluated (limit 10). */
  lookups: number;
  /** Lookups that found nothing (limit 2). */
  voidLookups: number;
  /** One line per evaluated term, for humans debugging a record. */
  trace: string[];
}

class Abort extends Error {
  constructor(
    readonly result: "permerror" | "temperror",
    readonly problem: string,
  ) {
    super(problem);
  }
}

interface State {
  dns: DnsLookup;
  ip: IpAddress;
  sender: string;
  helo: string;
  receiver: string;
  now: Date;
  lookups: number;
  voids: number;
  trace: string[];
}

interface Evaluated {
  result: SpfResult;
  matched: { domain: string; mechanism: string } | null;
  /** exp= of the record that produced fail, resolved only once at the top (6.2). */
  exp: { spec: DomainSpec; domain: string } | null;
  problem: string | null;
}

const QUALIFIER_RESULT: Record<SpfQualifier, SpfResult> = { "+": "pass", "-": "fail", "~": "softfail", "?": "neutral" };

/** 4.3: a malformed, single-label or literal domain gives "none" without any lookup. */
function isCheckableDomain(domain: string): boolean {
  const name = domain.endsWith(".") ? domain.slice(0, -1) : domain;
  if (name.length === 0 || name.length > 253 || name.startsWith("[")) return false;
  const labels = name.split(".");
  return labels.length >= 2 && labels.every((l) => l.length > 0 && l.length <= 63);
}

function describe(answer: DnsAnswer<unknown>): string {
  if (answer.status === "ERROR") return `${answer.code}: ${answer.message}`;
  return answer.status;
}

function countLookup(state: State, term: string): void {
  state.lookups += 1;
  if (state.lookups > SPF_LIMITS.dnsMechanisms) {
    throw new Abort(
      "permerror",
      `more than ${SPF_LIMITS.dnsMechanisms} DNS-querying terms (limit reached at "${term}")`,
    );
  }
}

function countVoid(state: State, term: string): void {
  state.voids += 1;
  if (state.voids > SPF_LIMITS.voidLookups) {
    throw new Abort(
      "permerror",
      `more than ${SPF_LIMITS.voidLookups} lookups found nothing (limit reached at "${term}")`,
    );
  }
}

function facts(state: State, domain: string): MacroFacts {
  return {
    sender: state.sender,
    domain,
    ip: state.ip,
    helo: state.helo,
    receiver: state.receiver,
    now: state.now,
    validatedName: () => validatedName(state, domain),
  };
}

async function targetName(state: State, spec: DomainSpec | null, domain: string): Promise<string | null> {
  if (!spec) return domain;
  return toQueryName(await expandMacroString(spec.tokens, facts(state, domain)));
}

async function addressesOf(state: State, name: string): Promise<DnsAnswer<string>> {
  return state.ip.version === 4 ? state.dns.a(name) : state.dns.aaaa(name);
}

function anyInCidr(state: State, addresses: string[], cidr4: number, cidr6: number): boolean {
  return addresses.some((text) => {
    const parsed = parseIp(text);
    if (!parsed) return false;
    const addr = asSpfIp(parsed);
    return ipInCidr(state.ip, addr, addr.version === 4 ? cidr4 : cidr6);
  });
}

/** PTR names of the IP whose forward lookup returns the IP again (5.5), at most 10 examined. */
async function validatedNames(state: State, filter: (name: string) => boolean): Promise<string[] | null> {
  const ptr = await state.dns.ptr(formatIp(state.ip));
  if (ptr.status !== "OK") return isMissing(ptr) ? [] : null;
  const out: string[] = [];
  for (const raw of ptr.records.slice(0, SPF_LIMITS.ptrNames)) {
    const name = normalizeName(raw);
    if (!filter(name)) continue;
    const addrs = await addressesOf(state, name);
    // A failed forward lookup skips that name (5.5), it doesn't fail the check.
    if (addrs.status !== "OK") continue;
    if (
      addrs.records.some((a) => {
        const p = parseIp(a);
        return p !== null && ipEquals(asSpfIp(p), state.ip);
      })
    )
      out.push(name);
  }
  return out;
}

function isSameOrSubdomain(name: string, target: string): boolean {
  return name === target || name.endsWith(`.${target}`);
}

/** %{p} (7.3): the validated name equal to, else under, the domain; else any; else "unknown". */
async function validatedName(state: State, domain: string): Promise<string> {
  const target = normalizeName(domain);
  const names = await validatedNames(state, () => true);
  if (!names || names.length === 0) return "unknown";
  return names.find((n) => n === target) ?? names.find((n) => n.endsWith(`.${target}`)) ?? names[0];
}

async function matches(state: State, directive: SpfDirective, domain: string): Promise<boolean> {
  const m = directive.mechanism;
  const term = directive.text;
  switch (m.kind) {
    case "all":
      return true;
    case "ip4":
    case "ip6":
      return ipInCidr(state.ip, m.network, m.prefix);
    case "a": {
      const name = await targetName(state, m.domain, domain);
      if (name === null) return false;
      const answer = await addressesOf(state, name);
      if (answer.status === "ERROR")
        throw new Abort("temperror", `${term}: lookup of ${name} failed (${describe(answer)})`);
      if (isMissing(answer)) {
        countVoid(state, term);
        return false;
      }
      return anyInCidr(state, answer.records, m.cidr4, m.cidr6);
    }
    case "mx": {
      const name = await targetName(state, m.domain, domain);
      if (name === null) return false;
      const answer = await state.dns.mx(name);
      if (answer.status === "ERROR")
        throw new Abort("temperror", `${term}: MX lookup of ${name} failed (${describe(answer)})`);
      if (isMissing(answer)) {
        countVoid(state, term);
        return false;
      }
      if (answer.records.length > SPF_LIMITS.mxNames) {
        throw new Abort(
          "permerror",
          `${term}: ${name} has ${answer.records.length} MX records (limit ${SPF_LIMITS.mxNames})`,
        );
      }
      const hosts = [...answer.records].sort((x, y) => x.priority - y.priority);
      for (const mx of hosts) {
        const host = toQueryName(mx.exchange);
        if (host === null) continue; // null MX: no mail host at all
        const addrs = await addressesOf(state, host);
        if (addrs.status === "ERROR")
          throw new Abort("temperror", `${term}: lookup of MX host ${host} failed (${describe(addrs)})`);
        if (addrs.status === "OK" && anyInCidr(state, addrs.records, m.cidr4, m.cidr6)) return true;
      }
      return false;
    }
    case "ptr": {
      const name = await targetName(state, m.domain, domain);
      if (name === null) return false;
      const target = normalizeName(name);
      const ptr = await state.dns.ptr(formatIp(state.ip));
      if (isMissing(ptr)) {
        countVoid(state, term);
        return false;
      }
      // A failed PTR lookup is no match (5.5), unlike every other mechanism.
      if (ptr.status !== "OK") return false;
      const names = await validatedNames(state, (n) => isSameOrSubdomain(n, target));
      return names !== null && names.length > 0;
    }
    case "exists": {
      const name = await targetName(state, m.domain, domain);
      if (name === null) return false;
      // Always an A query, even for an IPv6 client (5.7).
      const answer = await state.dns.a(name);
      if (answer.status === "ERROR")
        throw new Abort("temperror", `${term}: lookup of ${name} failed (${describe(answer)})`);
      if (isMissing(answer)) {
        countVoid(state, term);
        return false;
      }
      return true;
    }
    case "include": {
      const name = await targetName(state, m.domain, domain);
      const inner =
        name === null
          ? { result: "none" as SpfResult, problem: "not a valid domain name" }
          : await evaluate(state, name);
      switch (inner.result) {
        case "pass":
          return true;
        case "fail":
        case "softfail":
        case "neutral":
          return false;
        case "none":
          throw new Abort("permerror", `${term}: ${name ?? m.domain.text} has no SPF record`);
        default:
          throw new Abort(inner.result, inner.problem ?? `${term} failed`);
      }
    }
  }
}

async function evaluate(state: State, domain: string): Promise<Evaluated> {
  const name = normalizeName(domain);
  if (!isCheckableDomain(name))
    return { result: "none", matched: null, exp: null, problem: `"${domain}" is not a valid domain name` };
  const txt = await state.dns.txt(name);
  if (txt.status === "ERROR") throw new Abort("temperror", `TXT lookup of ${name} failed (${describe(txt)})`);
  if (isMissing(txt))
    return { result: "none", matched: null, exp: null, problem: `${name} does not exist or has no TXT records` };
  const records = selectSpfRecords(txt.records.map(joinTxt));
  if (records.length === 0) return { result: "none", matched: null, exp: null, problem: `${name} has no SPF record` };
  if (records.length > 1)
    throw new Abort("permerror", `${name} has ${records.length} SPF records; there must be exactly one`);
  const parsed = parseSpfRecord(records[0]);
  if (!parsed.ok) throw new Abort("permerror", `${name}: ${parsed.error}`);
  const record = parsed.record;

  for (const directive of record.directives) {
    if (DNS_QUERYING_MECHANISMS.has(directive.mechanism.kind)) countLookup(state, directive.text);
    const hit = await matches(state, directive, name);
    state.trace.push(`${name}: ${directive.text} ${hit ? "matches" : "does not match"}`);
    if (hit) {
      const result = QUALIFIER_RESULT[directive.qualifier];
      return {
        result,
        matched: { domain: name, mechanism: directive.text },
        exp: result === "fail" && record.exp ? { spec: record.exp, domain: name } : null,
        problem: null,
      };
    }
  }
  if (record.redirect) {
    // redirect is ignored when the record has "all" — unreachable here, since all always matches.
    countLookup(state, `redirect=${record.redirect.text}`);
    const target = await targetName(state, record.redirect, name);
    state.trace.push(`${name}: redirect=${record.redirect.text} -> ${target ?? "(invalid name)"}`);
    const inner = target === null ? null : await evaluate(state, target);
    if (!inner || inner.result === "none") {
      throw new Abort("permerror", `redirect=${record.redirect.text}: ${target ?? "target"} has no SPF record`);
    }
    return inner;
  }
  return { result: "neutral", matched: null, exp: null, problem: null };
}

/** 6.2: any problem with the explanation just means there is none (no error, no limit counted). */
async function explanation(state: State, exp: { spec: DomainSpec; domain: string }): Promise<string | null> {
  const name = await targetName(state, exp.spec, exp.domain);
  if (name === null) return null;
  const txt = await state.dns.txt(name);
  if (txt.status !== "OK" || txt.records.length !== 1) return null;
  const text = joinTxt(txt.records[0]);
  const parsed = parseMacroString(text, { explanation: true });
  if (!parsed.ok) return null;
  return expandMacroString(parsed.tokens, facts(state, exp.domain));
}

/** RFC 7208 check_host(<ip>, <domain>, <sender>). */
export async function checkHost(dns: DnsLookup, input: CheckHostInput): Promise<CheckHostOutcome> {
  const parsedIp = parseIp(input.ip);
  if (!parsedIp) throw new TypeError(`not an IP address: ${input.ip}`);
  const at = input.sender.lastIndexOf("@");
  const local = at === -1 ? "" : input.sender.slice(0, at);
  const senderDomain = at === -1 ? input.sender : input.sender.slice(at + 1);
  const state: State = {
    dns,
    ip: asSpfIp(parsedIp),
    sender: `${local || "postmaster"}@${senderDomain || input.domain}`,
    helo: input.helo ?? "",
    receiver: input.receiver ?? "unknown",
    now: input.now,
    lookups: 0,
    voids: 0,
    trace: [],
  };
  const done = (e: Evaluated, text: string | null): CheckHostOutcome => ({
    result: e.result,
    explanation: text,
    matched: e.matched,
    problem: e.problem,
    lookups: state.lookups,
    voidLookups: state.voids,
    trace: state.trace,
  });
  let evaluated: Evaluated;
  try {
    evaluated = await evaluate(state, input.domain);
  } catch (err) {
    if (!(err instanceof Abort)) throw err;
    return done({ result: err.result, matched: null, exp: null, problem: err.problem }, null);
  }
  const text = evaluated.result === "fail" && evaluated.exp ? await explanation(state, evaluated.exp) : null;
  return done(evaluated, text);
}

/**
 * The SPF check an MTA does for one message: the MAIL FROM identity, or the HELO identity
 * (postmaster@helo) when MAIL FROM is empty (RFC 7208 2.4).
 */
export async function checkSpf(
  dns: DnsLookup,
  input: { ip: string; mailFrom: string; helo: string; now: Date; receiver?: string },
): Promise<CheckHostOutcome & { identity: "mailfrom" | "helo"; domain: string }> {
  const useHelo = input.mailFrom.trim() === "";
  const sender = useHelo ? `postmaster@${input.helo}` : input.mailFrom.trim();
  const domain = sender.slice(sender.lastIndexOf("@") + 1);
  const outcome = await checkHost(dns, {
    ip: input.ip,
    domain,
    sender,
    helo: input.helo,
    receiver: input.receiver,
    now: input.now,
  });
  return { ...outcome, identity: useHelo ? "helo" : "mailfrom", domain };
}
