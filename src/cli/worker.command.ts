import { loadConfig } from "../app/config";
import { stopOnSignal } from "./stop-on-signal";
import { startWorker } from "../app/main";

/** `rebound worker`: delivers outgoing webhooks until a signal. Returns -1: the process stays up. */
export async function run(): Promise<number> {
  const config = loadConfig();
  const worker = await startWorker(config);
  process.stdout.write(`Rebound is delivering webhooks (${config.webhooks.workers} at a time)\n`);
  stopOnSignal(worker, "finishing the attempts in flight");
  return -1;
}
