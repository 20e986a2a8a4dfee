// RFC 7208 section 7.4's macro examples, and the grammar rules around them.

import { describe, expect, it } from "vitest";
import { parseIp } from "../../../src/core/dns/ip-address";
import {
  expandMacroString,
  parseDomainSpec,
  parseMacroString,
  toQueryName,
  type MacroFacts,
} from "../../../src/core/dns/spf-macro";

function facts(ip: string, over: Partial<MacroFacts> = {}): MacroFacts {
  const parsed = parseIp(ip);
  if (!parsed) throw new Error(ip);
  return {
    sender: "strong-bad@email.example.com",
    domain: "email.example.com",
    ip: parsed,
    helo: "mx.example.org",
    receiver: "receiver.example.net",
    now: new Date("2024-01-01T00:00:00Z"),
    validatedName: async () => "mx.example.org",
    ...over,
  };
}

async function expand(text: string, ip = "192.0.2.3", explanation = false): Promise<string> {
  const parsed = parseMacroString(text, { explanation });
  if (!parsed.ok) throw new Error(parsed.error);
  return expandMacroString(parsed.tokens, facts(ip));
}

describe("RFC 7208 7.4 macro examples", () => {
  it.each([
    ["%{s}", "strong-bad@email.example.com"],
    ["%{o}", "email.example.com"],
    ["%{d}", "email.example.com"],
    ["%{d4}", "email.example.com"],
    ["%{d3}", "email.example.com"],
    ["%{d2}", "example.com"],
    ["%{d1}", "com"],
    ["%{dr}", "com.example.email"],
    ["%{d2r}", "example.email"],
    ["%{l}", "strong-bad"],
    ["%{l-}", "strong.bad"],
    ["%{lr}", "strong-bad"],
    ["%{lr-}", "bad.strong"],
    ["%{l1r-}", "strong"],
    ["%{ir}.%{v}._spf.%{d2}", "3.2.0.192.in-addr._spf.example.com"],
    ["%{lr-}.lp._spf.%{d2}", "bad.strong.lp._spf.example.com"],
    ["%{lr-}.lp.%{ir}.%{v}._spf.%{d2}", "bad.strong.lp.3.2.0.192.in-addr._spf.example.com"],
    ["%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}", "3.2.0.192.in-addr.strong.lp._spf.example.com"],
    ["%{d2}.trusted-domains.example.net", "example.com.trusted-domains.example.net"],
  ])("%s expands to %s", async (macro, expected) => {
    expect(await expand(macro)).toBe(expected);
  });

  it("expands %{ir}.%{v} of an IPv6 address to reversed nibbles under ip6", async () => {
    expect(await expand("%{ir}.%{v}._spf.%{d2}", "2001:db8::cb01")).toBe(
      "1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6._spf.example.com",
    );
  });

  it("expands c, r and t in explanation text only", async () => {
    expect(await expand("%{c} via %{r} at %{t}", "2001:db8::cb01", true)).toBe(
      "2001:db8::cb01 via receiver.example.net at 1704067200",
    );
    expect(parseMacroString("%{c}.example.com")).toMatchObject({ ok: false });
  });

  it("URL-escapes an upper-case macro", async () => {
    expect(await expand("%{S}")).toBe("strong-bad%40email.example.com");
  });

  it("expands the %{p} validated name lazily", async () => {
    expect(await expand("%{p}")).toBe("mx.example.org");
  });
});

describe("macro and domain-spec grammar", () => {
  it.each(["%{x}", "%{d0}", "%(d)", "50%", "%{d", "a b"])("rejects %s", (text) => {
    expect(parseMacroString(text).ok).toBe(false);
  });

  it.each([
    ["example.com", true],
    ["%{d}", true],
    ["%{d}.", false], // a trailing dot needs a top label before it
    ["_spf.%{d2}", true],
    ["museum", false],
    ["111.222.33.44", false],
    ["example.com:8080", false],
    ["foo.xn--zckzah", true],
    ["example.-com", false],
    ["", false],
  ])("domain-spec %s is valid: %s", (text, valid) => {
    expect(parseDomainSpec(text).ok).toBe(valid);
  });

  it("cuts an over-long expanded name from the left, label by label, to fit 253 characters", () => {
    const long = `${"a".repeat(60)}.`.repeat(5) + "example.com";
    const cut = toQueryName(long);
    expect(cut).not.toBeNull();
    expect(cut!.length).toBeLessThanOrEqual(253);
    expect(cut!.endsWith(".example.com")).toBe(true);
    expect(toQueryName("a..b.example.com")).toBeNull();
    expect(toQueryName("example.com.")).toBe("example.com");
  });
});
