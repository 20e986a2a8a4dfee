// Metamorphic robustness over the real corpus: every message, rewritten the ways mail
// systems rewrite mail in transit (re-wrapping, folding, case, line ends, transfer
// encodings, DSN comments and field order, forwarding, Sendmail `!` breaks), must be read
// the same: same recipients, reasons, hardBounce and status as the untouched message.
// And no failure row may ever name the bounce's own sender, envelope or From.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { analyzeMessage, splitMbox } from "../../src/core/bounce";
import { TRANSFORMS } from "../support/bounce.transforms";

const corpus = resolve(__dirname, "../../../shared/corpus/bounces/emails");
const present = existsSync(corpus);
if (!present) console.log(`bounce-metamorphic: skipped, ${corpus} is absent (CI places it beside the clone)`);

interface Message {
  name: string;
  raw: string;
}

function messages(): Message[] {
  return readdirSync(corpus)
    .filter((f) => f.endsWith(".eml"))
    .sort()
    .flatMap((f) =>
      splitMbox(readFileSync(join(corpus, f)).toString("latin1")).map((raw, i) => ({ name: `${f}#${i + 1}`, raw })),
    );
}

/** What must not change: one line per result, in order. */
function reading(raw: string): string[] {
  return analyzeMessage(raw).diagnoses.map((d) => `${d.recipient} ${d.reason} ${d.hardBounce} ${d.status ?? "-"}`);
}

/** The bounce's own addresses: its From, Return-Path (envelope sender) and Sender. */
function ownAddresses(raw: string): Set<string> {
  const head = raw
    .slice(0, raw.search(/\r?\n\r?\n/) === -1 ? raw.length : raw.search(/\r?\n\r?\n/))
    .replace(/\r?\n[ \t]+/g, " ");
  const out = new Set<string>();
  for (const line of head.split(/\r?\n/)) {
    const m = /^(from|return-path|sender)\s*:(.*)$/i.exec(line);
    if (!m) continue;
    for (const a of m[2].match(/[^\s<>"(),;:]+@[^\s<>"(),;:]+/g) ?? []) out.add(a.toLowerCase().replace(/\.$/, ""));
  }
  return out;
}

describe.skipIf(!present)("classifier reads rewritten copies of every corpus message the same", () => {
  const all = present ? messages() : [];
  const baseline = new Map(all.map((m) => [m.name, reading(m.raw)]));

  it("every transform leaves every message's reading unchanged", () => {
    const broken = new Map<string, string[]>();
    const perTransform: Record<string, number> = {};
    for (const [tname, t] of Object.entries(TRANSFORMS)) {
      let bad = 0;
      for (const m of all) {
        const got = reading(t(m.raw));
        const want = baseline.get(m.name)!;
        if (got.join("\n") !== want.join("\n")) {
          bad++;
          const list = broken.get(m.name) ?? [];
          list.push(`${tname}: ${want.join(" | ")} => ${got.join(" | ")}`);
          broken.set(m.name, list);
        }
      }
      perTransform[tname] = bad;
    }
    const invariant = all.length - broken.size;
    console.log(
      `bounce-metamorphic: ${invariant}/${all.length} messages invariant under all ${Object.keys(TRANSFORMS).length} transforms (${((100 * invariant) / all.length).toFixed(1)} %)`,
    );
    console.log(`bounce-metamorphic: messages changed per transform: ${JSON.stringify(perTransform)}`);
    for (const [name, why] of broken) console.log(`  ${name}\n    ${why.join("\n    ")}`);
    expect([...broken.keys()]).toEqual([]);
  }, 120_000);

  it("no failure row names the bounce's own From, Return-Path or Sender, in any copy", () => {
    const wrong: string[] = [];
    for (const m of all) {
      for (const [tname, t] of [["original", (s: string) => s] as const, ...Object.entries(TRANSFORMS)]) {
        const copy = t(m.raw);
        const own = ownAddresses(copy.startsWith("From ") ? copy.slice(copy.indexOf("\n") + 1) : copy);
        const a = analyzeMessage(copy);
        // An auto-reply's and a feedback report's row name who answered or complained (that
        // is the From of a vacation reply); only failure rows could suppress an address.
        if (a.kind !== "bounce") continue;
        for (const d of a.diagnoses)
          if (own.has(d.recipient)) wrong.push(`${m.name} (${tname}): ${d.recipient} ${d.reason}`);
      }
    }
    expect(wrong).toEqual([]);
  }, 120_000);
});
