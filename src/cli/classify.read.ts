import { closeSync, openSync, readSync } from "node:fs";

// The files of `rebound classify`, read a run at a time, back to back, before any of them is
// classified. Interleaved with the classification, each open/read/close costs about twice
// as much (the kernel's path and file caches have left the CPU's caches in between): on
// 6,094 small bounces, 140-190 ms of reading one file per turn against 80-115 ms in runs.

/** Files per run. */
export const RUN_FILES = 64;
/** Bytes after which a run stops early: its files' bytes are held at the same time. */
const RUN_BYTES = 1024 * 1024;

/** A file's bytes, or why it could not be read (its errno code, or the error's text). */
export type FileContent = Uint8Array | { error: string };

let buffer = Buffer.allocUnsafe(2 * RUN_BYTES);
/** Bytes of `buffer` taken by the current run. */
let used = 0;

/**
 * The contents of files[from], files[from + 1]... up to `to` (fewer when their bytes pass
 * RUN_BYTES; never none), in order: views into one reused buffer (no stat, no new buffer
 * per file), valid until the next call.
 */
export function readRun(files: string[], from: number, to: number): FileContent[] {
  const out: FileContent[] = [];
  used = 0;
  for (let i = from; i < to && (i === from || used < RUN_BYTES); i++) {
    try {
      out.push(readNext(files[i]));
    } catch (err) {
      out.push({ error: (err as NodeJS.ErrnoException).code ?? String(err) });
    }
  }
  return out;
}

/** One file's bytes, placed after the run's others. */
function readNext(file: string): Uint8Array {
  const fd = openSync(file, "r");
  try {
    let n = 0;
    for (;;) {
      if (used + n === buffer.length) {
        // The views already handed out keep the old buffer: only this file's bytes move.
        const bigger = Buffer.allocUnsafe(buffer.length * 2);
        buffer.copy(bigger, 0, used, used + n);
        buffer = bigger;
        used = 0;
      }
      const got = readSync(fd, buffer, used + n, buffer.length - used - n, null);
      if (got === 0) break;
      n += got;
    }
    const bytes = buffer.subarray(used, used + n);
    used += n;
    return bytes;
  } finally {
    closeSync(fd);
  }
}
