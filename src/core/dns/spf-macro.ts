// SPF macros (RFC 7208 section 7): parsing a macro-string into tokens, checking the
// domain-spec grammar, and expanding against the facts of one check.

import { formatIp, ipDotFormat, type IpAddress } from "./ip-address";

export type MacroToken =
  | { kind: "literal"; text: string }
  | {
      kind: "macro";
      /** Lower-case macro letter: s l o d i p h c r t v. */
      letter: string;
      /** Upper-case letter in the source: the value is URL-escaped (7.3). */
      urlEscape: boolean;
      /** Keep this many right-hand parts; null keeps all. */
      keepRight: number | null;
      reverse: boolean;
      /** Characters to split on; "." when none are given. */
      delimiters: string;
    };

export type MacroParse =
  | {
      ok: true;
      tokens: MacroToken[];
      /** Literal characters after the last macro-expand ("%{..}", "%%", "%_", "%-"). */
      literalTail: string;
    }
  | { ok: false; error: string };

const LETTERS = "slodiphcrtv";
const EXP_ONLY_LETTERS = "crt";

/**
 * Parse a macro-string. `explanation` allows the letters c, r, t (only legal in exp text)
 * and spaces (explain-string = *( macro-string / SP )).
 */
export function parseMacroString(text: string, options: { explanation?: boolean } = {}): MacroParse {
  const tokens: MacroToken[] = [];
  let literal = "";
  let literalTail = "";
  const flush = () => {
    if (literal) tokens.push({ kind: "literal", text: literal });
    literal = "";
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    const code = ch.charCodeAt(0);
    if (ch === "%") {
      const next = text[i + 1];
      if (next === "%" || next === "_" || next === "-") {
        literal += next === "%" ? "%" : next === "_" ? " " : "%20";
        literalTail = "";
        i++;
        continue;
      }
      if (next !== "{")
        return { ok: false, error: `"%" must be followed by "{", "%", "_" or "-" at position ${i + 1}` };
      const close = text.indexOf("}", i + 2);
      if (close === -1) return { ok: false, error: `unterminated macro "${text.slice(i)}"` };
      const body = text.slice(i + 2, close);
      const m = /^([A-Za-z])(\d*)([rR]?)([.\-+,/_=]*)$/.exec(body);
      if (!m) return { ok: false, error: `malformed macro "%{${body}}"` };
      const letter = m[1].toLowerCase();
      if (!LETTERS.includes(letter)) return { ok: false, error: `unknown macro letter "${m[1]}"` };
      if (!options.explanation && EXP_ONLY_LETTERS.includes(letter)) {
        return { ok: false, error: `macro "%{${m[1]}}" is only allowed in explanation text` };
      }
      let keepRight: number | null = null;
      if (m[2] !== "") {
        keepRight = Number(m[2]);
        if (keepRight === 0) return { ok: false, error: `macro "%{${body}}" keeps zero parts` };
      }
      flush();
      tokens.push({
        kind: "macro",
        letter,
        urlEscape: m[1] !== letter,
        keepRight,
        reverse: m[3] !== "",
        delimiters: m[4] || ".",
      });
      literalTail = "";
      i = close;
      continue;
    }
    // macro-literal = %x21-24 / %x26-7E: visible ASCII; explanation text may also hold spaces.
    const visible = code >= 0x21 && code <= 0x7e;
    if (!visible && !(options.explanation && ch === " ")) {
      return { ok: false, error: `character ${JSON.stringify(ch)} is not allowed in an SPF record` };
    }
    literal += ch;
    literalTail += ch;
  }
  flush();
  return { ok: true, tokens, literalTail };
}

const TOPLABEL = /^(?:[a-z0-9]*[a-z][a-z0-9]*|[a-z0-9]+-[a-z0-9-]*[a-z0-9])$/i;

/**
 * A domain-spec (7.1): a macro-string that ends in a macro or in "." toplabel ["."];
 * so "museum", "111.222.33.44" or "example.com:8080" are not domain-specs.
 */
export function parseDomainSpec(text: string): MacroParse {
  if (text === "") return { ok: false, error: "empty domain" };
  const parsed = parseMacroString(text);
  if (!parsed.ok) return parsed;
  // Ending in a macro-expand ("%%", "%_" and "%-" included) satisfies domain-end.
  if (parsed.literalTail === "") return parsed;
  let tail = parsed.literalTail;
  if (tail.endsWith(".")) tail = tail.slice(0, -1);
  const dot = tail.lastIndexOf(".");
  if (dot === -1 || !TOPLABEL.test(tail.slice(dot + 1))) {
    return { ok: false, error: `"${text}" does not end in a valid top-level label` };
  }
  return parsed;
}

export interface MacroFacts {
  /** <sender>: the full address checked (postmaster@domain when the local part was empty). */
  sender: string;
  /** <domain>: the domain whose record is being evaluated now. */
  domain: string;
  ip: IpAddress;
  helo: string;
  /** Host doing the check, for %{r}. */
  receiver: string;
  now: Date;
  /** %{p}: looked up only when a macro uses it. */
  validatedName: () => Promise<string>;
}

function splitSender(sender: string): { local: string; domain: string } {
  const at = sender.lastIndexOf("@");
  return at === -1
    ? { local: "postmaster", domain: sender }
    : { local: sender.slice(0, at), domain: sender.slice(at + 1) };
}

/** RFC 3986 unreserved characters stay; every other byte becomes %XX. */
function urlEscape(value: string): string {
  let out = "";
  for (const byte of Buffer.from(value, "utf8")) {
    const ch = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-._~]/.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

async function macroValue(letter: string, facts: MacroFacts): Promise<string> {
  const { local, domain: senderDomain } = splitSender(facts.sender);
  switch (letter) {
    case "s":
      return facts.sender;
    case "l":
      return local;
    case "o":
      return senderDomain;
    case "d":
      return facts.domain;
    case "i":
      return ipDotFormat(facts.ip);
    case "p":
      return facts.validatedName();
    case "v":
      return facts.ip.version === 4 ? "in-addr" : "ip6";
    case "h":
      return facts.helo;
    case "c":
      return formatIp(facts.ip);
    case "r":
      return facts.receiver;
    case "t":
      return String(Math.floor(facts.now.getTime() / 1000));
    default:
      throw new Error(`unknown macro letter ${letter}`);
  }
}

export async function expandMacroString(tokens: MacroToken[], facts: MacroFacts): Promise<string> {
  let out = "";
  for (const token of tokens) {
    if (token.kind === "literal") {
      out += token.text;
      continue;
    }
    let value = await macroValue(token.letter, facts);
    if (token.keepRight !== null || token.reverse || token.delimiters !== ".") {
      const splitter = new RegExp(`[${token.delimiters.replace(/[-\\\]^]/g, "\\$&")}]`);
      let parts = value.split(splitter);
      if (token.reverse) parts = parts.reverse();
      if (token.keepRight !== null && token.keepRight < parts.length)
        parts = parts.slice(parts.length - token.keepRight);
      value = parts.join(".");
    }
    out += token.urlEscape ? urlEscape(value) : value;
  }
  return out;
}

/**
 * A name ready to query (4.8): without its trailing dot, and when longer than 253
 * characters, cut from the left a label at a time. Null when it can't be a DNS name
 * (empty or over-long label): the caller treats it as a name that does not exist.
 */
export function toQueryName(expanded: string): string | null {
  let name = expanded.endsWith(".") ? expanded.slice(0, -1) : expanded;
  while (name.length > 253) {
    const dot = name.indexOf(".");
    if (dot === -1) return null;
    name = name.slice(dot + 1);
  }
  if (name === "") return null;
  if (name.split(".").some((label) => label.length === 0 || label.length > 63)) return null;
  return name;
}
