import { createRequire } from "node:module";
import { resolve } from "node:path";
import { Worker } from "node:worker_threads";
import { analyzeMessage, type MessageAnalysis } from "../../core/bounce";

// Bounce messages are classified on worker threads, with a deadline, so that no message
// (however large or hostile) holds the event loop: /healthz, other tenants' requests and
// subscriptions keep being served while it is analysed. A message whose analysis passes the
// deadline gets an `error` answer and its worker is terminated (the only way to stop a
// runaway computation) and replaced. Small messages are analysed inline: the core reads
// them in well under a millisecond, less than a round trip to a thread costs.

/** Messages up to this many characters are analysed on the calling thread. */
export const INLINE_MAX_CHARS = 8 * 1024;
/** Jobs waiting for a worker beyond this are answered "busy" at once (bounded memory). */
const MAX_QUEUED = 1_000;

interface Job {
  id: number;
  raw: string;
  resolve(analysis: MessageAnalysis): void;
}

interface Slot {
  worker: Worker;
  job: Job | null;
  timer: NodeJS.Timeout | null;
}

function failed(error: string): MessageAnalysis {
  return { kind: "unknown", messageId: null, diagnoses: [], error };
}

export class ClassifyPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;

  constructor(
    private readonly size: number,
    private readonly deadlineMs: number,
  ) {
    for (let i = 0; i < size; i++) this.slots.push(this.spawn());
  }

  /** Workers run the TypeScript sources through tsx, as the main thread does. */
  private spawn(): Slot {
    const tsx = createRequire(__filename).resolve("tsx/cjs");
    const file = resolve(__dirname, "classify.worker.ts");
    const worker = new Worker(`require(${JSON.stringify(tsx)}); require(${JSON.stringify(file)});`, { eval: true });
    worker.unref();
    const slot: Slot = { worker, job: null, timer: null };
    worker.on("message", (msg: { id: number; analysis: MessageAnalysis }) => {
      if (slot.job?.id !== msg.id) return;
      this.finish(slot, msg.analysis);
    });
    worker.on("error", (err) => this.replace(slot, failed(`classification failed: ${err.message}`)));
    worker.on("exit", () => {
      if (!this.closed && this.slots.includes(slot) && slot.worker === worker)
        this.replace(slot, failed("classification worker exited"));
    });
    return slot;
  }

  private finish(slot: Slot, analysis: MessageAnalysis): void {
    if (slot.timer) clearTimeout(slot.timer);
    const job = slot.job;
    slot.job = null;
    slot.timer = null;
    job?.resolve(analysis);
    this.dispatch();
  }

  /** Ends a worker (stuck or broken), answers its job, and puts a fresh one in its place. */
  private replace(slot: Slot, answer: MessageAnalysis): void {
    const index = this.slots.indexOf(slot);
    if (index < 0) return;
    if (slot.timer) clearTimeout(slot.timer);
    const job = slot.job;
    slot.job = null;
    const old = slot.worker;
    this.slots[index] = this.closed ? slot : this.spawn();
    void old.terminate();
    job?.resolve(answer);
    this.dispatch();
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (slot.job || this.queue.length === 0 || this.closed) continue;
      const job = this.queue.shift()!;
      slot.job = job;
      slot.timer = setTimeout(
        () =>
          this.replace(
            slot,
            failed(`classification passed its ${this.deadlineMs} ms deadline; the message was not read`),
          ),
        this.deadlineMs,
      );
      slot.worker.postMessage({ id: job.id, raw: job.raw });
    }
  }

  analyze(raw: string): Promise<MessageAnalysis> {
    if (this.size === 0 || raw.length <= INLINE_MAX_CHARS) return Promise.resolve(analyzeMessage(raw));
    if (this.closed) return Promise.resolve(failed("the server is shutting down"));
    if (this.queue.length >= MAX_QUEUED)
      return Promise.resolve(failed("too many messages are being classified; retry"));
    return new Promise((resolveJob) => {
      this.queue.push({ id: this.nextId++, raw, resolve: resolveJob });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.resolve(failed("the server is shutting down"));
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
