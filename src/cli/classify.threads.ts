// How many threads `rebound classify` uses for a folder. Each thread compiles the
// classifier for itself (V8's optimising compiler runs once per thread, on a background
// thread of its own), so a second thread costs about a third more CPU in all: it pays only
// when a core is free to run it. On a busy machine (the load average already fills the
// cores) a second thread only competes with the first and the run is slower; measured on
// 6,094 files on a 2-core machine at load ~5: 1.4–1.7 s on one thread, 2.0–3.4 s on two.

/** Below this many files, starting a worker costs more than it saves. */
export const PARALLEL_MIN_FILES = 400;
/** More threads than this add more start-up and compilation than they save. */
export const MAX_THREADS = 8;

/**
 * Threads for `files` files on `cores` cores whose 1-minute load average is `load`: one
 * below PARALLEL_MIN_FILES, else one per core that other work leaves idle (at least one).
 */
export function threadsFor(files: number, cores: number, load: number): number {
  if (files < PARALLEL_MIN_FILES) return 1;
  const idle = Math.round(cores - (Number.isFinite(load) && load > 0 ? load : 0));
  return Math.max(1, Math.min(cores, MAX_THREADS, idle));
}
