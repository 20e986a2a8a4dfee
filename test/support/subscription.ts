import type { Client } from "graphql-ws";

/** A live subscription whose events are collected, with a way to wait for them. */
export function collect<T = any>(client: Client, query: string, variables?: Record<string, unknown>) {
  const events: T[] = [];
  const errors: unknown[] = [];
  let notify: (() => void) | null = null;
  const dispose = client.subscribe<T>(
    { query, variables },
    {
      next: (value) => {
        if (value.errors) errors.push(value.errors);
        else events.push(value.data as T);
        notify?.();
      },
      error: (err) => {
        errors.push(err);
        notify?.();
      },
      complete: () => undefined,
    },
  );
  return {
    events,
    errors,
    dispose,
    /** Resolves once `count` events arrived; rejects after the timeout. */
    async waitFor(count: number, timeoutMs = 5_000): Promise<T[]> {
      const deadline = Date.now() + timeoutMs;
      while (events.length < count) {
        if (errors.length) throw new Error(`subscription errors: ${JSON.stringify(errors)}`);
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`timed out with ${events.length} of ${count} events`);
        await new Promise<void>((resolve) => {
          notify = resolve;
          setTimeout(resolve, Math.min(left, 50));
        });
      }
      return events;
    },
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
