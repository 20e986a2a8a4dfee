import { describe, expect, it } from "vitest";
import { checkAlignment, isAligned, organizationalDomain } from "../../../src/core/dns/alignment";

describe("organizational domain (Public Suffix List)", () => {
  it.each([
    ["mail.example.com", "example.com"],
    ["a.b.example.co.uk", "example.co.uk"],
    ["news.bbc.co.uk", "bbc.co.uk"],
    ["customer1.herokuapp.com", "customer1.herokuapp.com"], // private suffix: each customer is its own org
    ["EXAMPLE.COM.", "example.com"],
  ])("%s belongs to %s", (name, org) => {
    expect(organizationalDomain(name)).toBe(org);
  });
});

describe("alignment (RFC 7489 3.1)", () => {
  it.each([
    // RFC 7489 3.1.1 / 3.1.2 examples
    ["example.com", "example.com", "s", true],
    ["example.com", "mail.example.com", "r", true],
    ["example.com", "mail.example.com", "s", false],
    ["news.example.com", "bounces.example.com", "r", true],
    ["example.com", "example.net", "r", false],
    ["example.co.uk", "other.co.uk", "r", false],
    ["a.herokuapp.com", "b.herokuapp.com", "r", false],
  ] as const)("From %s vs %s in mode %s aligns: %s", (from, other, mode, aligned) => {
    expect(isAligned(from, other, mode)).toBe(aligned);
  });

  it("reports SPF (Return-Path) and DKIM (d=) alignment separately, with fixes", () => {
    const checks = checkAlignment({
      fromDomain: "example.com",
      returnPathDomain: "bounce.esp.net",
      dkimDomain: "mail.example.com",
      adkim: "s",
    });
    expect(checks.map((c) => [c.id, c.status])).toEqual([
      ["alignment.spf", "FAIL"],
      ["alignment.dkim", "FAIL"],
    ]);
    expect(checks[0].problem).toMatch(/different organizational domains/);
    expect(checks[1].problem).toMatch(/strict alignment requires the exact name/);
  });

  it("leaves out a side whose domain isn't configured", () => {
    expect(
      checkAlignment({ fromDomain: "example.com", returnPathDomain: null, dkimDomain: "example.com" }).map((c) => c.id),
    ).toEqual(["alignment.dkim"]);
  });
});
