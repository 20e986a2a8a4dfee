import { providerFromDomain, type MailboxProvider } from "../../core/providers";
import type { MxProviderCache } from "../../platform/dns/mx-provider";

// The MX-based recipient provider for a batch of addresses, for the classifier's mxLookup
// (recipientProvider(domain, lookup)): custom domains not yet cached are looked up together
// (the cache shares one lookup per domain across concurrent callers) for at most budgetMs;
// a domain still unresolved then counts as OTHER for this batch, and its lookup carries on
// so the next batch finds it cached. Public domains (gmail.com...) never cost a lookup.

export type MxLookup = (domain: string) => MailboxProvider | undefined;

export async function mxProviderLookup(
  cache: MxProviderCache | undefined,
  domains: Iterable<string>,
  budgetMs = 1000,
): Promise<MxLookup | undefined> {
  if (!cache) return undefined;
  const unknown = [...new Set([...domains].map((d) => d.trim().toLowerCase().replace(/\.$/, "")))].filter(
    (d) => d !== "" && providerFromDomain(d) === null && cache.cached(d) === undefined,
  );
  if (unknown.length > 0) {
    let timer: NodeJS.Timeout | undefined;
    const lookups = Promise.allSettled(unknown.map((d) => cache.providerFor(d)));
    await Promise.race([lookups, new Promise<void>((resolve) => (timer = setTimeout(resolve, budgetMs)))]);
    clearTimeout(timer);
  }
  return (domain) => cache.cached(domain);
}
