// The provider of a recipient domain is looked up in a table built once from the providers'
// host fragments; it must answer exactly what a walk over every provider's hosts answers.
import { describe, expect, it } from "vitest";
import { PROVIDERS, providerFor, type Provider } from "../../src/core/bounce/rhost-rules";

/** The definition: the first provider one of whose hosts is the domain or ends with "." + it. */
function byWalk(domain: string): Provider | null {
  const d = domain.toLowerCase();
  for (const p of PROVIDERS) if (p.hosts.some((h) => h === d || h.endsWith("." + d))) return p;
  return null;
}

describe("providerFor (recipient domain)", () => {
  const domains = new Set<string>(["example.com", "mail.example.org", "com", "net", "fr", "jp", "co.jp", "x", "."]);
  for (const p of PROVIDERS)
    for (const h of p.hosts) {
      domains.add(h);
      domains.add(h.toUpperCase());
      domains.add(`mail.${h.replace(/^\./, "")}`);
      for (let dot = h.indexOf("."); dot !== -1; dot = h.indexOf(".", dot + 1)) domains.add(h.slice(dot + 1));
      domains.add(h.slice(1));
      domains.add(h.slice(0, -1));
    }

  it("answers as the walk over every provider's hosts does, for every fragment and its parts", () => {
    expect(domains.size).toBeGreaterThan(100);
    for (const d of domains) expect(providerFor(d, "")?.name ?? null, d).toBe(byWalk(d)?.name ?? null);
  });

  it("knows a provider by its domain, and none for another domain", () => {
    const named = [...domains].filter((d) => byWalk(d));
    expect(named.length).toBeGreaterThan(20);
    expect(providerFor("example.com", "")).toBeNull();
  });
});
