import Redis from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";

// Budgets of a real limiter (rate-limiter-flexible). In memory on a single process; in Redis
// when REDIS_URL is set, so every process behind a load balancer spends the same buckets.
// A bucket is a fixed window of `points` that refills completely every `durationSeconds`.
// When Redis cannot be reached, each process falls back to its own in-memory window (the
// limiter's "insurance"): throttling gets looser for the outage, but never refuses all
// traffic because a cache is down.

export interface Budget {
  /** Points per window. */
  points: number;
  /** Window length, whole seconds. */
  durationSeconds: number;
}

export interface Verdict {
  allowed: boolean;
  /** The budget's points per window. */
  limit: number;
  /** Points left in the current window (0 when refused). */
  remaining: number;
  /** Seconds until the window refills. */
  resetSeconds: number;
  /** When refused: seconds to wait before the same call can fit. */
  retryAfter: number;
  /** IETF RateLimit-Policy value, e.g. `1000;w=20`. */
  policy: string;
}

/** A bucket of `bucket` points refilled at `restoreRate` points/s, as a fixed window. */
export function bucketBudget(bucket: number, restoreRate: number): Budget {
  return { points: Math.max(1, bucket), durationSeconds: Math.max(1, Math.ceil(bucket / Math.max(1, restoreRate))) };
}

export class ThrottleService {
  private readonly limiters = new Map<string, RateLimiterAbstract>();
  private readonly redis: Redis | null;

  constructor(
    redisUrl: string | null,
    private readonly prefix = "rebound",
  ) {
    // enableOfflineQueue off: while Redis is away a call fails at once and the insurance
    // limiter answers, instead of requests queueing behind a reconnect.
    this.redis = redisUrl ? new Redis(redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1 }) : null;
    this.redis?.on("error", () => undefined);
  }

  get shared(): boolean {
    return this.redis !== null;
  }

  private limiter(name: string, budget: Budget): RateLimiterAbstract {
    const id = `${name}:${budget.points}:${budget.durationSeconds}`;
    let limiter = this.limiters.get(id);
    if (!limiter) {
      const options = { points: budget.points, duration: budget.durationSeconds, keyPrefix: `${this.prefix}:${id}` };
      const memory = new RateLimiterMemory(options);
      limiter = this.redis
        ? new RateLimiterRedis({ ...options, storeClient: this.redis, insuranceLimiter: memory })
        : memory;
      this.limiters.set(id, limiter);
    }
    return limiter;
  }

  private verdict(budget: Budget, res: RateLimiterRes, allowed: boolean): Verdict {
    const resetSeconds = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
    return {
      allowed,
      limit: budget.points,
      remaining: allowed ? Math.max(0, res.remainingPoints) : 0,
      resetSeconds,
      retryAfter: allowed ? 0 : resetSeconds,
      policy: `${budget.points};w=${budget.durationSeconds}`,
    };
  }

  /** Spends `points` of `key`'s budget; refused (nothing spent) when they do not fit. */
  async consume(name: string, budget: Budget, key: string, points: number): Promise<Verdict> {
    const limiter = this.limiter(name, budget);
    if (points <= 0) {
      const res = (await limiter.get(key)) ?? new RateLimiterRes(budget.points, budget.durationSeconds * 1000, 0);
      return this.verdict(
        budget,
        new RateLimiterRes(budget.points - res.consumedPoints, res.msBeforeNext, res.consumedPoints),
        true,
      );
    }
    try {
      return this.verdict(budget, await limiter.consume(key, points), true);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      // rate-limiter-flexible counts a refused call as spent; give it back, so a client that
      // keeps retrying too early does not push its own window further out.
      await limiter.reward(key, points).catch(() => undefined);
      return this.verdict(budget, rejection, false);
    }
  }

  /** Whether `key` has already spent its whole budget (reads, spends nothing). */
  async exhausted(name: string, budget: Budget, key: string): Promise<Verdict | null> {
    const res = await this.limiter(name, budget).get(key);
    if (!res || res.consumedPoints < budget.points) return null;
    return this.verdict(budget, res, false);
  }

  /** Gives back points spent earlier (a query that cost less than estimated). */
  async reward(name: string, budget: Budget, key: string, points: number): Promise<void> {
    if (points > 0) await this.limiter(name, budget).reward(key, points);
  }

  close(): void {
    this.redis?.disconnect();
  }
}

/** IETF draft RateLimit-* headers (draft-ietf-httpapi-ratelimit-headers) of a verdict. */
export function rateLimitHeaders(v: Verdict): Record<string, string> {
  return {
    "ratelimit-limit": String(v.limit),
    "ratelimit-remaining": String(v.remaining),
    "ratelimit-reset": String(v.resetSeconds),
    "ratelimit-policy": v.policy,
  };
}
