import { createSourceEventStream, execute, print, type ExecutionArgs, type ExecutionResult } from "graphql";

// Subscriptions that share a tenant, a document and variables resolve every event to the
// same result, so each event is executed once per distinct subscription, not once per
// subscriber: the hub hands the same row object to every subscriber, and the first one to
// execute it leaves the result for the others. Results are keyed by that row (a WeakMap),
// so they are collected with it. Sending stays graphql-ws's (one message per subscriber).

const results = new WeakMap<object, Map<string, Promise<ExecutionResult>>>();

function sharedExecute(payload: unknown, key: string, run: () => Promise<ExecutionResult>): Promise<ExecutionResult> {
  const once = run;
  if (typeof payload !== "object" || payload === null) return once();
  let byKey = results.get(payload);
  if (!byKey) results.set(payload, (byKey = new Map()));
  let shared = byKey.get(key);
  if (!shared) byKey.set(key, (shared = once()));
  return shared;
}

/**
 * graphql-js's subscribe(), with execution shared as above. `scope` must separate callers
 * who may see different results for the same document (the tenant).
 */
export async function subscribeShared(
  args: ExecutionArgs,
  scope: string,
): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
  const source = await createSourceEventStream(args);
  if (!(Symbol.asyncIterator in Object(source))) return source as ExecutionResult;
  const iterator = (source as AsyncIterable<unknown>)[Symbol.asyncIterator]();
  const key = `${scope}\n${args.operationName ?? ""}\n${JSON.stringify(args.variableValues ?? {})}\n${print(args.document)}`;
  const resolve = (value: unknown) =>
    sharedExecute(value, key, () => Promise.resolve(execute({ ...args, rootValue: value })));
  const next = async (): Promise<IteratorResult<ExecutionResult>> => {
    const step = await iterator.next();
    if (step.done) return { value: undefined, done: true };
    return { value: await resolve(step.value), done: false };
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
