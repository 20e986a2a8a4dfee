import type { Throttle } from "../config";
import { rateLimited } from "../graphql/errors";
import { bucketBudget, rateLimitHeaders, ThrottleService, type Budget, type Verdict } from "./throttle.service";

// Who is throttled for what, on top of the limiter (throttle.service.ts). One instance per
// process (App.throttle). The budgets of a tenant are the server's defaults unless an admin
// overrode them in the tenant settings; those overrides are read through a cache, so a
// request costs a map look-up here, not a database statement.

/** A tenant's effective budgets (the server defaults, or its settings' overrides). */
export interface TenantLimits {
  keyBucket: number;
  keyRestoreRate: number;
  tenantBucket: number;
  tenantRestoreRate: number;
  ingestEventsPerMinute: number;
  connectionsPerTenant: number;
  subscriptionsPerTenant: number;
}

export type TenantLimitOverrides = Partial<Record<keyof TenantLimits, number | null | undefined>>;

/** How long a tenant's overrides are reused before they are read again. */
const LIMITS_CACHE_MS = 10_000;

export interface QueryCharge {
  /** The cost charged before execution (given back in part once the actual cost is known). */
  requested: number;
  keyBudget: Budget;
  tenantBudget: Budget;
  keyId: string;
  tenantId: string | null;
  /** Verdict of the key's bucket after the charge (what RateLimit-* headers describe). */
  verdict: Verdict;
}

export class ThrottlePolicy {
  readonly limiter: ThrottleService;
  private readonly cache = new Map<string, { limits: TenantLimits; until: number }>();

  constructor(
    private readonly defaults: Throttle,
    redisUrl: string | null,
    /** The tenant's stored overrides (absent: none). Read in the tenant's own transaction. */
    private readonly loadOverrides: (tenantId: string) => Promise<TenantLimitOverrides | null>,
  ) {
    this.limiter = new ThrottleService(redisUrl);
  }

  private defaultLimits(): TenantLimits {
    const d = this.defaults;
    return {
      keyBucket: d.keyBucket,
      keyRestoreRate: d.keyRestoreRate,
      tenantBucket: d.tenantBucket,
      tenantRestoreRate: d.tenantRestoreRate,
      ingestEventsPerMinute: d.ingestEventsPerMinute,
      connectionsPerTenant: d.connectionsPerTenant,
      subscriptionsPerTenant: d.subscriptionsPerTenant,
    };
  }

  /** Effective limits of a tenant; the defaults when its settings cannot be read right now. */
  async limitsFor(tenantId: string | null): Promise<TenantLimits> {
    if (!tenantId) return this.defaultLimits();
    const now = Date.now();
    const hit = this.cache.get(tenantId);
    if (hit && hit.until > now) return hit.limits;
    const limits = this.defaultLimits();
    try {
      const overrides = await this.loadOverrides(tenantId);
      for (const [k, v] of Object.entries(overrides ?? {})) {
        if (typeof v === "number" && v > 0 && k in limits) limits[k as keyof TenantLimits] = v;
      }
    } catch {
      // Throttling must not fail a request the database could still serve (or report
      // unavailable itself): use the defaults and try again next time.
      return limits;
    }
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(tenantId, { limits, until: now + LIMITS_CACHE_MS });
    return limits;
  }

  /** Forgets a tenant's cached limits (its settings changed in this process). */
  forget(tenantId: string): void {
    this.cache.delete(tenantId);
  }

  /**
   * Charges an operation's estimated cost to its key's and its tenant's buckets (or, without
   * a key, to the client address's), before it runs. Throws RATE_LIMITED when it does not fit.
   */
  async chargeQuery(who: { keyId: string; tenantId: string | null }, cost: number): Promise<QueryCharge> {
    const limits = await this.limitsFor(who.tenantId);
    const keyBudget = bucketBudget(limits.keyBucket, limits.keyRestoreRate);
    const tenantBudget = bucketBudget(limits.tenantBucket, limits.tenantRestoreRate);
    const verdict = await this.limiter.consume("cost-key", keyBudget, who.keyId, cost);
    if (!verdict.allowed) {
      throw rateLimited(
        `This API key's cost budget is spent (${keyBudget.points} points per ${keyBudget.durationSeconds} s; this operation costs ${cost}). Retry in ${verdict.retryAfter} s.`,
        verdict.retryAfter,
        rateLimitHeaders(verdict),
      );
    }
    if (who.tenantId) {
      const tenant = await this.limiter.consume("cost-tenant", tenantBudget, who.tenantId, cost);
      if (!tenant.allowed) {
        await this.limiter.reward("cost-key", keyBudget, who.keyId, cost);
        throw rateLimited(
          `This tenant's cost budget is spent (${tenantBudget.points} points per ${tenantBudget.durationSeconds} s across its keys). Retry in ${tenant.retryAfter} s.`,
          tenant.retryAfter,
          rateLimitHeaders(tenant),
        );
      }
    }
    return { requested: cost, keyBudget, tenantBudget, keyId: who.keyId, tenantId: who.tenantId, verdict };
  }

  /** Gives back what an operation was charged beyond its actual cost. */
  async settle(charge: QueryCharge, actual: number): Promise<void> {
    const refund = charge.requested - actual;
    if (refund <= 0) return;
    charge.verdict = {
      ...charge.verdict,
      remaining: Math.min(charge.keyBudget.points, charge.verdict.remaining + refund),
    };
    await Promise.all([
      this.limiter.reward("cost-key", charge.keyBudget, charge.keyId, refund),
      charge.tenantId ? this.limiter.reward("cost-tenant", charge.tenantBudget, charge.tenantId, refund) : undefined,
    ]);
  }

  private authBudget(): Budget {
    return { points: Math.max(1, this.defaults.authFailuresPerMinute), durationSeconds: 60 };
  }

  /** A verdict when the client address has used up its failed authentications, else null. */
  authBlocked(address: string): Promise<Verdict | null> {
    return this.limiter.exhausted("auth-fail", this.authBudget(), address);
  }

  /** Counts one failed authentication of the address. */
  async authFailed(address: string): Promise<Verdict> {
    return this.limiter.consume("auth-fail", this.authBudget(), address, 1);
  }

  /** Charges ingested events (bounces, sends, webhook events) to a tenant's per-minute volume. */
  async chargeIngest(tenantId: string, events: number): Promise<Verdict> {
    const limits = await this.limitsFor(tenantId);
    const budget = { points: limits.ingestEventsPerMinute, durationSeconds: 60 };
    if (events > budget.points) {
      // A call larger than the whole budget could never fit: charge the whole window.
      events = budget.points;
    }
    return this.limiter.consume("ingest", budget, tenantId, events);
  }

  /**
   * A tenant's limits and what is left of its budgets now: the key's and the tenant's cost
   * buckets and the ingestion volume of this minute (reads only; spends nothing).
   */
  async budgets(
    keyId: string,
    tenantId: string,
  ): Promise<{ limits: TenantLimits; keyCost: Verdict; tenantCost: Verdict; ingestEvents: Verdict }> {
    const limits = await this.limitsFor(tenantId);
    const [keyCost, tenantCost, ingestEvents] = await Promise.all([
      this.limiter.consume("cost-key", bucketBudget(limits.keyBucket, limits.keyRestoreRate), keyId, 0),
      this.limiter.consume("cost-tenant", bucketBudget(limits.tenantBucket, limits.tenantRestoreRate), tenantId, 0),
      this.limiter.consume("ingest", { points: limits.ingestEventsPerMinute, durationSeconds: 60 }, tenantId, 0),
    ]);
    return { limits, keyCost, tenantCost, ingestEvents };
  }

  close(): void {
    this.limiter.close();
  }
}

export function ingestRateLimited(v: Verdict): Error {
  return rateLimited(
    `This tenant's ingestion volume is spent (${v.limit} events per minute). Retry in ${v.retryAfter} s.`,
    v.retryAfter,
    rateLimitHeaders(v),
  );
}
