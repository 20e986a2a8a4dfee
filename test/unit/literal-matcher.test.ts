// LiteralMatcher's fast answers must agree with its full scan: `matchesAny` with `present`,
// and fragments longer than the automaton's depth (their tails, whose characters have no
// class of their own, compared on the text) found exactly where they are.
import { describe, expect, it } from "vitest";
import { LiteralMatcher } from "../../src/core/bounce/literal-matcher";

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
