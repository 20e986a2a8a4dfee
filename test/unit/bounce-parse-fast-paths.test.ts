// The parser's faster paths give exactly what the plainer code they replaced gave: that
// code is kept here as the reference, and random inputs built from the characters that
// matter (field names in any case, folded lines, quotes, stops around "@") are compared.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addressesIn } from "../../src/core/bounce/arf";
import { splitRecipientGroups } from "../../src/core/bounce/dsn";

/** The previous splitRecipientGroups: the group split into lines, walked, joined again. */
function referenceGroups(g: string): string[] {
  const re = /^(?:final|original)-recipient/gim;
  if (!re.test(g) || !re.test(g)) return [g];
  const out: string[] = [];
  let cur: string[] = [];
  let hasFinal = false;
  let hasOriginal = false;
  let hasFields = false;
  for (const line of g.split("\n")) {
    const lower = line.slice(0, 20).toLowerCase();
    const isFinal = lower.startsWith("final-recipient");
    const isOriginal = lower.startsWith("original-recipient");
    if (
      (isFinal && (hasFinal || (hasOriginal && hasFields))) ||
      (isOriginal && (hasOriginal || (hasFinal && hasFields)))
    ) {
      out.push(cur.join("\n"));
      cur = [];
      hasFinal = hasOriginal = hasFields = false;
    }
    if (isFinal) hasFinal = true;
    else if (isOriginal) hasOriginal = true;
    else if ((hasFinal || hasOriginal) && /^[A-Za-z-]+:/.test(line)) hasFields = true;
    cur.push(line);
  }
  out.push(cur.join("\n"));
  return out;
}

/** The previous addressesIn: each candidate's quotes and dots stripped by a regex. */
const ADDR = /[^\s<>"(),;:]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
function referenceAddresses(value: string | null | undefined): string[] {
  if (!value || value.indexOf("@") === -1) return [];
  const stop = (c: number) => c < 128 && ' \t\r\n<>"(),;:@'.includes(String.fromCharCode(c));
  const domainChar = (c: number) => /[A-Za-z0-9.-]/.test(String.fromCharCode(c));
  const out: string[] = [];
  for (let at = value.indexOf("@"); at !== -1 && out.length < 1000; at = value.indexOf("@", at + 1)) {
    let a = at;
    while (a > 0 && !stop(value.charCodeAt(a - 1))) a--;
    let b = at + 1;
    while (b < value.length && domainChar(value.charCodeAt(b))) b++;
    if (a === at || b === at + 1) continue;
    ADDR.lastIndex = 0;
    const m = ADDR.exec(value.slice(a, b));
    if (m && m.index === 0) out.push(m[0].replace(/^[<"']+|[>"'.]+$/g, "").toLowerCase());
  }
  return out;
}

const dsnLine = fc.oneof(
  fc.constantFrom(
    "Final-Recipient: rfc822; a@example.com",
    "final-recipient: rfc822;b@example.org",
    "FINAL-RECIPIENT:rfc822; c@example.net",
    "Original-Recipient: rfc822;a@example.com",
    "original-RECIPIENT: rfc822; d@example.jp",
    "Original-Recipient",
    "Final-Recipient-X: no",
    "  Final-Recipient: folded, not a field line",
    "fİnal-recipient: dotted capital I",
    "Action: failed",
    "Status: 5.1.1",
    "X-Actual-Recipient: rfc822; e@example.com",
    "Diagnostic-Code: smtp; 550 5.1.1 unknown",
    "\tcontinued diagnostic",
    "not a field",
    "-: odd",
    "",
  ),
  fc.string({ maxLength: 30 }),
);

describe("parser fast paths match the code they replaced", () => {
  it("splits recipient groups written without a blank line as before", () => {
    fc.assert(
      fc.property(fc.array(dsnLine, { maxLength: 14 }), fc.boolean(), (lines, trailingNewline) => {
        const g = lines.join("\n") + (trailingNewline ? "\n" : "");
        expect(splitRecipientGroups(g)).toEqual(referenceGroups(g));
      }),
      { numRuns: 3000 },
    );
  });

  it("splits two recipients of one group, and leaves one recipient whole", () => {
    const one = "Original-Recipient: rfc822;a@x.example\nFinal-Recipient: rfc822;a@x.example\nAction: failed";
    expect(splitRecipientGroups(one)).toEqual([one]);
    const two = `${one}\nFinal-Recipient: rfc822;b@x.example\nStatus: 5.1.1\n`;
    expect(splitRecipientGroups(two)).toEqual([one, "Final-Recipient: rfc822;b@x.example\nStatus: 5.1.1\n"]);
  });

  it("finds the same addresses as before", () => {
    const piece = fc.oneof(
      fc.constantFrom(
        "a@example.com",
        "'quoted'@example.org",
        "''x@example.net",
        '"Name" <User@Example.COM>',
        "<b@c.example>.",
        "x@y",
        "x@1.2.3.4",
        "@example.com",
        "a@b.example.c0m",
        "mailto:c@example.jp,",
        "\u00a0d@example.com",
        "e\u00a0f@example.com",
        "'@example.com",
        "g@example.com'",
      ),
      fc.string({ maxLength: 12 }),
      fc.constantFrom(" ", ", ", "; ", "<", ">", "'", '"', "(", ")", "\n", "."),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (pieces) => {
        const v = pieces.join("");
        expect(addressesIn(v)).toEqual(referenceAddresses(v));
      }),
      { numRuns: 3000 },
    );
  });
});
