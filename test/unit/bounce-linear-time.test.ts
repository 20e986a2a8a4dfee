// Work per input is linear: for each input shape known to have been super-linear (a line
// of thousands of addresses, a repeated "a@b.", deep MIME nesting, long header folding),
// quadrupling the input must not much more than quadruple the time. Measured as a ratio
// between two sizes of the same generated input (median of repeated runs, after a warm-up),
// never as an absolute time: this machine is shared, and a ratio holds on any machine.
// Quadratic growth gives ~16x per quadrupling; the bound allows 10x.
import fc from "fast-check";
import { describe, it } from "vitest";
import { analyzeMessage } from "../../src/core/bounce";

const GROWTH = 4;
const MAX_RATIO = 10;
/** Times under this are noise: the smaller size's time is counted as at least this much. */
const FLOOR_MS = 1;

function medianMs(input: string, runs = 5): number {
  analyzeMessage(input); // warm-up: the first run pays for compiling
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    analyzeMessage(input);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[runs >> 1];
}

/** Ratio of the time at GROWTH·n to the time at n. */
function growth(make: (n: number) => string, n: number): { ratio: number; small: number; large: number } {
  const small = medianMs(make(n));
  const large = medianMs(make(n * GROWTH));
  return { ratio: large / Math.max(small, FLOOR_MS), small, large };
}

const BOUNCE_HEAD = [
  "From: Mail Delivery System <MAILER-DAEMON@mx.example.net>",
  "To: sender@example.org",
  "Subject: Undelivered Mail Returned to Sender",
  "",
  "",
].join("\n");

const word = fc.stringMatching(/^[a-z][a-z0-9]{0,7}$/);
const domain = fc.constantFrom("example.com", "example.net", "mx.example.org", "a.b.example.jp");

function assertLinear(name: string, shape: fc.Arbitrary<(n: number) => string>, n: number): void {
  fc.assert(
    fc.property(shape, (make) => {
      const g = growth(make, n);
      if (g.ratio > MAX_RATIO) {
        throw new Error(
          `${name}: x${GROWTH} input took x${g.ratio.toFixed(1)} time (${g.small.toFixed(1)} ms -> ${g.large.toFixed(1)} ms)`,
        );
      }
    }),
    { numRuns: 4, endOnFailure: true },
  );
}

describe("bounce classification time grows linearly with input size", () => {
  it("many addresses on one line", () => {
    const shape = fc.record({ local: word, domain, sep: fc.constantFrom(" ", ", ", "; ", " <", "> ") }).map(
      ({ local, domain, sep }) =>
        (n: number) =>
          BOUNCE_HEAD +
          "The following addresses failed:\n" +
          Array.from({ length: n }, (_, i) => `${local}${i}@${domain}`).join(sep) +
          "\n550 5.1.1 user unknown\n",
    );
    assertLinear("addresses on one line", shape, 1500);
  }, 120_000);

  it("addresses in angle brackets whose local part starts like an HTML tag", () => {
    // "<p+x@host" looks like the start of a <p> tag: the notice is read as HTML, and tag
    // stripping must not rescan the rest of the text from every "<" that has no ">".
    const shape = fc
      .record({
        tag: fc.constantFrom("p", "br", "div", "table", "body", "script", "style"),
        rest: fc.constantFrom("+", "+++", ".x", "-a"),
        domain,
      })
      .map(
        ({ tag, rest, domain }) =>
          (n: number) =>
            BOUNCE_HEAD +
            Array.from({ length: n }, (_, i) => `${tag}${rest}${i}@${domain}`).join(" <") +
            "\n550 5.1.1 user unknown\n",
      );
    assertLinear("tag-like addresses", shape, 4000);
  }, 120_000);

  it("a repeated a@b. pattern", () => {
    const shape = fc
      .record({ unit: fc.constantFrom("a@b.", "a@b.c", "x.y@b.", "@b.a", "a.@b.", "<a@b.>"), head: fc.boolean() })
      .map(
        ({ unit, head }) =>
          (n: number) =>
            (head ? BOUNCE_HEAD : "") + unit.repeat(n) + "\n",
      );
    assertLinear("repeated a@b.", shape, 25_000);
  }, 120_000);

  it("deep MIME nesting", () => {
    const shape = fc
      .record({ sub: fc.constantFrom("mixed", "report", "alternative"), payload: word })
      .map(({ sub, payload }) => (n: number) => {
        // Built inside out, as a list of pieces joined once (linear to build).
        const open: string[] = [];
        const close: string[] = [];
        for (let i = 0; i < n; i++) {
          open.push(`Content-Type: multipart/${sub}; boundary="b${i}"\n\n--b${i}\n`);
          close.push(`\n--b${i}--\n`);
        }
        return (
          "From: MAILER-DAEMON@mx.example.net\nSubject: Undelivered\n" +
          open.join("") +
          `\n<${payload}@example.com>: 550 5.1.1 user unknown\n` +
          close.reverse().join("")
        );
      });
    assertLinear("deep nesting", shape, 2000);
  }, 120_000);

  it("long header folding", () => {
    const shape = fc
      .record({
        name: fc.constantFrom("Subject", "To", "Content-Type", "X-Failed-Recipients", "Received"),
        text: word,
        addr: fc.boolean(),
      })
      .map(
        ({ name, text, addr }) =>
          (n: number) =>
            BOUNCE_HEAD.replace("\n\n", "\n") +
            `${name}: start` +
            `\n ${addr ? `${text}@example.com,` : text + ";"} continued`.repeat(n) +
            "\n\n<rcpt@example.com>: 550 5.1.1 user unknown\n",
      );
    assertLinear("header folding", shape, 4000);
  }, 120_000);
});
