// Many literal fragments searched in one pass (Aho–Corasick, a dense automaton over the
// fragments' own alphabet). The phrase tables hold hundreds of fragments; asking each its
// own `indexOf` or one giant alternation costs a pass (or worse) per fragment, this costs one
// array read per character of the text, whatever the number of fragments.
//
// Matching folds ASCII case and reads any run of white space as one space, so it can run on
// raw server words without lower-casing or normalising them first (fragments are lower-case,
// single-spaced).

/** One occurrence: the fragment's id and the position in the text where it starts. */
export type MatchSink = (id: number, start: number) => void;

const isSpace = (c: number) => c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 11;

export class LiteralMatcher {
  readonly phrases: readonly string[];
  private readonly ascii = new Int32Array(128);
  private readonly wide = new Map<number, number>();
  private readonly width: number;
  private readonly delta: Uint16Array | Int32Array;
  /** outputs of state s: outIds[outStart[s] .. outStart[s + 1]) */
  private readonly outStart: Int32Array;
  private readonly outIds: Int32Array;
  private readonly lengths: Int32Array;

  constructor(phrases: readonly string[]) {
    this.phrases = phrases;
    // Alphabet: class 0 is every character no fragment uses.
    let classes = 1;
    const classOf = (c: number): number => {
      if (c < 128) {
        if (this.ascii[c] === 0) this.ascii[c] = classes++;
        return this.ascii[c];
      }
      let k = this.wide.get(c);
      if (k === undefined) this.wide.set(c, (k = classes++));
      return k;
    };
    for (const p of phrases) for (let i = 0; i < p.length; i++) classOf(p.charCodeAt(i));
    // Upper-case ASCII letters read as their lower-case class; white space as the space class.
    for (let c = 65; c <= 90; c++) this.ascii[c] = this.ascii[c + 32];
    for (const c of [9, 10, 11, 12, 13]) this.ascii[c] = this.ascii[32];
    const K = (this.width = classes);

    // Trie
    const goto: Array<Map<number, number>> = [new Map()];
    const out: number[][] = [[]];
    this.lengths = new Int32Array(phrases.length);
    phrases.forEach((p, id) => {
      this.lengths[id] = p.length;
      if (!p) return;
      let s = 0;
      for (let i = 0; i < p.length; i++) {
        const k = classOf(p.charCodeAt(i));
        let n = goto[s].get(k);
        if (n === undefined) {
          n = goto.length;
          goto.push(new Map());
          out.push([]);
          goto[s].set(k, n);
        }
        s = n;
      }
      out[s].push(id);
    });
    const states = goto.length;
    const delta = states < 65536 ? new Uint16Array(states * K) : new Int32Array(states * K);
    // Breadth-first: failure links, then the full transition function.
    const fail = new Int32Array(states);
    const queue: number[] = [];
    for (let k = 0; k < K; k++) {
      const n = goto[0].get(k);
      if (n !== undefined) {
        delta[k] = n;
        fail[n] = 0;
        queue.push(n);
      }
    }
    for (let qi = 0; qi < queue.length; qi++) {
      const s = queue[qi];
      const f = fail[s];
      for (const o of out[f]) out[s].push(o);
      for (let k = 0; k < K; k++) {
        const n = goto[s].get(k);
        if (n !== undefined) {
          fail[n] = delta[f * K + k];
          delta[s * K + k] = n;
          queue.push(n);
        } else delta[s * K + k] = delta[f * K + k];
      }
    }
    this.delta = delta;
    this.outStart = new Int32Array(states + 1);
    let total = 0;
    for (let s = 0; s < states; s++) {
      this.outStart[s] = total;
      total += out[s].length;
    }
    this.outStart[states] = total;
    this.outIds = new Int32Array(total);
    for (let s = 0, j = 0; s < states; s++) for (const o of out[s]) this.outIds[j++] = o;
  }

  /**
   * Reports every occurrence of every fragment in text[from, to), with the position where
   * it starts (exact, except that a collapsed white-space run inside a fragment counts as
   * one character: positions only order the matches).
   */
  scan(text: string, sink: MatchSink, from = 0, to = text.length): void {
    const { ascii, wide, width: K, delta, outStart, outIds, lengths } = this;
    const space = ascii[32];
    let s = 0;
    let prevSpace = false;
    for (let i = from; i < to; i++) {
      const c = text.charCodeAt(i);
      let k: number;
      if (c < 128) {
        k = ascii[c];
        if (k === space && isSpace(c)) {
          if (prevSpace) continue;
          prevSpace = true;
        } else prevSpace = false;
      } else {
        prevSpace = false;
        k = wide.get(c) ?? 0;
      }
      s = delta[s * K + k];
      const a = outStart[s];
      const b = outStart[s + 1];
      if (a !== b) for (let j = a; j < b; j++) {
        const id = outIds[j];
        sink(id, i + 1 - lengths[id]);
      }
    }
  }

  /** Ids of the fragments present in the text (each once), in order of first completion. */
  present(text: string, from = 0, to = text.length): number[] {
    const seen = new Uint8Array(this.phrases.length);
    const ids: number[] = [];
    this.scan(
      text,
      (id) => {
        if (seen[id]) return;
        seen[id] = 1;
        ids.push(id);
      },
      from,
      to,
    );
    return ids;
  }
}
