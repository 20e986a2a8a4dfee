import { describe, expect, it } from "vitest";
import { asSpfIp, formatIp, ipInCidr, parseIp, reverseName } from "../../../src/core/dns/ip-address";

const ip = (t: string) => {
  const p = parseIp(t);
  if (!p) throw new Error(t);
  return p;
};

describe("IP addresses", () => {
  it.each([
    "1.2.3",
    "1.2.3.4.5",
    "01.2.3.4",
    "256.1.1.1",
    ":CAFE::BABE",
    "1::2::3",
    "1:2:3:4:5:6:7:8:9",
    "::1.2.3",
    "g::1",
  ])("rejects %s", (t) => {
    expect(parseIp(t)).toBeNull();
  });

  it.each([
    ["2001:DB8:0:0:0:0:0:1", "2001:db8::1"],
    ["2001:db8:0:1:0:0:0:1", "2001:db8:0:1::1"],
    ["2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"],
    ["0:0:0:0:0:0:0:0", "::"],
    ["2001:db8:1:1:1:1:0:1", "2001:db8:1:1:1:1:0:1"],
    ["::ffff:192.0.2.1", "::ffff:c000:201"],
  ])("formats %s as %s (RFC 5952)", (input, out) => {
    expect(formatIp(ip(input))).toBe(out);
  });

  it("treats an IPv4-mapped IPv6 address as IPv4 for SPF", () => {
    expect(asSpfIp(ip("::FFFF:1.2.3.4"))).toEqual({ version: 4, bytes: new Uint8Array([1, 2, 3, 4]) });
  });

  it("matches CIDR prefixes at non-byte boundaries and never across versions", () => {
    expect(ipInCidr(ip("192.0.2.130"), ip("192.0.2.128"), 25)).toBe(true);
    expect(ipInCidr(ip("192.0.2.127"), ip("192.0.2.128"), 25)).toBe(false);
    expect(ipInCidr(ip("cafe:babe:8000::1"), ip("cafe:babe:8000::"), 33)).toBe(true);
    expect(ipInCidr(ip("cafe:babe::1"), ip("cafe:babe:8000::"), 33)).toBe(false);
    expect(ipInCidr(ip("1.2.3.4"), ip("::"), 0)).toBe(false);
  });

  it("builds reverse names for PTR lookups", () => {
    expect(reverseName(ip("192.0.2.1"))).toBe("1.2.0.192.in-addr.arpa");
    expect(reverseName(ip("2001:db8::cb01"))).toBe(
      "1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa",
    );
  });
});
