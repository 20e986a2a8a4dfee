// DNS blocklist lookups (RFC 5782): an IP is listed when <reversed ip>.<zone> has an A
// record in 127.0.0.0/8; a domain when <domain>.<zone> has one. Spamhaus answers
// 127.255.255.x when it refuses the query (public resolver, over quota), which means
// "not checked", not "listed".

import type { DnsLookup } from "./dns-lookup";
import { dnsblPrefix, parseIp } from "./ip-address";

export const DEFAULT_DNSBL_IP_ZONES: readonly string[] = [
  "zen.spamhaus.org",
  "bl.spamcop.net",
  "b.barracudacentral.org",
];
export const DEFAULT_DNSBL_DOMAIN_ZONES: readonly string[] = ["dbl.spamhaus.org"];

/** Which blocklists to ask: configuration, because operators change terms and some (Spamhaus) refuse public resolvers. */
export interface DnsblZones {
  ip: string[];
  domain: string[];
}

export interface DnsblResult {
  kind: "IP" | "DOMAIN";
  /** The IP or domain looked up. */
  target: string;
  zone: string;
  /** The name queried. */
  query: string;
  /** true listed, false not listed, null unknown (the lookup failed or was refused). */
  listed: boolean | null;
  /** Return codes (127.0.0.x) when listed or refused. */
  codes: string[];
  /** The list's TXT reason, when listed and it gives one. */
  reason: string | null;
  /** Why `listed` is null. */
  error: string | null;
}

function isRefusal(code: string): boolean {
  return code.startsWith("127.255.255.") || code === "127.0.1.255";
}

async function lookup(
  dns: DnsLookup,
  kind: DnsblResult["kind"],
  target: string,
  zone: string,
  query: string,
): Promise<DnsblResult> {
  const base = { kind, target, zone, query, codes: [] as string[], reason: null, error: null };
  const answer = await dns.a(query);
  if (answer.status === "NXDOMAIN" || answer.status === "NODATA") return { ...base, listed: false };
  if (answer.status === "ERROR") return { ...base, listed: null, error: `lookup failed (${answer.code})` };
  const codes = answer.records;
  const listing = codes.filter((c) => c.startsWith("127.") && !isRefusal(c));
  if (listing.length === 0) {
    return {
      ...base,
      listed: null,
      codes,
      error: `${zone} refused the query (${codes.join(", ")}); use a resolver the list accepts, or its data feed`,
    };
  }
  const txt = await dns.txt(query);
  const reason = txt.status === "OK" ? txt.records.map((r) => r.join("")).join(" ") : null;
  return { ...base, listed: true, codes: listing, reason };
}

/** Look up each IP in each IP zone and each domain in each domain zone (in parallel). */
export async function checkBlocklists(
  dns: DnsLookup,
  targets: { ips: readonly string[]; domains: readonly string[] },
  zones: { ip: readonly string[]; domain: readonly string[] } = {
    ip: DEFAULT_DNSBL_IP_ZONES,
    domain: DEFAULT_DNSBL_DOMAIN_ZONES,
  },
): Promise<DnsblResult[]> {
  const jobs: Array<Promise<DnsblResult>> = [];
  for (const ip of targets.ips) {
    const parsed = parseIp(ip);
    if (!parsed) continue;
    for (const zone of zones.ip) jobs.push(lookup(dns, "IP", ip, zone, `${dnsblPrefix(parsed)}.${zone}`));
  }
  for (const domain of targets.domains) {
    for (const zone of zones.domain)
      jobs.push(lookup(dns, "DOMAIN", domain, zone, `${domain.replace(/\.$/, "")}.${zone}`));
  }
  return Promise.all(jobs);
}
