// Entry of the compiled `rebound classify` (dist/classify.cjs, built by bin/build-classify.js):
// the command, and the same file run as a worker thread for large folders.
import { isMainThread } from "node:worker_threads";
import { run, setWorkerScript } from "./classify.command";
import { workerMain } from "./classify.parallel";

if (isMainThread) setWorkerScript(__filename);
else workerMain();

export { run };
