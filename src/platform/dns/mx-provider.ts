// Recipient provider of custom domains from their MX hosts (Google Workspace, Microsoft
// 365, Yahoo...), looked up once per domain and cached. c-ares gives no TTL for MX
// answers, so entries live DEFAULT_TTL_SECONDS; "no MX" is cached shorter and a failed
// lookup shortest, so a DNS hiccup doesn't pin a domain to OTHER for an hour.

import type { DnsLookup } from "../../core/dns/dns-lookup";
import { providerFromDomain, providerFromMxHosts, type MailboxProvider } from "../../core/providers";
import { DEFAULT_TTL_SECONDS } from "./resolver";

export interface MxProviderAnswer {
  provider: MailboxProvider;
  /** PUBLIC_DOMAIN: known without DNS; MX: from the hosts; NO_MX: none published; DNS_ERROR: unknown, reported as OTHER. */
  source: "PUBLIC_DOMAIN" | "MX" | "NO_MX" | "DNS_ERROR";
  hosts: string[];
  /** Epoch ms after which the answer is looked up again. */
  expiresAt: number;
}

export interface MxProviderCacheOptions {
  /** Milliseconds since the epoch; the cache's only notion of time. */
  clock?: () => number;
  ttlSeconds?: number;
  negativeTtlSeconds?: number;
  errorTtlSeconds?: number;
  /** Oldest entries are dropped beyond this many domains. */
  maxEntries?: number;
}

export class MxProviderCache {
  private readonly entries = new Map<string, MxProviderAnswer>();
  private readonly inFlight = new Map<string, Promise<MxProviderAnswer>>();
  private readonly clock: () => number;
  private readonly ttlMs: number;
  private readonly negativeTtlMs: number;
  private readonly errorTtlMs: number;
  private readonly maxEntries: number;

  constructor(
    private readonly dns: DnsLookup,
    options: MxProviderCacheOptions = {},
  ) {
    this.clock = options.clock ?? Date.now;
    this.ttlMs = (options.ttlSeconds ?? DEFAULT_TTL_SECONDS) * 1000;
    this.negativeTtlMs = (options.negativeTtlSeconds ?? 300) * 1000;
    this.errorTtlMs = (options.errorTtlSeconds ?? 30) * 1000;
    this.maxEntries = options.maxEntries ?? 100_000;
  }

  /** The cached provider of a domain, without any lookup (for recipientProvider's mxLookup). */
  cached(domain: string): MailboxProvider | undefined {
    const entry = this.entries.get(domain.toLowerCase());
    return entry && entry.expiresAt > this.clock() ? entry.provider : undefined;
  }

  /** The provider of a domain: public table, then cache, then one MX lookup shared by concurrent callers. */
  async providerFor(domain: string): Promise<MxProviderAnswer> {
    const key = domain.trim().toLowerCase().replace(/\.$/, "");
    const known = providerFromDomain(key);
    if (known) return { provider: known, source: "PUBLIC_DOMAIN", hosts: [], expiresAt: Number.POSITIVE_INFINITY };
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt > this.clock()) return entry;
    const pending = this.inFlight.get(key);
    if (pending) return pending;
    const lookup = this.lookup(key).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, lookup);
    return lookup;
  }

  private async lookup(domain: string): Promise<MxProviderAnswer> {
    const answer = await this.dns.mx(domain);
    const now = this.clock();
    let result: MxProviderAnswer;
    if (answer.status === "OK") {
      const hosts = [...answer.records]
        .sort((a, b) => a.priority - b.priority)
        .map((r) => r.exchange)
        .filter((h) => h !== "");
      const ttlMs = answer.ttl !== null ? answer.ttl * 1000 : this.ttlMs;
      result = {
        provider: providerFromMxHosts(hosts),
        source: hosts.length > 0 ? "MX" : "NO_MX",
        hosts,
        expiresAt: now + ttlMs,
      };
    } else if (answer.status === "ERROR") {
      result = { provider: "OTHER", source: "DNS_ERROR", hosts: [], expiresAt: now + this.errorTtlMs };
    } else {
      result = { provider: "OTHER", source: "NO_MX", hosts: [], expiresAt: now + this.negativeTtlMs };
    }
    this.entries.delete(domain);
    this.entries.set(domain, result);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
    return result;
  }
}
