// The default number of threads of `rebound classify`: a second thread pays only on a core
// that other work leaves idle.
import { describe, expect, it } from "vitest";
import { MAX_THREADS, PARALLEL_MIN_FILES, threadsFor } from "../../src/cli/classify.threads";

describe("threadsFor", () => {
  it("stays on one thread for a small folder, however idle the machine", () => {
    expect(threadsFor(PARALLEL_MIN_FILES - 1, 8, 0)).toBe(1);
    expect(threadsFor(1, 2, 0)).toBe(1);
  });

  it("uses every core of an idle machine, at most MAX_THREADS", () => {
    expect(threadsFor(6000, 2, 0.1)).toBe(2);
    expect(threadsFor(6000, 4, 0)).toBe(4);
    expect(threadsFor(6000, 64, 0)).toBe(MAX_THREADS);
  });

  it("uses only the cores other work leaves idle", () => {
    expect(threadsFor(6000, 4, 2)).toBe(2);
    expect(threadsFor(6000, 2, 1)).toBe(1);
    expect(threadsFor(6000, 2, 5.3)).toBe(1);
    expect(threadsFor(6000, 8, 2.6)).toBe(5);
  });

  it("reads a missing or unknown load average as an idle machine", () => {
    expect(threadsFor(6000, 2, Number.NaN)).toBe(2);
    expect(threadsFor(6000, 2, -1)).toBe(2);
  });
});
