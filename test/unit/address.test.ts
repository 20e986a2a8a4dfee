// List hygiene: RFC 5322 addr-spec syntax and suggestions for mistyped public domains.
import { describe, expect, it } from "vitest";
import { parseAddress, suggestDomainTypo } from "../../src/core/address";

describe("parseAddress", () => {
  it.each([
    "a@b.example",
    "first.last+tag@sub.example.co.uk",
    '"john doe"@example.com',
    '"a\\"b"@example.com',
    "x@[192.0.2.1]",
    "o'brien@example.ie",
  ])("accepts %s", (a) => expect(parseAddress(a).ok).toBe(true));

  it.each([
    ["", "empty"],
    ["no-at-sign.example", "missing @"],
    ["@example.com", "missing local part"],
    ["a..b@example.com", "dot"],
    [".a@example.com", "dot"],
    ["a b@example.com", "quoting"],
    ["a@localhost", "two labels"],
    ["a@-bad.example", "hyphen"],
    ["a@exa_mple.com", "invalid character"],
    [`${"x".repeat(65)}@example.com`, "64"],
    [`a@${"l".repeat(64)}.example`, "63"],
    [`a@${"abcdefghi.".repeat(26)}com`, "253"],
  ])("rejects %j (%s)", (a, why) => {
    const r = parseAddress(a);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.code).toBe("INVALID_EMAIL");
      expect(r.message).toMatch(new RegExp(why));
    }
  });

  it("lower-cases the domain and keeps the local part as written", () => {
    expect(parseAddress("Kiji.Tora@Example.COM")).toMatchObject({
      ok: true,
      address: "Kiji.Tora@example.com",
      local: "Kiji.Tora",
      domain: "example.com",
    });
  });

  it("accepts internationalised domains and gives their ASCII (punycode) form", () => {
    expect(parseAddress("user@münchen.de")).toMatchObject({
      ok: true,
      domain: "münchen.de",
      asciiDomain: "xn--mnchen-3ya.de",
    });
  });

  it("limits the whole address to 254 octets", () => {
    const long = `${"a".repeat(64)}@${"b".repeat(60)}.${"c".repeat(60)}.${"d".repeat(60)}.${"e".repeat(20)}.com`;
    expect(parseAddress(long).ok).toBe(false);
  });
});

describe("suggestDomainTypo", () => {
  it.each([
    ["gmial.com", "gmail.com"],
    ["gmail.co", "gmail.com"],
    ["gmai.com", "gmail.com"],
    ["hotmial.com", "hotmail.com"],
    ["yaho.com", "yahoo.com"],
    ["outlok.com", "outlook.com"],
    ["icloud.con", "icloud.com"],
  ])("%s → %s", (typo, fix) => expect(suggestDomainTypo(typo)).toBe(fix));

  it.each(["gmail.com", "example.com", "gmail.de", "yahoo.de", "gmx.net", "company.io"])("leaves %s alone", (d) => {
    expect(suggestDomainTypo(d)).toBeNull();
  });
});
