// Reverse DNS of a sending IP: a PTR name, and that name resolving back to the same IP
// (forward-confirmed reverse DNS, FCrDNS), which Google, Yahoo and Microsoft require.

import { fail, pass, type CheckResult } from "./check-result";
import { normalizeName, type DnsLookup } from "./dns-lookup";
import { asSpfIp, ipEquals, parseIp } from "./ip-address";

export interface ReverseDnsCheck {
  ip: string;
  /** PTR names of the IP (empty when none). */
  names: string[];
  /** Names whose A/AAAA records include the IP. */
  confirmedNames: string[];
  forwardConfirmed: boolean;
  check: CheckResult;
  /** Set when a lookup failed, so the answer is unknown rather than negative. */
  dnsError: string | null;
}

const MAX_NAMES = 10;

export async function checkReverseDns(dns: DnsLookup, ip: string): Promise<ReverseDnsCheck> {
  const id = `ptr.${ip}`;
  const parsed = parseIp(ip);
  if (!parsed) {
    return {
      ip,
      names: [],
      confirmedNames: [],
      forwardConfirmed: false,
      dnsError: null,
      check: fail(id, null, `${ip} is not an IP address.`, "Give the sending IP as an IPv4 or IPv6 address."),
    };
  }
  const target = asSpfIp(parsed);
  const ptr = await dns.ptr(ip);
  if (ptr.status === "ERROR") {
    return {
      ip,
      names: [],
      confirmedNames: [],
      forwardConfirmed: false,
      dnsError: `${ptr.code}: ${ptr.message}`,
      check: fail(
        id,
        null,
        `The PTR lookup for ${ip} failed (${ptr.code}); reverse DNS could not be verified.`,
        "Retry; if it keeps failing, ask whoever runs the IP's reverse zone (your hosting provider).",
      ),
    };
  }
  if (ptr.status !== "OK") {
    return {
      ip,
      names: [],
      confirmedNames: [],
      forwardConfirmed: false,
      dnsError: null,
      check: fail(
        id,
        null,
        `${ip} has no PTR record; the big mailbox providers reject or junk mail from IPs without reverse DNS.`,
        `Ask your hosting provider to set the PTR of ${ip} to your mail host's name (e.g. mail.<your domain>), and give that name an A/AAAA record pointing back to ${ip}.`,
      ),
    };
  }
  const names = ptr.records.map(normalizeName);
  const confirmed: string[] = [];
  let forwardError: string | null = null;
  for (const name of names.slice(0, MAX_NAMES)) {
    const answer = target.version === 4 ? await dns.a(name) : await dns.aaaa(name);
    if (answer.status === "ERROR") {
      forwardError = `${answer.code}: ${answer.message}`;
      continue;
    }
    if (
      answer.status === "OK" &&
      answer.records.some((a) => {
        const p = parseIp(a);
        return p !== null && ipEquals(asSpfIp(p), target);
      })
    )
      confirmed.push(name);
  }
  const record = names.join(", ");
  if (confirmed.length > 0)
    return { ip, names, confirmedNames: confirmed, forwardConfirmed: true, dnsError: null, check: pass(id, record) };
  return {
    ip,
    names,
    confirmedNames: [],
    forwardConfirmed: false,
    dnsError: forwardError,
    check: fail(
      id,
      record,
      forwardError
        ? `${ip} points to ${record}, but the forward lookup failed (${forwardError}), so it could not be confirmed.`
        : `${ip} points to ${record}, but that name doesn't resolve back to ${ip} (no forward-confirmed reverse DNS).`,
      `Give ${names[0]} an ${target.version === 4 ? "A" : "AAAA"} record for ${ip}, or change the PTR to a name that has one.`,
    ),
  };
}
