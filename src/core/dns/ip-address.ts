// IP addresses as bytes: parsing (strict, as SPF's grammar wants), CIDR matching, the
// reverse-DNS name, and the textual forms SPF macros need. Written out rather than taken
// from node:net because SPF needs the bytes (nibble format, IPv4-mapped detection).

export interface IpAddress {
  version: 4 | 6;
  /** 4 or 16 bytes, network order. */
  bytes: Uint8Array;
}

const IPV4_OCTET = /^(0|[1-9]\d{0,2})$/;

/** Dotted quad with no leading zeros and no missing parts ("1.2.3" is not an address). */
export function parseIpv4(text: string): Uint8Array | null {
  const parts = text.split(".");
  if (parts.length !== 4) return null;
  const bytes = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    if (!IPV4_OCTET.test(parts[i])) return null;
    const n = Number(parts[i]);
    if (n > 255) return null;
    bytes[i] = n;
  }
  return bytes;
}

/** RFC 4291 2.2 text forms: full, "::"-compressed, and with a trailing dotted IPv4. */
export function parseIpv6(text: string): Uint8Array | null {
  if (!/^[0-9A-Fa-f:.]+$/.test(text)) return null;
  const doubleColon = text.indexOf("::");
  if (doubleColon !== -1 && text.indexOf("::", doubleColon + 1) !== -1) return null;
  const parseGroups = (part: string): number[] | null => {
    if (part === "") return [];
    const out: number[] = [];
    const groups = part.split(":");
    for (let i = 0; i < groups.length; i++) {
      const g = groups[i];
      if (i === groups.length - 1 && g.includes(".")) {
        const v4 = parseIpv4(g);
        if (!v4) return null;
        out.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
      } else {
        if (!/^[0-9A-Fa-f]{1,4}$/.test(g)) return null;
        out.push(parseInt(g, 16));
      }
    }
    return out;
  };
  let words: number[];
  if (doubleColon === -1) {
    const all = parseGroups(text);
    if (!all || all.length !== 8) return null;
    words = all;
  } else {
    const head = parseGroups(text.slice(0, doubleColon));
    const tail = parseGroups(text.slice(doubleColon + 2));
    if (!head || !tail) return null;
    // A dotted IPv4 may only end the address, so it can't sit in the head.
    if (text.slice(0, doubleColon).includes(".")) return null;
    const missing = 8 - head.length - tail.length;
    if (missing < 1) return null;
    words = [...head, ...new Array<number>(missing).fill(0), ...tail];
  }
  const bytes = new Uint8Array(16);
  words.forEach((w, i) => {
    bytes[2 * i] = w >> 8;
    bytes[2 * i + 1] = w & 0xff;
  });
  return bytes;
}

/** An IPv4 or IPv6 address; IPv4-mapped IPv6 addresses stay IPv6 here (see asSpfIp). */
export function parseIp(text: string): IpAddress | null {
  const t = text.trim();
  const v4 = parseIpv4(t);
  if (v4) return { version: 4, bytes: v4 };
  const v6 = parseIpv6(t);
  if (v6) return { version: 6, bytes: v6 };
  return null;
}

/** RFC 7208 5: an IPv4-mapped IPv6 address (::ffff:a.b.c.d) MUST be treated as IPv4. */
export function asSpfIp(ip: IpAddress): IpAddress {
  if (
    ip.version === 6 &&
    ip.bytes.slice(0, 10).every((b) => b === 0) &&
    ip.bytes[10] === 0xff &&
    ip.bytes[11] === 0xff
  ) {
    return { version: 4, bytes: ip.bytes.slice(12) };
  }
  return ip;
}

/** Whether `ip` lies in network/prefix; addresses of different versions never match. */
export function ipInCidr(ip: IpAddress, network: IpAddress, prefix: number): boolean {
  if (ip.version !== network.version) return false;
  let bits = prefix;
  for (let i = 0; i < ip.bytes.length && bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((ip.bytes[i] & mask) !== (network.bytes[i] & mask)) return false;
  }
  return true;
}

export function ipEquals(a: IpAddress, b: IpAddress): boolean {
  return a.version === b.version && a.bytes.every((byte, i) => byte === b.bytes[i]);
}

/** Canonical text: dotted quad, or RFC 5952 IPv6 (lower case, longest zero run compressed). */
export function formatIp(ip: IpAddress): string {
  if (ip.version === 4) return Array.from(ip.bytes).join(".");
  const words: number[] = [];
  for (let i = 0; i < 16; i += 2) words.push((ip.bytes[i] << 8) | ip.bytes[i + 1]);
  let bestStart = -1;
  let bestLen = 1; // RFC 5952 4.2.2: a single zero word is not compressed
  for (let i = 0; i < 8;) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = words.map((w) => w.toString(16));
  if (bestStart === -1) return hex.join(":");
  return `${hex.slice(0, bestStart).join(":")}::${hex.slice(bestStart + bestLen).join(":")}`;
}

/** Nibbles, most significant first, lower case: the IPv6 "dot-format" of RFC 7208 7.3. */
function nibbles(bytes: Uint8Array): string[] {
  const out: string[] = [];
  for (const b of bytes) out.push((b >> 4).toString(16), (b & 0xf).toString(16));
  return out;
}

/** The %{i} form: dotted quad for IPv4, 32 dot-separated nibbles for IPv6. */
export function ipDotFormat(ip: IpAddress): string {
  return ip.version === 4 ? formatIp(ip) : nibbles(ip.bytes).join(".");
}

/** The name PTR records live at: 4.3.2.1.in-addr.arpa or the reversed nibbles under ip6.arpa. */
export function reverseName(ip: IpAddress): string {
  if (ip.version === 4) return `${Array.from(ip.bytes).reverse().join(".")}.in-addr.arpa`;
  return `${nibbles(ip.bytes).reverse().join(".")}.ip6.arpa`;
}

/** The DNSBL query prefix (RFC 5782): reversed octets, or reversed nibbles for IPv6. */
export function dnsblPrefix(ip: IpAddress): string {
  return ip.version === 4 ? Array.from(ip.bytes).reverse().join(".") : nibbles(ip.bytes).reverse().join(".");
}
