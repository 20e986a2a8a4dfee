import { Field, Float, Int, ObjectType } from "type-graphql";

@ObjectType("TenantLimits", {
  description:
    "The tenant's throttling limits in force: the server's defaults unless an admin overrode them in the tenant settings.",
})
export class TenantLimits {
  @Field(() => Int, { description: "Cost points one API key may spend per window." })
  keyBucket: number;

  @Field(() => Int, { description: "Points per second a key's bucket refills at (its window is keyBucket / rate)." })
  keyRestoreRate: number;

  @Field(() => Int, { description: "Cost points all of the tenant's keys together may spend per window." })
  tenantBucket: number;

  @Field(() => Int, { description: "Points per second the tenant's bucket refills at." })
  tenantRestoreRate: number;

  @Field(() => Int, { description: "Events (bounces, sends, webhook events) the tenant may ingest per minute." })
  ingestEventsPerMinute: number;

  @Field(() => Int, { description: "WebSockets the tenant may hold open per server process." })
  connectionsPerTenant: number;

  @Field(() => Int, { description: "Subscriptions the tenant may hold per server process." })
  subscriptionsPerTenant: number;
}

@ObjectType("ThrottleBudget", { description: "What is left of one throttling budget in its current window." })
export class ThrottleBudget {
  @Field(() => Int, { description: "Points (or events) per window." })
  limit: number;

  @Field(() => Int, { description: "Points (or events) left in the current window." })
  remaining: number;

  @Field(() => Int, { description: "Seconds until the window refills." })
  resetsInSeconds: number;

  @Field(() => Int, { description: "Length of the window, in seconds." })
  windowSeconds: number;
}

@ObjectType("TenantBudgets", {
  description:
    "The throttling budgets left right now (after this request's own charge). In one process without REDIS_URL these are that process's buckets.",
})
export class TenantBudgets {
  @Field(() => ThrottleBudget, { description: "Cost points left to the API key making this request." })
  keyCost: ThrottleBudget;

  @Field(() => ThrottleBudget, { description: "Cost points left to the tenant, all keys together." })
  tenantCost: ThrottleBudget;

  @Field(() => ThrottleBudget, { description: "Events the tenant may still ingest this minute." })
  ingestEvents: ThrottleBudget;
}

@ObjectType("TenantUsage", {
  description:
    "What the tenant used this calendar month (UTC), its limits and the budgets left. Requests and ingested events are counted by each server process and stored every few seconds (a crash loses at most those seconds); sends come from the delivery counters, exactly.",
})
export class TenantUsage {
  @Field(() => Date, { description: "Start of the month counted (00:00 UTC on its first day)." })
  periodStart: Date;

  @Field(() => Date, { description: "End of the month counted (exclusive): 00:00 UTC on the next month's first day." })
  periodEnd: Date;

  @Field(() => Float, {
    description:
      "API requests this month: GraphQL operations over HTTP and WebSocket and CSV exports and imports with a valid key, this one included.",
  })
  requests: number;

  @Field(() => Float, {
    description:
      "Events ingestion newly stored this month (bounces, deferrals, deliveries and complaints from the API, raw messages and ESP webhooks); duplicates are not counted.",
  })
  ingestedEvents: number;

  @Field(() => Float, { description: "Sends recorded this month (recordSends), from the delivery counters." })
  sends: number;

  @Field(() => TenantLimits, { description: "The limits in force." })
  limits: TenantLimits;

  @Field(() => TenantBudgets, { description: "What is left of each budget now." })
  budgets: TenantBudgets;
}
