// Email address syntax (RFC 5322 addr-spec, RFC 5321 length limits, IDN domains) and
// suggestions for typos of the big public mail domains. Pure: no DNS.
import { parseDomainName } from "./domain-name";

export type ParsedAddress =
  | { ok: true; address: string; local: string; domain: string; asciiDomain: string }
  | { ok: false; code: "INVALID_EMAIL"; message: string };

const ATEXT = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~\u0080-\uFFFF-]+$/;
const invalid = (message: string): ParsedAddress => ({ ok: false, code: "INVALID_EMAIL", message });

/** Parses an addr-spec: dot-atom or quoted-string local part, domain name or IDN. */
export function parseAddress(input: string): ParsedAddress {
  if (typeof input !== "string") return invalid("not a string");
  const s = input.trim();
  if (!s) return invalid("empty address");
  if (s.length > 512) return invalid("address too long");
  const at = s.lastIndexOf("@");
  if (at <= 0) return invalid(at === 0 ? "missing local part" : "missing @");
  const local = s.slice(0, at);
  const domain = s.slice(at + 1).replace(/\.$/, "");
  if (!domain) return invalid("missing domain");

  if (local.startsWith('"')) {
    // quoted-string: printable ASCII except unescaped " and \, spaces allowed (RFC 5322 3.2.4)
    if (!/^"(?:[\x20\x21\x23-\x5b\x5d-\x7e\u0080-\uFFFF]|\\[\x20-\x7e])*"$/.test(local))
      return invalid("malformed quoted local part");
  } else {
    if (local.startsWith(".") || local.endsWith(".") || local.includes(".."))
      return invalid("local part has a misplaced dot");
    for (const atom of local.split("."))
      if (!ATEXT.test(atom)) return invalid("local part has a character that needs quoting");
  }
  if (Buffer.byteLength(local, "utf8") > 64) return invalid("local part longer than 64 octets");

  if (domain.startsWith("[")) {
    // address literal: [192.0.2.1] or [IPv6:...]
    if (!/^\[(?:\d{1,3}(?:\.\d{1,3}){3}|IPv6:[0-9A-Fa-f:.]+)\]$/.test(domain))
      return invalid("malformed address literal");
    const address = `${local}@${domain}`;
    return { ok: true, address, local, domain, asciiDomain: domain };
  }
  const lower = domain.toLowerCase();
  const parsedDomain = parseDomainName(lower);
  if (!parsedDomain.ok) return invalid(parsedDomain.message.replace(/\.$/, ""));
  const asciiDomain = parsedDomain.ascii;
  const address = `${local}@${lower}`;
  if (Buffer.byteLength(local, "utf8") + 1 + asciiDomain.length > 254) return invalid("address longer than 254 octets");
  return { ok: true, address, local, domain: lower, asciiDomain };
}

/** Big public mailbox domains whose typos are common enough to be worth a suggestion. */
const POPULAR = [
  "gmail.com",
  "googlemail.com",
  "yahoo.com",
  "hotmail.com",
  "outlook.com",
  "live.com",
  "msn.com",
  "aol.com",
  "icloud.com",
  "me.com",
  "mac.com",
  "ymail.com",
  "protonmail.com",
  "proton.me",
  "gmx.com",
  "gmx.de",
  "web.de",
  "mail.com",
  "zoho.com",
  "yandex.ru",
  "mail.ru",
  "comcast.net",
  "verizon.net",
  "att.net",
  "sbcglobal.net",
  "hotmail.co.uk",
  "yahoo.co.uk",
  "hotmail.fr",
  "yahoo.fr",
  "orange.fr",
  "free.fr",
  "laposte.net",
  "btinternet.com",
  "qq.com",
  "163.com",
];
const POPULAR_SET = new Set(POPULAR);

/** Typos whose edit distance is too large to guess safely but which are common. */
const KNOWN: Record<string, string> = {
  "gmail.co": "gmail.com",
  "gmail.cm": "gmail.com",
  "gmail.om": "gmail.com",
  "gmai.com": "gmail.com",
  "gnail.com": "gmail.com",
  "hotmail.co": "hotmail.com",
  "yahoo.co": "yahoo.com",
  "outlook.co": "outlook.com",
  "gmail.con": "gmail.com",
  "hotmail.con": "hotmail.com",
  "yahoo.con": "yahoo.com",
  "outlook.con": "outlook.com",
  "icloud.co": "icloud.com",
};

/** Optimal string alignment distance (adjacent transpositions count as one edit). */
function distance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/**
 * A likely intended domain for a mistyped popular one (gmial.com → gmail.com), or null.
 * Conservative: one edit (two for long names) from exactly one popular domain, and never
 * for a domain that is itself popular or differs only in its TLD from a real one.
 */
export function suggestDomainTypo(domain: string): string | null {
  const d = (domain ?? "").trim().toLowerCase().replace(/\.$/, "");
  if (!d || POPULAR_SET.has(d)) return null;
  if (KNOWN[d]) return KNOWN[d];
  let best: string | null = null;
  let bestDist = Infinity;
  let ties = 0;
  for (const p of POPULAR) {
    const max = p.length >= 10 ? 2 : 1;
    const dist = distance(d, p, max);
    if (dist > max) continue;
    // Same name, other TLD (gmail.de, yahoo.de) can be a real domain: leave it alone
    // unless the TLD itself is a typo of the popular one's.
    const [dn, ...dt] = d.split(".");
    const [pn, ...pt] = p.split(".");
    if (dn === pn && distance(dt.join("."), pt.join("."), 1) > 1) continue;
    if (dist < bestDist) {
      best = p;
      bestDist = dist;
      ties = 0;
    } else if (dist === bestDist && p !== best) ties++;
  }
  return best && ties === 0 ? best : null;
}
