import { createSourceEventStream, execute, print, type ExecutionArgs, type ExecutionResult } from "graphql";

// Subscriptions that share a tenant, a document and variables resolve every event to the
// same result, so each event is executed once per distinct subscription, not once per
// subscriber: the hub hands the same row object to every subscriber, and the first one to
// execute it leaves the result for the others. Results are keyed by that row (a WeakMap),
// so they are collected with it. The result's JSON is made once too: a subscriber with a
// direct sink gets the same bytes as every other, behind its own operation id.

interface Shared {
  result: ExecutionResult;
  /** JSON of the result, made for the first subscriber that sends it. */
  json?: string;
}

const results = new WeakMap<object, Map<string, Promise<Shared>>>();

function sharedExecute(payload: unknown, key: string, run: () => Promise<ExecutionResult>): Promise<Shared> {
  const once = () => run().then((result): Shared => ({ result }));
  if (typeof payload !== "object" || payload === null) return once();
  let byKey = results.get(payload);
  if (!byKey) results.set(payload, (byKey = new Map()));
  let shared = byKey.get(key);
  if (!shared) byKey.set(key, (shared = once()));
  return shared;
}

/**
 * Where a subscriber's events go when they bypass the protocol library: `next` messages
 * (graphql-ws) written straight to the subscriber's socket. Results with errors still go
 * back through the library, which formats them.
 */
export interface DirectSink {
  /** The message up to its payload: `{"id":"<operation id>","type":"next","payload":`. */
  prefix: string;
  /** Writes one whole message; resolves once the socket took it (backpressure). */
  send(message: string): Promise<void>;
  /** Runs before each event is sent (ends the event's unit of work). */
  beforeSend(): Promise<void>;
}

/**
 * graphql-js's subscribe(), with execution shared as above. `scope` must separate callers
 * who may see different results for the same document (the tenant). With a sink, error-free
 * results are sent through it and never yielded.
 */
export async function subscribeShared(
  args: ExecutionArgs,
  scope: string,
  sink?: DirectSink,
): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
  const source = await createSourceEventStream(args);
  if (!(Symbol.asyncIterator in Object(source))) return source as ExecutionResult;
  const iterator = (source as AsyncIterable<unknown>)[Symbol.asyncIterator]();
  const key = `${scope}\n${args.operationName ?? ""}\n${JSON.stringify(args.variableValues ?? {})}\n${print(args.document)}`;
  const resolve = (value: unknown) =>
    sharedExecute(value, key, () => Promise.resolve(execute({ ...args, rootValue: value })));
  const next = async (): Promise<IteratorResult<ExecutionResult>> => {
    for (;;) {
      const step = await iterator.next();
      if (step.done) return { value: undefined, done: true };
      const shared = await resolve(step.value);
      if (!sink || shared.result.errors?.length) return { value: shared.result, done: false };
      await sink.beforeSend();
      await sink.send(`${sink.prefix}${(shared.json ??= JSON.stringify(shared.result))}}`);
    }
  };
  // A hand-written iterator, not an async generator: return() must end a subscription that
  // is waiting for its next event at once (a generator would wait for that event first).
  const mapped: AsyncIterableIterator<ExecutionResult> = {
    next,
    return: async () => {
      await iterator.return?.();
      return { value: undefined, done: true };
    },
    throw: async (err?: unknown) => {
      await iterator.return?.();
      throw err;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
  return mapped;
}
