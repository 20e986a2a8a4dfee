import { parentPort } from "node:worker_threads";
import { analyzeMessage } from "../../core/bounce";

// The body of a classification worker thread (classify.pool.ts): analyses one message per
// request. The core is pure, so the worker needs nothing but the message.

parentPort!.on("message", (job: { id: number; raw: string }) => {
  parentPort!.postMessage({ id: job.id, analysis: analyzeMessage(job.raw) });
});
