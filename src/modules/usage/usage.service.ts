import type { App, RequestContext } from "../../platform/context";
import { inTenantTransaction } from "../../platform/db/tenant-transaction";
import type { Verdict } from "../../platform/http/throttle.service";
import { usageMonth, type UsageDelta } from "../../platform/usage/usage-meter";
import type { TenantUsage, ThrottleBudget } from "./usage.types";

// viewer.usage: this month's requests and ingested events (the UsageMeter's counts, stored in
// tenant_usage), sends (delivery_counters), and the throttle's limits and budgets left.

function budgetOf(v: Verdict): ThrottleBudget {
  const windowSeconds = Number(/;w=(\d+)/.exec(v.policy)?.[1] ?? v.resetSeconds);
  return { limit: v.limit, remaining: v.remaining, resetsInSeconds: v.resetSeconds, windowSeconds };
}

export class UsageService {
  /** The UsageMeter's writer: adds a process's counts to the tenant's month, in the tenant's transaction. */
  writer(app: App) {
    return (tenantId: string, month: string, delta: UsageDelta) =>
      inTenantTransaction(app.db.dataSource, tenantId, async (em) => {
        await em.query(
          `INSERT INTO tenant_usage AS u (tenant_id, month, requests, ingested_events) VALUES ($1, $2, $3, $4)
           ON CONFLICT (tenant_id, month) DO UPDATE SET
             requests = u.requests + EXCLUDED.requests,
             ingested_events = u.ingested_events + EXCLUDED.ingested_events,
             updated_at = now()`,
          [tenantId, month, delta.requests, delta.ingestedEvents],
        );
      });
  }

  async usage(ctx: RequestContext, now = new Date()): Promise<TenantUsage> {
    const month = usageMonth(now);
    const periodStart = new Date(`${month}T00:00:00Z`);
    const periodEnd = new Date(Date.UTC(periodStart.getUTCFullYear(), periodStart.getUTCMonth() + 1, 1));
    const em = await ctx.db();
    const readStored = async (): Promise<UsageDelta> => {
      const rows: Array<{ requests: string; ingested_events: string }> = await em.query(
        "SELECT requests, ingested_events FROM tenant_usage WHERE tenant_id = $1 AND month = $2",
        [ctx.tenantId, month],
      );
      return { requests: Number(rows[0]?.requests ?? 0), ingestedEvents: Number(rows[0]?.ingested_events ?? 0) };
    };
    const meter = ctx.app.usage;
    const counted = meter ? await meter.read(ctx.tenantId, month, readStored) : await readStored();
    const sendRows: Array<{ sends: string }> = await em.query(
      `SELECT coalesce(sum(sent), 0) AS sends FROM delivery_counters
        WHERE tenant_id = $1 AND day >= $2::date AND day < $3::date`,
      [ctx.tenantId, month, periodEnd.toISOString().slice(0, 10)],
    );
    const throttle = ctx.app.throttle;
    if (!throttle) throw new Error("usage is read on a server, which throttles");
    const { limits, keyCost, tenantCost, ingestEvents } = await throttle.budgets(ctx.auth?.keyId ?? "", ctx.tenantId);
    return {
      periodStart,
      periodEnd,
      requests: counted.requests,
      ingestedEvents: counted.ingestedEvents,
      sends: Number(sendRows[0]?.sends ?? 0),
      limits,
      budgets: { keyCost: budgetOf(keyCost), tenantCost: budgetOf(tenantCost), ingestEvents: budgetOf(ingestEvents) },
    };
  }
}

export const usageService = new UsageService();
