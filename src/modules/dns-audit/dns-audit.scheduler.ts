import type { App } from "../../platform/context";
import { RequestContext } from "../../platform/context";
import { domainService } from "../domain";
import { tenantService } from "../tenant";
import { domainAuditService } from "./dns-audit.service";

// The periodic DNS audit: every tick, each tenant's domains whose last audit is older than
// the interval are claimed (a lease in domain_audits, so any number of server processes can
// run this at once without auditing a domain twice), audited with DNS outside any
// transaction, and stored with the audit hooks. A domain whose audit fails keeps its lease
// until it expires and is tried again then.

export interface AuditScheduleOptions {
  /** Audit domains whose last audit is older than this. */
  intervalMs: number;
  /** How often to look for due domains (default: a tenth of the interval, between 1 s and 5 min). */
  tickMs?: number;
  /** How long a claim holds before another process may take the domain (default 10 min). */
  leaseMs?: number;
  /** Audits in flight at once per process (default 4): DNS is slow, the database is not. */
  concurrency?: number;
  /** Where failures are reported (default stderr). */
  log?: (message: string) => void;
}

/** A tenant-bound context for work no API key asked for. */
function systemContext(app: App, tenantId: string): RequestContext {
  return new RequestContext(app, { tenantId, keyId: "system:audit", scopes: ["read", "write"] });
}

async function inContext<T>(app: App, tenantId: string, fn: (ctx: RequestContext) => Promise<T>): Promise<T> {
  const ctx = systemContext(app, tenantId);
  try {
    const result = await fn(ctx);
    await ctx.tx.commit();
    return result;
  } catch (err) {
    await ctx.tx.rollback();
    throw err;
  }
}

/** One pass over every tenant; returns how many domains were audited. Exported for tests and the CLI. */
export async function runDueAudits(
  app: App,
  options: AuditScheduleOptions,
  isStopped: () => boolean = () => false,
): Promise<number> {
  const leaseSeconds = Math.ceil((options.leaseMs ?? 10 * 60_000) / 1000);
  const intervalSeconds = options.intervalMs / 1000;
  const log = options.log ?? ((m: string) => app.log.error(m));
  let audited = 0;
  for (const tenantId of await tenantService.allIds(app)) {
    if (isStopped()) break;
    let claimed: string[];
    try {
      claimed = await inContext(app, tenantId, (ctx) =>
        domainAuditService.claimDue(ctx, intervalSeconds, leaseSeconds),
      );
    } catch (err) {
      log(`domain audit: claiming domains of tenant ${tenantId} failed: ${String(err)}`);
      continue;
    }
    const queue = [...claimed];
    const worker = async () => {
      for (let uuid = queue.shift(); uuid !== undefined && !isStopped(); uuid = queue.shift()) {
        try {
          const now = new Date();
          const planned = await inContext(app, tenantId, async (ctx) => {
            const domain = await domainService.findById(ctx, uuid!);
            return domain ? domainAuditService.plan(ctx, domain, now) : null;
          });
          if (!planned) continue;
          const audit = await domainAuditService.audit(app, planned, now);
          if (isStopped()) break;
          await inContext(app, tenantId, (ctx) => domainAuditService.store(ctx, planned.domain, audit, "SCHEDULE"));
          audited++;
        } catch (err) {
          log(`domain audit: ${uuid} of tenant ${tenantId} failed: ${String(err)}`);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 4) }, worker));
  }
  return audited;
}

export interface AuditScheduler {
  /** Stops the timer and waits for the pass in progress. */
  stop(): Promise<void>;
}

/** Starts the periodic refresh in this process (the first pass runs after one tick). */
export function startAuditScheduler(app: App, options: AuditScheduleOptions): AuditScheduler {
  const tickMs = options.tickMs ?? Math.min(5 * 60_000, Math.max(1000, Math.floor(options.intervalMs / 10)));
  let stopped = false;
  let running: Promise<unknown> | null = null;
  const timer = setInterval(() => {
    if (running || stopped) return;
    running = runDueAudits(app, options, () => stopped)
      .catch((err) => (options.log ?? ((m: string) => app.log.error(m)))(`domain audit pass failed: ${String(err)}`))
      .finally(() => {
        running = null;
      });
  }, tickMs);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
