// Acceptance on real bounces: the real CLI over the shared corpus (Sisimai's public samples),
// scored by the corpus's own scorer. Fails below the figures.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const repoRoot = resolve(__dirname, "../..");
const corpus = resolve(repoRoot, "../shared/corpus/bounces");
const present = existsSync(join(corpus, "expected.jsonl")) && existsSync(join(corpus, "score.mjs"));
if (!present) console.log(`corpus-score: skipped, ${corpus} is absent (CI places it beside the clone)`);

const THRESHOLDS = { matched: 100, reason: 95, hard: 99, status: 97 };

function classify(): string {
  const args = ["bin/rebound.js", "classify", "--jsonl", join(corpus, "emails")];
  const run = spawnSync(process.execPath, args, { cwd: repoRoot, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(`rebound classify failed (${run.status}): ${run.stderr}`);
  return run.stdout;
}

describe("classification of the real bounce corpus", () => {
  it.skipIf(!present)(
    `reaches reason ≥ ${THRESHOLDS.reason} %, hard/soft ≥ ${THRESHOLDS.hard} %, status ≥ ${THRESHOLDS.status} %, answered ${THRESHOLDS.matched} %`,
    () => {
      const results = join(mkdtempSync(join(tmpdir(), "rebound-score-")), "results.jsonl");
      writeFileSync(results, classify());
      const score = (...flags: string[]) =>
        spawnSync(process.execPath, [join(corpus, "score.mjs"), join(corpus, "expected.jsonl"), results, ...flags], {
          encoding: "utf8",
        });
      const summary = score().stdout.trim().split("\n");
      console.log(summary.join("\n"));
      const pct = JSON.parse(score("--json").stdout).pct as Record<keyof typeof THRESHOLDS, number>;
      expect.soft(pct.matched, "answered").toBeGreaterThanOrEqual(THRESHOLDS.matched);
      expect.soft(pct.reason, "reason").toBeGreaterThanOrEqual(THRESHOLDS.reason);
      expect.soft(pct.hard, "hard/soft").toBeGreaterThanOrEqual(THRESHOLDS.hard);
      expect.soft(pct.status, "status").toBeGreaterThanOrEqual(THRESHOLDS.status);
    },
    120_000,
  );
});
