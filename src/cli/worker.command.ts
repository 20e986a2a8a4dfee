import { loadConfig } from "../app/config";
import { startWorker } from "../app/main";

/** `rebound worker`: delivers outgoing webhooks until a signal. Returns -1: the process stays up. */
export async function run(): Promise<number> {
  const config = loadConfig();
  const worker = await startWorker(config);
  process.stdout.write(`Rebound is delivering webhooks (${config.webhooks.workers} at a time)\n`);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`${signal} received: finishing the attempts in flight and closing...\n`);
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    worker.close().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`shutdown failed: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
  return -1;
}
