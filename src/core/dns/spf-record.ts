// SPF record syntax (RFC 7208 sections 4.5, 4.6, 5, 6 and 12): which TXT records are SPF
// records, and a parser that accepts exactly the grammar, so that any syntax error
// anywhere in the record is found before evaluation starts (4.6: permerror).

import { parseIpv4, parseIpv6, type IpAddress } from "./ip-address";
import { parseDomainSpec, parseMacroString, type MacroToken } from "./spf-macro";

export type SpfQualifier = "+" | "-" | "~" | "?";

export interface DomainSpec {
  /** As written in the record. */
  text: string;
  tokens: MacroToken[];
}

export type SpfMechanism =
  | { kind: "all" }
  | { kind: "include"; domain: DomainSpec }
  | { kind: "a"; domain: DomainSpec | null; cidr4: number; cidr6: number }
  | { kind: "mx"; domain: DomainSpec | null; cidr4: number; cidr6: number }
  | { kind: "ptr"; domain: DomainSpec | null }
  | { kind: "ip4"; network: IpAddress; prefix: number }
  | { kind: "ip6"; network: IpAddress; prefix: number }
  | { kind: "exists"; domain: DomainSpec };

export interface SpfDirective {
  qualifier: SpfQualifier;
  mechanism: SpfMechanism;
  /** The term as written, for reports ("-all", "include:_spf.google.com"). */
  text: string;
}

export interface SpfRecord {
  directives: SpfDirective[];
  redirect: DomainSpec | null;
  exp: DomainSpec | null;
  /** Modifiers the RFC doesn't define: ignored, but must be syntactically valid. */
  unknownModifiers: Array<{ name: string; value: string }>;
}

export type SpfParse = { ok: true; record: SpfRecord } | { ok: false; error: string };

/** Mechanisms (and the redirect modifier) that cost one of the 10 DNS lookups (4.6.4). */
export const DNS_QUERYING_MECHANISMS: ReadonlySet<SpfMechanism["kind"]> = new Set([
  "include",
  "a",
  "mx",
  "ptr",
  "exists",
]);

/** 4.5: "v=spf1" (any case) followed by a space or the end of the record. */
export function isSpfRecord(txt: string): boolean {
  return /^v=spf1(?: |$)/i.test(txt);
}

const MODIFIER = /^([A-Za-z][A-Za-z0-9\-_.]*)=(.*)$/s;
const CIDR4 = /^(?:0|[1-9]\d?)$/;
const CIDR6 = /^(?:0|[1-9]\d{0,2})$/;

function domainSpec(text: string): DomainSpec | string {
  const parsed = parseDomainSpec(text);
  return parsed.ok ? { text, tokens: parsed.tokens } : parsed.error;
}

/** a / mx argument: [":" domain-spec] [ip4-cidr] ["//" ip6-cidr]; "/" may also occur inside the domain. */
function parseAddressMechanism(kind: "a" | "mx", rest: string): SpfMechanism | string {
  let spec: string | null = null;
  let cidrs = rest;
  if (rest.startsWith(":")) {
    // The shortest domain that leaves a well-formed cidr suffix: "/" may occur in a domain-spec.
    const m = /^:(.*?)((?:\/\d+)?(?:\/\/\d+)?)$/s.exec(rest);
    spec = m ? m[1] : rest.slice(1);
    cidrs = m ? m[2] : "";
    if (spec === "") return `"${kind}:" needs a domain`;
  }
  const c = /^(?:\/(\d+))?(?:\/\/(\d+))?$/.exec(cidrs);
  if (!c) return `malformed CIDR length "${cidrs}"`;
  let cidr4 = 32;
  let cidr6 = 128;
  if (c[1] !== undefined) {
    if (!CIDR4.test(c[1]) || Number(c[1]) > 32) return `IPv4 CIDR length "/${c[1]}" must be 0 to 32`;
    cidr4 = Number(c[1]);
  }
  if (c[2] !== undefined) {
    if (!CIDR6.test(c[2]) || Number(c[2]) > 128) return `IPv6 CIDR length "//${c[2]}" must be 0 to 128`;
    cidr6 = Number(c[2]);
  }
  let domain: DomainSpec | null = null;
  if (spec !== null) {
    const d = domainSpec(spec);
    if (typeof d === "string") return d;
    domain = d;
  }
  return { kind, domain, cidr4, cidr6 };
}

function parseIpMechanism(kind: "ip4" | "ip6", rest: string): SpfMechanism | string {
  if (!rest.startsWith(":") || rest.length === 1) return `"${kind}" needs an address`;
  const body = rest.slice(1);
  const slash = body.indexOf("/");
  const addr = slash === -1 ? body : body.slice(0, slash);
  const cidr = slash === -1 ? null : body.slice(slash + 1);
  const bytes = kind === "ip4" ? parseIpv4(addr) : parseIpv6(addr);
  if (!bytes) return `"${addr}" is not a valid ${kind === "ip4" ? "IPv4" : "IPv6"} address`;
  const max = kind === "ip4" ? 32 : 128;
  let prefix = max;
  if (cidr !== null) {
    if (!(kind === "ip4" ? CIDR4 : CIDR6).test(cidr) || Number(cidr) > max)
      return `CIDR length "/${cidr}" must be 0 to ${max}`;
    prefix = Number(cidr);
  }
  return { kind, network: { version: kind === "ip4" ? 4 : 6, bytes }, prefix };
}

function parseMechanism(term: string): SpfMechanism | string {
  const m = /^([A-Za-z][A-Za-z0-9]*)(.*)$/s.exec(term);
  if (!m) return `"${term}" is not a mechanism`;
  const name = m[1].toLowerCase();
  const rest = m[2];
  switch (name) {
    case "all":
      return rest === "" ? { kind: "all" } : `"all" takes no argument`;
    case "include":
    case "exists": {
      if (!rest.startsWith(":")) return `"${name}" needs ":domain"`;
      const d = domainSpec(rest.slice(1));
      return typeof d === "string" ? d : { kind: name, domain: d };
    }
    case "a":
    case "mx":
      if (rest !== "" && !rest.startsWith(":") && !rest.startsWith("/")) return `unknown mechanism "${term}"`;
      return parseAddressMechanism(name, rest);
    case "ptr": {
      if (rest === "") return { kind: "ptr", domain: null };
      if (!rest.startsWith(":")) return `"ptr" takes only ":domain"`;
      const d = domainSpec(rest.slice(1));
      return typeof d === "string" ? d : { kind: "ptr", domain: d };
    }
    case "ip4":
    case "ip6":
      return parseIpMechanism(name, rest);
    default:
      return `unknown mechanism "${term}"`;
  }
}

/** Parse a complete record ("v=spf1 ..."). Any error anywhere makes the whole record invalid. */
export function parseSpfRecord(txt: string): SpfParse {
  if (!isSpfRecord(txt)) return { ok: false, error: 'the record does not start with "v=spf1"' };
  // Terms are separated by spaces only (4.6.1); tabs, CR or non-ASCII are syntax errors.
  const bad = /[^\x20-\x7e]/.exec(txt);
  if (bad) return { ok: false, error: `character ${JSON.stringify(bad[0])} is not allowed in an SPF record` };
  const record: SpfRecord = { directives: [], redirect: null, exp: null, unknownModifiers: [] };
  for (const term of txt
    .slice(6)
    .split(" ")
    .filter((t) => t !== "")) {
    const mod = MODIFIER.exec(term);
    if (mod) {
      const name = mod[1].toLowerCase();
      if (name === "redirect" || name === "exp") {
        if (record[name]) return { ok: false, error: `"${name}=" appears more than once` };
        const d = domainSpec(mod[2]);
        if (typeof d === "string") return { ok: false, error: `${name}=: ${d}` };
        record[name] = d;
      } else {
        // Unknown modifiers are ignored, but their macro syntax must still be valid (A/3).
        const value = parseMacroString(mod[2]);
        if (!value.ok) return { ok: false, error: `modifier "${mod[1]}": ${value.error}` };
        record.unknownModifiers.push({ name: mod[1], value: mod[2] });
      }
      continue;
    }
    let qualifier: SpfQualifier = "+";
    let body = term;
    if ("+-~?".includes(term[0])) {
      qualifier = term[0] as SpfQualifier;
      body = term.slice(1);
    }
    const mechanism = parseMechanism(body);
    if (typeof mechanism === "string") return { ok: false, error: mechanism };
    record.directives.push({ qualifier, mechanism, text: term });
  }
  return { ok: true, record };
}

/** The SPF records among a name's TXT records (joined strings). */
export function selectSpfRecords(txts: readonly string[]): string[] {
  return txts.filter(isSpfRecord);
}
