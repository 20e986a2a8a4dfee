// Which DNS blocklists to ask: configuration, because list operators change terms and
// some (Spamhaus) refuse queries from public resolvers unless you use their data feed.

import { DEFAULT_DNSBL_DOMAIN_ZONES, DEFAULT_DNSBL_IP_ZONES } from "../core/dns/dnsbl";

export interface DnsblZones {
  ip: string[];
  domain: string[];
}

/**
 * REBOUND_DNSBL_IP_ZONES and REBOUND_DNSBL_DOMAIN_ZONES, comma-separated; unset means the
 * defaults (zen.spamhaus.org, bl.spamcop.net, b.barracudacentral.org; dbl.spamhaus.org),
 * an empty value means none.
 */
export function dnsblZonesFromEnv(env: NodeJS.ProcessEnv = process.env): DnsblZones {
  const list = (value: string | undefined, fallback: readonly string[]) =>
    value === undefined ? [...fallback] : value.split(",").map((z) => z.trim().replace(/^\.|\.$/g, "")).filter((z) => z !== "");
  return {
    ip: list(env.REBOUND_DNSBL_IP_ZONES, DEFAULT_DNSBL_IP_ZONES),
    domain: list(env.REBOUND_DNSBL_DOMAIN_ZONES, DEFAULT_DNSBL_DOMAIN_ZONES),
  };
}
