// The DnsLookup the running system uses: node:dns/promises Resolver (c-ares) pointed at
// REBOUND_DNS_SERVERS, with timeouts and retries. Its one job beyond plumbing is to keep
// four outcomes apart: records; NXDOMAIN; NODATA (the name exists, the type doesn't); and
// a failed lookup (SERVFAIL, timeout, refused...), which is never reported as "missing".
//
// TTLs: c-ares reports them only for A/AAAA (resolve4/6 with {ttl: true}); TXT, MX and
// PTR answers carry ttl: null and callers cache them for DEFAULT_TTL_SECONDS.

import { Resolver } from "node:dns/promises";
import type { DnsAnswer, DnsErrorCode, DnsLookup, MxRecord, TxtRecord } from "../../core/dns/dns-lookup";
import { parseIp, reverseName } from "../../core/dns/ip-address";
import type { DnsConfig } from "../config";

/** How long to keep answers whose TTL the resolver doesn't report (TXT, MX, PTR). */
export const DEFAULT_TTL_SECONDS = 3600;

export interface DnsResolverOptions {
  /** "host", "host:port", "[v6]:port"; empty or absent: the system's resolvers. */
  servers?: string[];
  /** Milliseconds per attempt (c-ares doubles it on each retry). */
  timeoutMs?: number;
  /** Attempts per server before giving up. */
  tries?: number;
}

const ERROR_CODES: Record<string, DnsErrorCode> = {
  ESERVFAIL: "SERVFAIL",
  ETIMEOUT: "TIMEOUT",
  EREFUSED: "REFUSED",
  ECONNREFUSED: "REFUSED",
  EFORMERR: "FORMERR",
  EBADNAME: "BADNAME",
};

/** Turn a c-ares failure into NXDOMAIN / NODATA / ERROR; anything unexpected is a failed lookup. */
export function answerFromError(err: unknown): DnsAnswer<never> {
  const code = (err as { code?: unknown })?.code;
  const message = err instanceof Error ? err.message : String(err);
  if (code === "ENOTFOUND") return { status: "NXDOMAIN" };
  if (code === "ENODATA") return { status: "NODATA" };
  return { status: "ERROR", code: (typeof code === "string" && ERROR_CODES[code]) || "OTHER", message };
}

export class NodeDnsResolver implements DnsLookup {
  private readonly resolver: Resolver;

  constructor(readonly options: DnsResolverOptions = {}) {
    this.resolver = new Resolver({ timeout: options.timeoutMs ?? 2000, tries: options.tries ?? 2 });
    if (options.servers && options.servers.length > 0) this.resolver.setServers(options.servers);
  }

  /** Abort every lookup in flight (they end as ERROR). */
  cancel(): void {
    this.resolver.cancel();
  }

  private async run<T>(
    lookup: () => Promise<T[]>,
    ttlOf: (records: T[]) => number | null = () => null,
  ): Promise<DnsAnswer<T>> {
    try {
      const records = await lookup();
      // c-ares reports "no records" as ENODATA, but be safe with an empty list too.
      if (records.length === 0) return { status: "NODATA" };
      return { status: "OK", records, ttl: ttlOf(records) };
    } catch (err) {
      return answerFromError(err);
    }
  }

  txt(name: string): Promise<DnsAnswer<TxtRecord>> {
    return this.run(() => this.resolver.resolveTxt(name));
  }

  async a(name: string): Promise<DnsAnswer<string>> {
    return this.addresses(() => this.resolver.resolve4(name, { ttl: true }));
  }

  async aaaa(name: string): Promise<DnsAnswer<string>> {
    return this.addresses(() => this.resolver.resolve6(name, { ttl: true }));
  }

  private async addresses(lookup: () => Promise<Array<{ address: string; ttl: number }>>): Promise<DnsAnswer<string>> {
    const answer = await this.run(lookup, (records) => Math.min(...records.map((r) => r.ttl)));
    return answer.status === "OK"
      ? { status: "OK", records: answer.records.map((r) => r.address), ttl: answer.ttl }
      : answer;
  }

  mx(name: string): Promise<DnsAnswer<MxRecord>> {
    return this.run(async () =>
      (await this.resolver.resolveMx(name)).map((r) => ({
        priority: r.priority,
        exchange: r.exchange === "." ? "" : r.exchange,
      })),
    );
  }

  /** A PTR query at the reverse name (not resolver.reverse(), which may read /etc/hosts). */
  ptr(ip: string): Promise<DnsAnswer<string>> {
    const parsed = parseIp(ip);
    if (!parsed) return Promise.resolve({ status: "ERROR", code: "BADNAME", message: `not an IP address: ${ip}` });
    return this.run(() => this.resolver.resolvePtr(reverseName(parsed)));
  }
}

/** The resolver the configuration describes (REBOUND_DNS_SERVERS, _TIMEOUT_MS, _TRIES). */
export function resolverFromConfig(dns: Pick<DnsConfig, "servers" | "timeoutMs" | "tries">): NodeDnsResolver {
  return new NodeDnsResolver({
    servers: dns.servers.length > 0 ? dns.servers : undefined,
    timeoutMs: dns.timeoutMs,
    tries: dns.tries,
  });
}
