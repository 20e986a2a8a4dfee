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

describe("a direct sink", () => {
  function sink(id: string, sent: string[], order: string[]) {
    return {
      prefix: `{"id":${JSON.stringify(id)},"type":"next","payload":`,
      send: async (message: string) => void sent.push(message),
      beforeSend: async () => void order.push(`before ${id}`),
    };
  }

  it("sends every subscriber the same result bytes behind its own operation id, and yields only results with errors", async () => {
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
    const sentA: string[] = [];
    const sentB: string[] = [];
    const order: string[] = [];
    const a = (await subscribeShared(
      { schema, document },
      "t",
      sink("a", sentA, order),
    )) as AsyncIterableIterator<ExecutionResult>;
    const b = (await subscribeShared(
      { schema, document },
      "t",
      sink('b"1', sentB, order),
    )) as AsyncIterableIterator<ExecutionResult>;
    const pendingA = a.next();
    const pendingB = b.next();
    for (const event of [{ value: 1 }, { value: 2 }, { value: 13 }]) for (const q of queues) q.push(event);

    const [yieldedA, yieldedB] = await Promise.all([pendingA, pendingB]);
    expect(sentA).toEqual([
      `{"id":"a","type":"next","payload":{"data":{"events":{"value":1}}}}`,
      `{"id":"a","type":"next","payload":{"data":{"events":{"value":2}}}}`,
    ]);
    expect(sentB.map((m) => JSON.parse(m))).toEqual(
      [1, 2].map((value) => ({ id: 'b"1', type: "next", payload: { data: { events: { value } } } })),
    );
    expect(order.filter((o) => o === "before a")).toHaveLength(2);
    // The failing event comes back to the protocol library, which formats errors.
    for (const y of [yieldedA, yieldedB]) {
      expect(y.done).toBe(false);
      expect(y.value.errors?.[0].message).toBe("unlucky");
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
