// Baseline for bench:alerts: a bare graphql-ws server with an in-memory pub/sub, serving the
// same subscription shape as Rebound's bounceReceived. POST /publish {"recipient"} publishes
// one event to every subscriber. It executes and serialises per subscriber, as a plain
// graphql-ws server does. Run as its own process: `tsx bench/support/bare-ws-server.ts PORT`.
import { createServer } from "node:http";
import { GraphQLBoolean, GraphQLID, GraphQLNonNull, GraphQLObjectType, GraphQLSchema, GraphQLString } from "graphql";
import { useServer } from "graphql-ws/use/ws";
import { WebSocketServer } from "ws";

type Listener = (event: Record<string, unknown>) => void;
const listeners = new Set<Listener>();

function subscribeToEvents(): AsyncIterableIterator<Record<string, unknown>> {
  const queue: Record<string, unknown>[] = [];
  let waiting: ((r: IteratorResult<Record<string, unknown>>) => void) | null = null;
  const listener: Listener = (event) => {
    if (waiting) {
      const w = waiting;
      waiting = null;
      w({ value: event, done: false });
    } else queue.push(event);
  };
  listeners.add(listener);
  return {
    next: () =>
      queue.length ? Promise.resolve({ value: queue.shift()!, done: false }) : new Promise((r) => (waiting = r)),
    return: () => {
      listeners.delete(listener);
      waiting?.({ value: undefined, done: true });
      return Promise.resolve({ value: undefined, done: true });
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

const BounceEvent = new GraphQLObjectType({
  name: "BounceEvent",
  fields: {
    id: { type: new GraphQLNonNull(GraphQLID) },
    recipient: { type: new GraphQLNonNull(GraphQLString) },
    reason: { type: new GraphQLNonNull(GraphQLString) },
    bounceType: { type: new GraphQLNonNull(GraphQLString) },
    hardBounce: { type: new GraphQLNonNull(GraphQLBoolean) },
  },
});

const schema = new GraphQLSchema({
  query: new GraphQLObjectType({ name: "Query", fields: { ok: { type: GraphQLBoolean, resolve: () => true } } }),
  subscription: new GraphQLObjectType({
    name: "Subscription",
    fields: {
      bounceReceived: {
        type: new GraphQLNonNull(BounceEvent),
        subscribe: () => subscribeToEvents(),
        resolve: (e) => e,
      },
    },
  }),
});

const port = Number(process.argv[2] ?? 4900);
let seq = 0;
const server = createServer((req, res) => {
  if (req.url === "/publish" && req.method === "POST") {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      const { recipient } = JSON.parse(body) as { recipient: string };
      const event = { id: String(++seq), recipient, reason: "USERUNKNOWN", bounceType: "HARD", hardBounce: true };
      const publishedAt = Date.now();
      for (const l of listeners) l(event);
      res.end(JSON.stringify({ publishedAt }));
    });
    return;
  }
  res.statusCode = 404;
  res.end();
});
useServer({ schema }, new WebSocketServer({ server, path: "/graphql" }));
server.listen(port, "127.0.0.1", () => process.stdout.write(`bare server listening on ${port}\n`));
