// `rebound classify` over a large folder on several cores (how many: classify.threads.ts):
// the main thread and N-1 worker threads take chunks of the file list from one shared
// counter (no round trip to ask for work, so a slow chunk never holds the others back),
// and the main thread writes each chunk's lines in file order as soon as every chunk
// before it is done. Output is byte-for-byte what the one-thread run prints.
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { classifyFile } from "./classify.file";
import { readRun } from "./classify.read";

/** Files per chunk: small enough to balance the threads, large enough to keep messages few. */
const CHUNK = 48;

interface Job {
  files: string[];
  counter: SharedArrayBuffer;
}
interface Done {
  chunk: number;
  text: string;
  failed: number;
}

function takeChunk(counter: Int32Array, chunks: number): number {
  const i = Atomics.add(counter, 0, 1);
  return i < chunks ? i : -1;
}

function runChunk(files: string[], chunk: number): Done {
  let text = "";
  let failed = 0;
  for (let n = chunk * CHUNK, end = Math.min(files.length, n + CHUNK); n < end;) {
    for (const content of readRun(files, n, end)) {
      const r = classifyFile(files[n++], content);
      text += r.text;
      failed += r.failed;
    }
  }
  return { chunk, text, failed };
}

/** The worker side: classify chunks until none is left. */
export function workerMain(): void {
  if (isMainThread || !parentPort) return;
  const { files, counter } = workerData as Job;
  const c = new Int32Array(counter);
  const chunks = Math.ceil(files.length / CHUNK);
  for (let i = takeChunk(c, chunks); i !== -1; i = takeChunk(c, chunks)) parentPort.postMessage(runChunk(files, i));
}

/** Classifies `files` on `threads` threads (this one included); resolves to the count without a result. */
export function classifyInParallel(
  files: string[],
  threads: number,
  script: string,
  write: (s: string) => void,
  progress: boolean,
): Promise<number> {
  const counter = new SharedArrayBuffer(4);
  const c = new Int32Array(counter);
  const chunks = Math.ceil(files.length / CHUNK);
  const done = new Map<number, Done>();
  let next = 0;
  let failed = 0;
  const flush = () => {
    for (let d = done.get(next); d; d = done.get(next)) {
      write(d.text);
      failed += d.failed;
      done.delete(next++);
      if (progress && next % 5 === 0)
        process.stderr.write(`classify: ${Math.min(files.length, next * CHUNK)}/${files.length} files\r`);
    }
  };
  return new Promise((resolvePromise, reject) => {
    let running = threads - 1;
    let mainDone = false;
    const finish = () => {
      if (running > 0 || !mainDone) return;
      flush();
      if (next < chunks) reject(new Error(`classify: ${chunks - next} chunks of files were never classified`));
      else resolvePromise(failed);
    };
    for (let t = 0; t < threads - 1; t++) {
      const w = new Worker(script, { workerData: { files, counter } satisfies Job });
      w.on("message", (d: Done) => {
        done.set(d.chunk, d);
        flush();
      });
      w.on("error", reject);
      w.on("exit", () => {
        running--;
        finish();
      });
    }
    // This thread works too, one chunk per turn of the event loop so that the workers'
    // results are taken (and written) in between.
    const step = () => {
      const i = takeChunk(c, chunks);
      if (i === -1) {
        mainDone = true;
        finish();
        return;
      }
      done.set(i, runChunk(files, i));
      flush();
      setImmediate(step);
    };
    step();
  });
}
