import {
  GraphQLInt,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLSchema,
  GraphQLString,
  parse,
  type ExecutionResult,
} from "graphql";
import { describe, expect, it } from "vitest";
import { BoundedQueue } from "../../src/platform/realtime/bounded-queue";
import { subscribeShared } from "../../src/platform/graphql/shared-subscription";

// Many subscribers of the same subscription get the same result for an event: it must be
// computed once per distinct (scope, document, variables), not once per subscriber.

function schemaCounting(calls: { n: number }, queues: BoundedQueue<{ value: number }>[]) {
  const Event = new GraphQLObjectType({
    name: "Event",
    fields: {
      value: { type: new GraphQLNonNull(GraphQLInt) },
      label: {
        type: new GraphQLNonNull(GraphQLString),
        args: { prefix: { type: GraphQLString } },
        resolve: (e: { value: number }, args: { prefix?: string }) => {
          calls.n++;
          return `${args.prefix ?? ""}${e.value}`;
        },
      },
    },
  });
  return new GraphQLSchema({
    query: new GraphQLObjectType({ name: "Query", fields: { ok: { type: GraphQLInt } } }),
    subscription: new GraphQLObjectType({
      name: "Subscription",
      fields: {
        events: {
          type: new GraphQLNonNull(Event),
          subscribe: () => {
            const q = new BoundedQueue<{ value: number }>(10);
            queues.push(q);
            return q;
          },
          resolve: (e: unknown) => e,
        },
      },
    }),
  });
}

describe("shared subscription execution", () => {
  it("executes an event once for every subscriber of the same document, variables and scope", async () => {
    const calls = { n: 0 };
    const queues: BoundedQueue<{ value: number }>[] = [];
    const schema = schemaCounting(calls, queues);
    const document = parse(`subscription($p: String) { events { value label(prefix: $p) } }`);
    const iterators = [];
    for (let i = 0; i < 5; i++) {
      iterators.push(
        (await subscribeShared(
          { schema, document, variableValues: { p: "#" } },
          "tenant-1",
        )) as AsyncIterableIterator<ExecutionResult>,
      );
    }
    const other = (await subscribeShared(
      { schema, document, variableValues: { p: "!" } },
      "tenant-1",
    )) as AsyncIterableIterator<ExecutionResult>;
    const otherTenant = (await subscribeShared(
      { schema, document, variableValues: { p: "#" } },
      "tenant-2",
    )) as AsyncIterableIterator<ExecutionResult>;

    const event = { value: 7 };
    for (const q of queues) q.push(event);
    const results = await Promise.all([...iterators, other, otherTenant].map((it) => it.next()));
    expect(results.slice(0, 5).map((r) => r.value.data)).toEqual(Array(5).fill({ events: { value: 7, label: "#7" } }));
    expect(results[5].value.data).toEqual({ events: { value: 7, label: "!7" } });
    expect(results[6].value.data).toEqual({ events: { value: 7, label: "#7" } });
    expect(calls.n).toBe(3); // one per distinct (scope, variables), not seven
  });

  it("ends a subscription that is waiting for its next event at once, releasing its queue", async () => {
    const queues: BoundedQueue<{ value: number }>[] = [];
    const schema = schemaCounting({ n: 0 }, queues);
    const it = (await subscribeShared(
      { schema, document: parse(`subscription { events { value } }`) },
      "t",
    )) as AsyncIterableIterator<ExecutionResult>;
    const pending = it.next();
    await it.return!();
    expect(await pending).toEqual({ value: undefined, done: true });
    queues[0].push({ value: 1 });
    expect(queues[0].size).toBe(0);
  });
});

describe("results with errors", () => {
  it("are yielded to every subscriber like any other result, for the protocol library to format", async () => {
    const queues: BoundedQueue<{ value: number }>[] = [];
    const Event = new GraphQLObjectType({
      name: "Event",
      fields: {
        value: {
          type: new GraphQLNonNull(GraphQLInt),
          resolve: (e: { value: number }) => {
            if (e.value === 13) throw new Error("unlucky");
            return e.value;
          },
        },
      },
    });
    const schema = new GraphQLSchema({
      query: new GraphQLObjectType({ name: "Query", fields: { ok: { type: GraphQLInt } } }),
      subscription: new GraphQLObjectType({
        name: "Subscription",
        fields: {
          events: {
            type: Event,
            subscribe: () => {
              const q = new BoundedQueue<{ value: number }>(10);
              queues.push(q);
              return q;
            },
            resolve: (e: unknown) => e,
          },
        },
      }),
    });
    const document = parse(`subscription { events { value } }`);
    const a = (await subscribeShared({ schema, document }, "t")) as AsyncIterableIterator<ExecutionResult>;
    const b = (await subscribeShared({ schema, document }, "t")) as AsyncIterableIterator<ExecutionResult>;
    for (const event of [{ value: 1 }, { value: 13 }]) for (const q of queues) q.push(event);
    for (const it of [a, b]) {
      expect((await it.next()).value).toEqual({ data: { events: { value: 1 } } });
      const failed = await it.next();
      expect(failed.done).toBe(false);
      expect(failed.value.errors?.[0].message).toBe("unlucky");
    }
  });
});

describe("a subscriber's bounded queue", () => {
  it("drops the oldest events when the subscriber falls behind, and counts them", async () => {
    const q = new BoundedQueue<number>(3);
    for (let i = 1; i <= 5; i++) q.push(i);
    expect(q.dropped).toBe(2);
    expect([(await q.next()).value, (await q.next()).value, (await q.next()).value]).toEqual([3, 4, 5]);
  });
});
