import type { MessageAnalysis } from "../core/bounce";
import type { EntityManager } from "typeorm";
import type { GraphQLSchema } from "graphql";
import type { Config } from "./config";
import type { Logger } from "pino";
import type { Database } from "./db/data-source";
import { TenantTransaction } from "./db/tenant-transaction";
import type { Extensions } from "./extensions";
import type { Route } from "./http/route";
import type { DnsLookup } from "../core/dns/dns-lookup";
import type { MxProviderCache } from "./dns/mx-provider";
import type { EventBus } from "./realtime/event-bus";
import type { SubscriptionHub } from "./realtime/subscription-hub";
import { unauthenticated } from "./graphql/errors";
import type { AuthInfo } from "./graphql/scopes";

export type { AuthInfo };
import type { QueryCharge, ThrottlePolicy } from "./http/throttle.policy";
import type { UsageMeter } from "./usage/usage-meter";

/**
 * What the platform and the modules record for /metrics; the app implements it (prom-client,
 * src/app/metrics.ts) with the HTTP and process metrics beside.
 */
export interface AppMetrics {
  /** GraphQL operation durations: started when the operation is, ended with its type and outcome. */
  graphqlDuration: { startTimer(): (labels: { type: string; outcome: "ok" | "error" }) => void };
  /** New events ingested, by source (each counted once, after its commit). */
  ingestedEvents: { inc(labels: { source: string }, value: number): void };
  /** Outgoing webhook attempts by outcome, messages given up and endpoints disabled, and their timings. */
  webhookAttempts: { inc(labels: { outcome: "succeeded" | "failed" | "gone" }): void };
  webhookFailures: { inc(labels: { kind: "given_up" | "endpoint_disabled" }): void };
  webhookAttemptDuration: { observe(seconds: number): void };
  webhookDeliveryLatency: { observe(seconds: number): void };
  /** Gauges read when /metrics is scraped, filled in by whoever knows the value. */
  live: { webhookQueueDepth: () => Promise<number> };
}

/** What lives as long as the process: configuration, the database, the pub/sub. */
export interface App {
  config: Config;
  db: Database;
  /** The process's logger; requests log through a child carrying their request id. */
  log: Logger;
  /** Who a bearer token belongs to (the api-key module's look-up, wired by the app); null: nobody. */
  authenticate?: (token: string) => Promise<AuthInfo | null>;
  /** Prometheus metrics of this app (servers only; one-shot commands have none). */
  metrics?: AppMetrics;
  /** What modules plugged into each other's extension points (the app wires them at start-up). */
  extensions: Extensions;
  /** HTTP endpoints beside GraphQL, e.g. ESP webhooks. */
  routes?: Route[];
  /** Real-time delivery (absent in one-shot CLI commands, which publish nothing). */
  realtime?: { bus: EventBus; hub: SubscriptionHub<RequestContext> };
  /** DNS for audits and MX look-ups (REBOUND_DNS_SERVERS), made at start-up. */
  dns: DnsLookup;
  /** Recipient provider of custom domains by MX, shared by the app (ingest's classifier reads `cached`). */
  mxProviders: MxProviderCache;
  /** Cost, authentication, ingestion and connection budgets (absent in one-shot CLI commands). */
  throttle?: ThrottlePolicy;
  /** This month's requests and ingested events per tenant (absent in one-shot CLI commands). */
  usage?: UsageMeter;
  /** Classification off the event loop (absent: classify inline, as the CLI does). */
  classifier?: { analyze(raw: string): Promise<MessageAnalysis> };
  /** The executable GraphQL schema (servers only): outgoing webhooks serialize their data through it. */
  schema?: GraphQLSchema;
  /** Wakes this process's outgoing-webhook worker after a commit that enqueued deliveries. */
  wakeWebhooks?: () => void;
}

/** A bearer token's owner through the app's authenticator; without one (no server), nobody. */
export function authenticate(app: App, token: string): Promise<AuthInfo | null> {
  return app.authenticate ? app.authenticate(token) : Promise.resolve(null);
}

/**
 * One per GraphQL operation (HTTP request or WebSocket operation). Services take it first;
 * the tenant's transaction travels in it and is committed before the response is sent.
 */
export class RequestContext {
  private transaction: TenantTransaction;
  private operationState = new Map<object | symbol, unknown>();
  /** The client's network address (throttling of requests without a key). */
  clientAddress = "unknown";
  /** What this operation was charged before it ran (settled after it answered). */
  throttleCharge: QueryCharge | null = null;

  private logger: Logger | null = null;

  constructor(
    readonly app: App,
    readonly auth: AuthInfo | null,
    /** Sent back as x-request-id and extensions.requestId, to quote in a support request. */
    readonly requestId: string | null = null,
  ) {
    this.transaction = new TenantTransaction(app.db.dataSource, auth?.tenantId ?? null, () => this.log);
  }

  /** Logs with the request's id when there is one; made on first use (most requests log nothing). */
  get log(): Logger {
    return (this.logger ??= this.requestId ? this.app.log.child({ requestId: this.requestId }) : this.app.log);
  }

  get tx(): TenantTransaction {
    return this.transaction;
  }

  /**
   * A subscription resolves each event with the same context: commit the work of the event
   * just delivered and start afresh (new transaction, empty loaders) for the next one.
   */
  async nextOperation(): Promise<void> {
    // Most events are resolved without the database (shared results, root fields only).
    if (!this.transaction.opened && this.operationState.size === 0) return;
    await this.transaction.commit();
    this.transaction = new TenantTransaction(this.app.db.dataSource, this.auth?.tenantId ?? null, () => this.log);
    this.operationState = new Map();
  }

  /**
   * The same tenant and transaction with other scopes, fresh operation state: for work the
   * system does within a request on its own authority (reading rows back to serialize an
   * outgoing webhook, whatever the caller's key may read).
   */
  withScopes(scopes: AuthInfo["scopes"]): RequestContext {
    if (!this.auth) throw unauthenticated();
    const derived = new RequestContext(this.app, { ...this.auth, scopes }, this.requestId);
    derived.transaction = this.transaction;
    return derived;
  }

  /** The calling tenant; UNAUTHENTICATED when the request carried no key. */
  get tenantId(): string {
    if (!this.auth) throw unauthenticated();
    return this.auth.tenantId;
  }

  /** The request's tenant-bound transaction, opened on first use. */
  db(): Promise<EntityManager> {
    if (!this.auth) return Promise.reject(unauthenticated());
    return this.tx.manager();
  }

  /**
   * State a module keeps for one operation (its DataLoaders, which batch and cache within one
   * operation, never across tenants), made on first use and renewed with each operation. Held by this context only, so it is garbage as soon as
   * the operation's answer is out, even while the transaction's COMMIT is still in flight.
   */
  operationScoped<T>(key: object | symbol, make: () => T): T {
    let value = this.operationState.get(key) as T | undefined;
    if (value === undefined) this.operationState.set(key, (value = make()));
    return value;
  }
}
