import { describe, expect, it } from "vitest";
import { MemoryDns, type Zone } from "../../support/memory-dns";
import { recipientProvider } from "../../../src/core/providers";
import { MxProviderCache } from "../../../src/platform/dns/mx-provider";

const zone: Zone = {
  "startup.test": [
    { type: "MX", priority: 1, exchange: "aspmx.l.google.com" },
    { type: "MX", priority: 5, exchange: "alt1.aspmx.l.google.com" },
  ],
  "corp.test": [{ type: "MX", priority: 0, exchange: "corp-test.mail.protection.outlook.com" }],
  "self.test": [{ type: "MX", priority: 10, exchange: "mx.self.test" }],
  "flaky.test": [{ type: "SERVFAIL" }],
};

function setup() {
  let now = 1_000_000;
  const dns = new MemoryDns(zone);
  const cache = new MxProviderCache(dns, {
    clock: () => now,
    ttlSeconds: 3600,
    negativeTtlSeconds: 300,
    errorTtlSeconds: 30,
  });
  return {
    dns,
    cache,
    advance: (s: number) => {
      now += s * 1000;
    },
  };
}

describe("recipient provider from MX hosts, cached", () => {
  it.each([
    ["startup.test", "GMAIL", "MX"],
    ["corp.test", "MICROSOFT", "MX"],
    ["self.test", "OTHER", "MX"],
    ["nomail.test", "OTHER", "NO_MX"],
    ["flaky.test", "OTHER", "DNS_ERROR"],
    ["gmail.com", "GMAIL", "PUBLIC_DOMAIN"],
  ])("%s is %s (%s)", async (domain, provider, source) => {
    expect(await setup().cache.providerFor(domain)).toMatchObject({ provider, source });
  });

  it("answers public domains without DNS", async () => {
    const { dns, cache } = setup();
    await cache.providerFor("outlook.com");
    expect(dns.queries).toEqual([]);
  });

  it("looks a domain up once until its TTL runs out", async () => {
    const { dns, cache, advance } = setup();
    await cache.providerFor("startup.test");
    await cache.providerFor("Startup.Test");
    expect(dns.queries).toHaveLength(1);
    advance(3599);
    await cache.providerFor("startup.test");
    expect(dns.queries).toHaveLength(1);
    advance(2);
    await cache.providerFor("startup.test");
    expect(dns.queries).toHaveLength(2);
  });

  it("shares one lookup between concurrent callers", async () => {
    const { dns, cache } = setup();
    await Promise.all([cache.providerFor("corp.test"), cache.providerFor("corp.test"), cache.providerFor("corp.test")]);
    expect(dns.queries).toHaveLength(1);
  });

  it("retries a failed lookup after 30 seconds, not an hour", async () => {
    const { dns, cache, advance } = setup();
    await cache.providerFor("flaky.test");
    advance(31);
    await cache.providerFor("flaky.test");
    expect(dns.queries).toHaveLength(2);
  });

  it("feeds recipientProvider synchronously from the cache", async () => {
    const { cache } = setup();
    expect(recipientProvider("startup.test", (d) => cache.cached(d))).toBe("OTHER");
    await cache.providerFor("startup.test");
    expect(recipientProvider("startup.test", (d) => cache.cached(d))).toBe("GMAIL");
  });
});
