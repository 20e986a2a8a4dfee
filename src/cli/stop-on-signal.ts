/**
 * Closes `service` on the first SIGTERM or SIGINT and exits 0 (1 if closing fails, or if it
 * has not finished within 15 s: a stuck close must not keep a container from stopping).
 */
export function stopOnSignal(service: { close(): Promise<void> }, finishing: string): void {
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`${signal} received: ${finishing} and closing...\n`);
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    service.close().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`shutdown failed: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
}
