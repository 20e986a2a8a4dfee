// The `rebound classify` command as a user runs it: compiled (dist/classify.cjs, rebuilt
// when a source changed) and, on a large folder, spread over worker threads. Whatever
// path it takes, it must print exactly what the one-thread run prints, in file order.
import { spawnSync } from "node:child_process";
import { linkSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const repoRoot = resolve(__dirname, "../..");
const fixtures = join(repoRoot, "test/fixtures/bounces");

function classify(dir: string, threads: string): { out: string; err: string } {
  const r = spawnSync(process.execPath, ["bin/rebound.js", "classify", "--jsonl", "--threads", threads, dir], {
    cwd: repoRoot,
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`classify exited ${r.status}: ${r.stderr}`);
  return { out: r.stdout, err: r.stderr };
}

describe("rebound classify on a large folder", () => {
  it("prints the same lines, in the same order, on 3 threads as on one", () => {
    // 500+ files (past the size where workers start), made of the fixtures under other names.
    const dir = mkdtempSync(join(tmpdir(), "rebound-classify-"));
    const names = readdirSync(fixtures).sort();
    let n = 0;
    for (let copy = 0; n < 520; copy++) {
      for (const f of names) {
        linkSync(join(fixtures, f), join(dir, `${String(copy).padStart(3, "0")}-${f}`));
        n++;
      }
    }
    const one = classify(dir, "1");
    const three = classify(dir, "3");
    const rows = one.out.trim().split("\n");
    expect(rows.length).toBeGreaterThanOrEqual(n);
    // File order is the sorted listing: the first row is the first file's.
    expect(JSON.parse(rows[0]).file).toBe(join(dir, readdirSync(dir).sort()[0]));
    expect(three.out).toBe(one.out);
    expect(three.err).toMatch(/without a result/);
  }, 120_000);
});
