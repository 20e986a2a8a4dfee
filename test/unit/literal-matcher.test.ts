// LiteralMatcher's fast answers must agree with its full scan: `matchesAny` with `present`,
// and fragments longer than the automaton's depth (their tails, whose characters have no
// class of their own, compared on the text) found exactly where they are.
import { describe, expect, it } from "vitest";
import { LiteralMatcher } from "../../src/core/bounce/literal-matcher";
import { PHRASES } from "../../src/core/bounce/reason-phrases";

const fragments = ["mx.example", "user unknown", "ab", "abq!z", "ディレクトリ", "5.1.1"];
const texts = [
  "",
  "nothing here",
  "550 5.1.1 User Unknown",
  "host MX.EXAMPLE said",
  "abq!", // a head without the rest of its tail
  "xxabq!zxx",
  "ABQ!Z",
  "ab",
  "Domino ディレクトリには",
  "ディレクト",
  "user unknow",
];

describe("LiteralMatcher", () => {
  for (const depth of [2, 3, 10]) {
    const m = new LiteralMatcher(fragments, depth);
    it(`finds a fragment whose tail goes past the heads (depth ${depth}), folding ASCII case`, () => {
      expect(m.present("xxabq!zxx").map((id) => m.phrases[id])).toEqual(["ab", "abq!z"]);
      expect(m.present("ABQ!Z").map((id) => m.phrases[id])).toEqual(["ab", "abq!z"]);
      expect(m.present("abq!").map((id) => m.phrases[id])).toEqual(["ab"]);
      expect(m.present("user unknow")).toEqual([]);
    });
    it(`matchesAny answers as present does (depth ${depth}), bounds included`, () => {
      for (const t of texts) {
        expect(m.matchesAny(t), t).toBe(m.present(t).length > 0);
        for (let from = 0; from <= t.length; from += 3)
          expect(m.matchesAny(t, from, t.length - 1), `${t} from ${from}`).toBe(
            m.present(t, from, t.length - 1).length > 0,
          );
      }
    });
  }
});

/** Every (fragment, start) in the text, by comparing every fragment at every position. */
function naive(fragments: readonly string[], text: string): string[] {
  const lower = text.replace(/[A-Z]/g, (c) => c.toLowerCase());
  const hits: string[] = [];
  fragments.forEach((f, id) => {
    if (!f) return;
    for (let at = lower.indexOf(f); at !== -1; at = lower.indexOf(f, at + 1)) hits.push(`${id}@${at}`);
  });
  return hits.sort();
}

describe("LiteralMatcher over the reason tables", () => {
  const fragments = [...new Set(Object.values(PHRASES).flatMap((t) => [...(t?.any ?? [])]))];
  // Texts made of fragments, pieces of fragments and their overlaps, in mixed case.
  let seed = 12345;
  const rand = (n: number) => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n;
  const texts = Array.from({ length: 200 }, () => {
    let t = "";
    for (let n = rand(8) + 1; n > 0; n--) {
      const f = fragments[rand(fragments.length)];
      const piece = rand(3) === 0 ? f.slice(rand(f.length)) : f;
      t += (rand(2) ? piece.toUpperCase() : piece) + (rand(2) ? " " : "");
    }
    return t;
  });

  it("finds a fragment that lies inside another's head, where the longer one does not follow", () => {
    const inner = ["abcde", "bcd", "c", "xbc"];
    for (const depth of [2, 4, 10]) {
      const m = new LiteralMatcher(inner, depth);
      for (const t of ["abcx", "abcdx", "ABCDE", "xbcd", "aabcabcde"]) {
        const hits: string[] = [];
        m.scan(t, (id, start) => hits.push(`${id}@${start}`));
        expect(hits.sort(), `${t} (depth ${depth})`).toEqual(naive(inner, t));
      }
    }
  });

  it("finds every fragment at every place it starts, and nothing else", () => {
    expect(fragments.length).toBeGreaterThan(300);
    for (const depth of [4, 10]) {
      const m = new LiteralMatcher(fragments, depth);
      for (const t of texts) {
        const hits: string[] = [];
        m.scan(t, (id, start) => hits.push(`${id}@${start}`));
        expect(hits.sort(), t).toEqual(naive(fragments, t));
      }
    }
  });
  it("reports the hits of a range in the order they end, and stops where the sink says", () => {
    const m = new LiteralMatcher(fragments, 10);
    for (const t of texts) {
      for (let from = 0; from <= t.length; from += 5) {
        const to = Math.max(from, t.length - 2);
        const hits: string[] = [];
        const ends: number[] = [];
        m.scan(
          t,
          (id, start) => {
            hits.push(`${id}@${start}`);
            ends.push(start + m.phrases[id].length);
          },
          from,
          to,
        );
        const expected = naive(fragments, t.slice(from, to)).map((h) => {
          const [id, at] = h.split("@").map(Number);
          return `${id}@${at + from}`;
        });
        expect([...hits].sort(), `${t} [${from}, ${to})`).toEqual(expected.sort());
        expect(ends, t).toEqual([...ends].sort((a, b) => a - b));
        // Stopped by the sink: only the hits up to the first one are reported.
        if (hits.length > 1) {
          const first: string[] = [];
          m.scan(t, (id, start) => first.push(`${id}@${start}`) === 1, from, to);
          expect(first, t).toEqual([hits[0]]);
        }
      }
    }
  });
});
