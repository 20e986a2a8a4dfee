// Many literal fragments searched in one pass (Aho–Corasick, a dense automaton over the
// fragments' own alphabet). The phrase tables hold hundreds of fragments; asking each its
// own `indexOf` or one giant alternation costs a pass (or worse) per fragment, this costs one
// array read per character of the text, whatever the number of fragments.
//
// Matching folds ASCII case, so it can run on raw notices without lower-casing them first
// (fragments are lower-case).

/**
 * One occurrence: the fragment's id and the position in the text where it starts. Returning
 * true stops the scan (the caller has what it needed).
 */
export type MatchSink = (id: number, start: number) => unknown;

export class LiteralMatcher {
  readonly phrases: readonly string[];
  /** character code → class; class 0 is every character no fragment uses */
  private readonly cls = new Uint8Array(65536);
  /** log2 of a row's width (the classes, rounded up to a power of two) */
  private readonly shift: number;
  /** transitions: (next state << 1) | (1 when that state ends a fragment) */
  private readonly delta: Uint16Array | Int32Array;
  /** fragments ending at state s: outIds[outStart[s] .. outStart[s + 1]) */
  private readonly outStart: Int32Array;
  private readonly outIds: Int32Array;
  private readonly lengths: Int32Array;

  /** how many characters of fragment id the automaton holds (the rest is compared on a hit) */
  private readonly heads: Int32Array;

  /**
   * `depth`: fragments enter the automaton by at most their first `depth` characters and
   * the rest is compared where such a head is found. A shallow automaton stays small (a few
   * hundred kilobytes for ~700 fragments instead of megabytes): it stays in the CPU's cache
   * between messages, which is most of the cost of a step.
   */
  constructor(phrases: readonly string[], depth = 10) {
    this.phrases = phrases;
    const cls = this.cls;
    let classes = 1;
    // Only the characters of the heads need a class: a tail is compared on the text itself
    // (fewer classes, narrower rows, a table that stays in the CPU's cache).
    for (const p of phrases) {
      for (let i = 0, head = Math.min(p.length, depth); i < head; i++) {
        const c = p.charCodeAt(i);
        if (cls[c] === 0) {
          if (classes === 255) throw new Error("LiteralMatcher: too many distinct characters");
          cls[c] = classes++;
        }
      }
    }
    // Upper-case ASCII letters read as their lower-case class (fragments are lower-case).
    for (let c = 65; c <= 90; c++) cls[c] = cls[c + 32];
    let shift = 0;
    while (1 << shift < classes) shift++;
    this.shift = shift;
    const K = 1 << shift;

    // Trie: each state's children as two parallel lists (their classes, their states), in
    // the order they were added. A state has few children, so a list is searched faster than
    // a Map is made (thousands of states, built once per process while the code is cold).
    const kidClass: number[][] = [[]];
    const kidState: number[][] = [[]];
    const out: number[][] = [[]];
    this.lengths = new Int32Array(phrases.length);
    this.heads = new Int32Array(phrases.length);
    for (let id = 0; id < phrases.length; id++) {
      const p = phrases[id];
      const head = Math.min(p.length, depth);
      this.lengths[id] = p.length;
      this.heads[id] = head;
      if (!p) continue;
      let s = 0;
      for (let i = 0; i < head; i++) {
        const k = cls[p.charCodeAt(i)];
        const ks = kidClass[s];
        let j = 0;
        while (j < ks.length && ks[j] !== k) j++;
        if (j === ks.length) {
          ks.push(k);
          kidState[s].push(kidClass.length);
          kidClass.push([]);
          kidState.push([]);
          out.push([]);
        }
        s = kidState[s][j];
      }
      out[s].push(id);
    }
    const states = kidClass.length;
    // Transitions are stored as (next state << 1) | (1 when that state ends a fragment), and
    // written so as the states are found: no second pass over the whole table (hundreds of
    // thousands of entries, run once per process while the code is still cold).
    const next = new Int32Array(states * K);
    // Breadth-first: failure links, then the full transition function.
    const fail = new Int32Array(states);
    // A state ends a fragment when one ends there or at its failure state (found earlier).
    const ends = new Uint8Array(states);
    const queue: number[] = [];
    // The root's children in the order of their classes, the others' in the order added.
    const rootKids = new Int32Array(K).fill(-1);
    for (let j = 0; j < kidClass[0].length; j++) rootKids[kidClass[0][j]] = kidState[0][j];
    for (let k = 0; k < K; k++) {
      const n = rootKids[k];
      if (n !== -1) {
        ends[n] = out[n].length ? 1 : 0;
        next[k] = (n << 1) | ends[n];
        queue.push(n);
      }
    }
    for (let qi = 0; qi < queue.length; qi++) {
      const s = queue[qi];
      const f = fail[s];
      for (const o of out[f]) out[s].push(o);
      // A state's row is its failure state's row, except where the trie has a child.
      next.copyWithin(s * K, f * K, f * K + K);
      const ks = kidClass[s];
      for (let j = 0; j < ks.length; j++) {
        const k = ks[j];
        const n = kidState[s][j];
        fail[n] = next[f * K + k] >>> 1;
        ends[n] = out[n].length || ends[fail[n]] ? 1 : 0;
        next[s * K + k] = (n << 1) | ends[n];
        queue.push(n);
      }
    }
    // Two bytes a transition halve the table (cache misses are the cost of a step).
    this.delta = states < 32768 ? new Uint16Array(next) : next;
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

  /** Reports every occurrence of every fragment in text[from, to), with its start position, until the sink says stop. */
  scan(text: string, sink: MatchSink, from = 0, to = text.length): void {
    const { outStart, outIds, lengths, heads } = this;
    let s = 0;
    for (let i = from; ; i++) {
      i = this.advance(text, s, i, to);
      if (i >= to) return;
      s = this.reached;
      for (let j = outStart[s], b = outStart[s + 1]; j < b; j++) {
        const id = outIds[j];
        const start = i + 1 - heads[id];
        if ((heads[id] === lengths[id] || this.tailAt(text, start, id, to)) && sink(id, start) === true) return;
      }
    }
  }

  /** the state `advance` stopped in */
  private reached = 0;

  /**
   * Steps from state s over text[i, to) up to the first character that ends a fragment:
   * returns its index (`to` when none does), the state reached in `reached`. The steps run
   * in a loop of their own with no call in it (hits are rare, and handled by the caller):
   * with the sink's call inside the loop, each step cost three times as much (measured).
   */
  private advance(text: string, s: number, i: number, to: number): number {
    const { cls, shift, delta } = this;
    for (; i < to; i++) {
      const d = delta[(s << shift) | cls[text.charCodeAt(i)]];
      s = d >>> 1;
      if (d & 1) {
        this.reached = s;
        return i;
      }
    }
    return to;
  }

  /** Does the rest of fragment id (past its head) follow at `start`, ASCII case folded? */
  private tailAt(text: string, start: number, id: number, to: number): boolean {
    const p = this.phrases[id];
    if (start + p.length > to) return false;
    for (let k = this.heads[id]; k < p.length; k++) {
      let c = text.charCodeAt(start + k);
      if (c >= 65 && c <= 90) c += 32;
      if (c !== p.charCodeAt(k)) return false;
    }
    return true;
  }

  /** Is any fragment in text[from, to)? Stops at the first one. */
  matchesAny(text: string, from = 0, to = text.length): boolean {
    let found = false;
    this.scan(text, () => (found = true), from, to);
    return found;
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
