// What each tenant used this month (API requests, ingested events), counted in memory and
// added to the database every few seconds: one upsert per tenant per interval instead of a
// statement (and a hot row lock) on every request. A crash loses at most one interval's
// counts of that process; a read in the same process is exact (stored + not yet written).

export interface UsageDelta {
  requests: number;
  ingestedEvents: number;
}

/** Adds a tenant's counts of one month (YYYY-MM-01) to the stored totals. */
export type UsageWriter = (tenantId: string, month: string, delta: UsageDelta) => Promise<void>;

/** The first day of `at`'s UTC month, YYYY-MM-01. */
export function usageMonth(at: Date): string {
  return `${at.toISOString().slice(0, 7)}-01`;
}

export class UsageMeter {
  private pending = new Map<string, UsageDelta>();
  private flushing: Promise<void> | null = null;
  /** Bumped whenever a flush starts: a reader that saw it change reads again. */
  private generation = 0;
  private readonly timer: NodeJS.Timeout | null;

  constructor(
    private readonly write: UsageWriter,
    intervalMs: number,
    private readonly onError: (err: unknown) => void = () => undefined,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.timer = intervalMs > 0 ? setInterval(() => void this.flush(), intervalMs) : null;
    this.timer?.unref();
  }

  private bucket(tenantId: string): UsageDelta {
    const key = `${tenantId}|${usageMonth(this.now())}`;
    let d = this.pending.get(key);
    if (!d) this.pending.set(key, (d = { requests: 0, ingestedEvents: 0 }));
    return d;
  }

  /** One API request of the tenant (a GraphQL operation, an export or an import). */
  countRequest(tenantId: string): void {
    this.bucket(tenantId).requests++;
  }

  /** Events the tenant's ingestion newly stored (counted after their commit). */
  countIngested(tenantId: string, events: number): void {
    if (events > 0) this.bucket(tenantId).ingestedEvents += events;
  }

  /** Writes what was counted so far; counts that could not be written are kept for the next try. */
  flush(): Promise<void> {
    this.flushing ??= (async () => {
      this.generation++;
      const batch = this.pending;
      this.pending = new Map();
      for (const [key, delta] of batch) {
        const [tenantId, month] = key.split("|");
        try {
          await this.write(tenantId, month, delta);
        } catch (err) {
          const d = this.pending.get(key) ?? { requests: 0, ingestedEvents: 0 };
          d.requests += delta.requests;
          d.ingestedEvents += delta.ingestedEvents;
          this.pending.set(key, d);
          this.onError(err);
        }
      }
    })().finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }

  /**
   * A tenant's usage of a month: what `readStored` finds plus what this process has not
   * written yet. Read again when a flush ran meanwhile, so nothing is counted twice or missed.
   */
  async read(tenantId: string, month: string, readStored: () => Promise<UsageDelta>): Promise<UsageDelta> {
    for (;;) {
      if (this.flushing) await this.flushing;
      const generation = this.generation;
      const stored = await readStored();
      if (generation !== this.generation || this.flushing) continue;
      const local = this.pending.get(`${tenantId}|${month}`);
      return {
        requests: stored.requests + (local?.requests ?? 0),
        ingestedEvents: stored.ingestedEvents + (local?.ingestedEvents ?? 0),
      };
    }
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flush();
  }
}
