import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import { statementCounter } from "../platform/db/statement-counter";

// What /metrics shows (Prometheus text, through prom-client): HTTP requests and their
// durations, GraphQL operation durations by type and outcome, SQL statements, ingested
// events, open sockets and subscriptions, and Node's own (event-loop lag, heap, GC, CPU).
// One registry per running app, so that several apps in one process (tests) do not collide.

export class Metrics {
  readonly registry = new Registry();

  readonly httpRequests = new Counter({
    name: "rebound_http_requests_total",
    help: "HTTP requests answered, by route and status class.",
    labelNames: ["route", "status"] as const,
    registers: [this.registry],
  });

  readonly httpDuration = new Histogram({
    name: "rebound_http_request_duration_seconds",
    help: "Time from a request's arrival to the end of its response, by route.",
    labelNames: ["route"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly graphqlDuration = new Histogram({
    name: "rebound_graphql_operation_duration_seconds",
    help: "GraphQL operations over HTTP, by operation type and outcome (ok, error).",
    labelNames: ["type", "outcome"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly ingestedEvents = new Counter({
    name: "rebound_ingested_events_total",
    help: "Events stored by ingestion (new rows only: duplicates are not counted), by source.",
    labelNames: ["source"] as const,
    registers: [this.registry],
  });

  readonly webhookAttempts = new Counter({
    name: "rebound_webhook_attempts_total",
    help: "Outgoing webhook attempts, by outcome (succeeded, failed: retried or given up, gone: 410).",
    labelNames: ["outcome"] as const,
    registers: [this.registry],
  });

  readonly webhookFailures = new Counter({
    name: "rebound_webhook_failures_total",
    help: "Outgoing webhook messages given up after their retries, and endpoints disabled, by kind.",
    labelNames: ["kind"] as const,
    registers: [this.registry],
  });

  readonly webhookAttemptDuration = new Histogram({
    name: "rebound_webhook_attempt_duration_seconds",
    help: "Time of one outgoing webhook attempt, connection to the receiver's answer.",
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly webhookDeliveryLatency = new Histogram({
    name: "rebound_webhook_delivery_latency_seconds",
    help: "Time from an event's commit to its successful delivery (retries included).",
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 30, 300, 3600, 86400],
    registers: [this.registry],
  });

  /** Read when /metrics is scraped; the WebSocket server and the subscription hub fill them in. */
  live = {
    sockets: () => 0,
    subscriptions: () => 0,
    /** Outgoing webhook messages waiting (due or scheduled for a retry); set by the webhook worker. */
    webhookQueueDepth: (): Promise<number> => Promise.resolve(0),
  };

  constructor() {
    new Counter({
      name: "rebound_sql_statements_total",
      help: "SQL statements sent to the database by this process.",
      registers: [this.registry],
      collect() {
        this.reset();
        this.inc(statementCounter.total);
      },
    });
    const live = () => this.live;
    new Gauge({
      name: "rebound_websocket_connections",
      help: "Open GraphQL WebSocket connections on this process.",
      registers: [this.registry],
      collect() {
        this.set(live().sockets());
      },
    });
    new Gauge({
      name: "rebound_subscriptions",
      help: "Active GraphQL subscriptions on this process.",
      registers: [this.registry],
      collect() {
        this.set(live().subscriptions());
      },
    });
    new Gauge({
      name: "rebound_webhook_queue_depth",
      help: "Outgoing webhook jobs waiting in the queue (all processes): due now or scheduled for a retry, not yet taken.",
      registers: [this.registry],
      async collect() {
        this.set(await live().webhookQueueDepth());
      },
    });
    collectDefaultMetrics({ register: this.registry, prefix: "rebound_" });
  }
}
