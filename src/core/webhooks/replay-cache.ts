// A bounded, per-process memory of recently seen one-time tokens (Mailgun's signature
// token). It turns away an immediate replay cheaply, before any database work.
//
// It is NOT the replay guard: it forgets on restart, is not shared between processes, and
// evicts under a flood. The durable guard is a unique key in the database (the shell
// stores each token, and each event's dedupe key, with ON CONFLICT DO NOTHING).

export interface ReplayCacheOptions {
  /** How long a token is remembered. Should be at least the signature freshness window. */
  ttlMs: number;
  /** Upper bound on remembered tokens; the oldest go first. */
  maxEntries: number;
}

export class ReplayCache {
  // Insertion order is expiry order (the TTL is constant and callers pass a non-decreasing
  // `now`), so expired entries are always at the front of the Map.
  private readonly expiries = new Map<string, number>();

  constructor(private readonly options: ReplayCacheOptions) {
    if (!(options.ttlMs > 0) || !(options.maxEntries > 0)) {
      throw new RangeError("ReplayCache needs a positive ttlMs and maxEntries");
    }
  }

  /**
   * Records `token` as seen at `now`. Returns true when it is new (go on), false when it
   * was already seen within the TTL (a replay: reject).
   */
  checkAndRemember(token: string, now: Date): boolean {
    const t = now.getTime();
    this.evictExpired(t);
    const expiry = this.expiries.get(token);
    if (expiry !== undefined && expiry > t) return false;
    this.expiries.delete(token);
    while (this.expiries.size >= this.options.maxEntries) {
      this.expiries.delete(this.expiries.keys().next().value as string);
    }
    this.expiries.set(token, t + this.options.ttlMs);
    return true;
  }

  /** Has `token` been seen within the TTL? Does not record it. */
  has(token: string, now: Date): boolean {
    const expiry = this.expiries.get(token);
    return expiry !== undefined && expiry > now.getTime();
  }

  get size(): number {
    return this.expiries.size;
  }

  private evictExpired(t: number): void {
    for (const [token, expiry] of this.expiries) {
      if (expiry > t) break;
      this.expiries.delete(token);
    }
  }
}
