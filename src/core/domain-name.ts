import { domainToASCII, domainToUnicode } from "node:url";

// Domain name validation (RFC 1035 / RFC 5890 IDNA): what a tenant may register as a
// sending domain and what an address's domain part must be.

export type DomainNameResult =
  { ok: true; ascii: string; unicode: string } | { ok: false; code: "INVALID_DOMAIN"; message: string };

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

export function parseDomainName(input: string): DomainNameResult {
  const fail = (message: string): DomainNameResult => ({ ok: false, code: "INVALID_DOMAIN", message });
  if (typeof input !== "string") return fail("A domain name is required.");
  const trimmed = input.trim().replace(/\.$/, "");
  if (trimmed === "") return fail("A domain name is required.");
  if (trimmed.length > 253 * 4) return fail("The domain name is too long.");
  if (/[\s/@:]/.test(trimmed)) return fail(`"${trimmed}" is not a domain name (no spaces, "@", ":" or "/").`);
  const ascii = domainToASCII(trimmed.toLowerCase());
  if (!ascii) return fail(`"${trimmed}" is not a valid internationalised domain name.`);
  if (ascii.length > 253) return fail("The domain name is longer than 253 characters.");
  const labels = ascii.split(".");
  if (labels.length < 2) return fail(`"${trimmed}" needs at least two labels, like example.com.`);
  for (const label of labels) {
    if (!LABEL.test(label)) {
      return fail(
        `"${label}" is not a valid label (an invalid character, a hyphen at either end, or over 63 characters): labels are 1 to 63 letters, digits or hyphens.`,
      );
    }
  }
  if (/^[0-9]+$/.test(labels[labels.length - 1])) return fail("The top-level domain cannot be numeric.");
  return { ok: true, ascii, unicode: domainToUnicode(ascii) };
}
