// mxProviderLookup: what ingest passes to the classifier so custom domains hosted by Google,
// Microsoft or Yahoo count under their provider's benchmark.

import { describe, expect, it } from "vitest";
import type { DnsAnswer, DnsLookup, MxRecord } from "../../src/core/dns/dns-lookup";
import { MemoryDns } from "../support/memory-dns";
import { recipientProvider } from "../../src/core/providers";
import { MxProviderCache } from "../../src/platform/dns/mx-provider";
import { mxProviderLookup } from "../../src/modules/health/recipient-provider";

const zone = {
  "acme.test": [{ type: "MX" as const, priority: 10, exchange: "aspmx.l.google.com" }],
  "contoso.test": [{ type: "MX" as const, priority: 0, exchange: "contoso-test.mail.protection.outlook.com" }],
  "plain.test": [{ type: "MX" as const, priority: 10, exchange: "mx.plain.test" }],
};

/** Answers from a zone, except one domain whose MX lookup takes `slowMs`. */
function slow(inner: MemoryDns, domain: string, slowMs: number): DnsLookup {
  return {
    txt: (n) => inner.txt(n),
    a: (n) => inner.a(n),
    aaaa: (n) => inner.aaaa(n),
    ptr: (ip) => inner.ptr(ip),
    mx: (n): Promise<DnsAnswer<MxRecord>> =>
      n === domain
        ? new Promise((r) =>
            setTimeout(
              () => r({ status: "OK", records: [{ priority: 1, exchange: "mx.yahoodns.net" }], ttl: null }),
              slowMs,
            ),
          )
        : inner.mx(n),
  };
}

describe("mxProviderLookup", () => {
  it("resolves a batch's custom domains once, then answers from the cache", async () => {
    const dns = new MemoryDns(zone);
    const cache = new MxProviderCache(dns);
    const lookup = await mxProviderLookup(cache, [
      "ACME.test",
      "acme.test",
      "contoso.test",
      "plain.test",
      "gmail.com",
      "nowhere.test",
    ]);
    expect(
      ["acme.test", "contoso.test", "plain.test", "nowhere.test", "gmail.com"].map((d) => recipientProvider(d, lookup)),
    ).toEqual(["GMAIL", "MICROSOFT", "OTHER", "OTHER", "GMAIL"]);
    expect(dns.queries.map((q) => q.name).sort()).toEqual(["acme.test", "contoso.test", "nowhere.test", "plain.test"]);
    await mxProviderLookup(cache, ["acme.test", "contoso.test"]);
    expect(dns.queries).toHaveLength(4);
  });

  it("waits at most the budget: a slow domain is OTHER for this batch and cached for the next", async () => {
    const cache = new MxProviderCache(slow(new MemoryDns(zone), "slow.test", 150));
    const started = Date.now();
    const first = await mxProviderLookup(cache, ["slow.test", "acme.test"], 30);
    expect(Date.now() - started).toBeLessThan(140);
    expect(recipientProvider("slow.test", first)).toBe("OTHER");
    expect(recipientProvider("acme.test", first)).toBe("GMAIL");
    await new Promise((r) => setTimeout(r, 200));
    expect(recipientProvider("slow.test", await mxProviderLookup(cache, ["slow.test"], 30))).toBe("YAHOO");
  });

  it("is undefined without a cache (CLI contexts): the classifier falls back to the public list", async () => {
    expect(await mxProviderLookup(undefined, ["acme.test"])).toBeUndefined();
    expect(recipientProvider("acme.test", undefined)).toBe("OTHER");
  });
});
