// `rebound classify` reads its files a run at a time into one reused buffer: every file's
// bytes must come back whole and in order, whatever their sizes, and a file that cannot be
// read must become an error in its place without stopping the others.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readRun, RUN_FILES } from "../../src/cli/classify.read";

function bytesOf(size: number, seed: number): Buffer {
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) b[i] = (i * 31 + seed) & 255;
  return b;
}

describe("reading the files of a classify run", () => {
  it("returns each file's bytes in order, across runs, a growing buffer and unreadable files", () => {
    const dir = mkdtempSync(join(tmpdir(), "rebound-read-"));
    // Small files, empty ones, files larger than the whole buffer (it grows while earlier
    // views of the same run are still held), a missing file and a folder.
    const sizes = [10, 0, 3000, 5 * 1024 * 1024, 1, 700 * 1024, 9 * 1024 * 1024, 4096];
    const files: string[] = [];
    for (let i = 0; i < 150; i++) {
      const f = join(dir, `f${String(i).padStart(3, "0")}`);
      writeFileSync(f, bytesOf(sizes[i % sizes.length], i));
      files.push(f);
    }
    files.splice(5, 0, join(dir, "missing"));
    mkdirSync(join(dir, "folder"));
    files.splice(77, 0, join(dir, "folder"));

    const seen: Array<Buffer | string> = [];
    for (let n = 0; n < files.length;) {
      const run = readRun(files, n, Math.min(files.length, n + RUN_FILES));
      expect(run.length).toBeGreaterThan(0);
      // Copied before the next call, which reuses the buffer.
      for (const c of run) seen.push(c instanceof Uint8Array ? Buffer.from(c) : c.error);
      n += run.length;
    }
    expect(seen.length).toBe(files.length);
    files.forEach((f, i) => {
      if (f.endsWith("missing")) expect(seen[i]).toBe("ENOENT");
      else if (f.endsWith("folder")) expect(seen[i]).toBe("EISDIR");
      else expect((seen[i] as Buffer).equals(readFileSync(f))).toBe(true);
    });
  });
});
