// `rebound classify DIR` names each file by its path as path.join would write it, whatever
// way the folder was given (relative, with a trailing separator, nested folders), and leaves
// out hidden entries.
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const repoRoot = resolve(__dirname, "../..");
const fixtures = join(repoRoot, "test/fixtures/bounces");

function filesNamed(arg: string): string[] {
  const r = spawnSync(process.execPath, ["bin/rebound.js", "classify", "--jsonl", arg], {
    cwd: repoRoot,
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`classify exited ${r.status}: ${r.stderr}`);
  return [
    ...new Set(
      r.stdout
        .trim()
        .split("\n")
        .map((l) => (JSON.parse(l) as { file: string }).file),
    ),
  ];
}

describe("rebound classify lists a folder's files", () => {
  it("by their joined paths, sorted, nested folders included, hidden entries left out", () => {
    const dir = mkdtempSync(join(tmpdir(), "rebound-list-"));
    const [a, b] = readdirSync(fixtures).sort();
    mkdirSync(join(dir, "sub", "deeper"), { recursive: true });
    mkdirSync(join(dir, ".hidden"));
    copyFileSync(join(fixtures, a), join(dir, "b.eml"));
    copyFileSync(join(fixtures, b), join(dir, "a.eml"));
    copyFileSync(join(fixtures, a), join(dir, "sub", "deeper", "c.eml"));
    copyFileSync(join(fixtures, a), join(dir, ".hidden", "d.eml"));
    copyFileSync(join(fixtures, a), join(dir, ".e.eml"));
    const expected = [join(dir, "a.eml"), join(dir, "b.eml"), join(dir, "sub", "deeper", "c.eml")];
    expect(filesNamed(dir)).toEqual(expected);
    expect(filesNamed(dir + "/")).toEqual(expected);
    expect(filesNamed(relative(repoRoot, join(dir, "sub")) + "//")).toEqual([join(dir, "sub", "deeper", "c.eml")]);
  }, 60_000);
});
