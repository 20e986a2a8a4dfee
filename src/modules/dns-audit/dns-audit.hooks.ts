import type { RequestContext } from "../../platform/context";
import type { DomainAuditReport } from "../../platform/dns/audit";
import { ExtensionPoint } from "../../platform/extensions";

// The extension point of the DNS audit (for alerts: "DNS authentication regressed").
//
// Every refresh (refreshDomainAuth, and the periodic refresh) calls runDomainAuditHooks once
// per domain, AFTER it stored the new audit and INSIDE the transaction that stored it, with
// the previous stored report (null for a first audit) and the new one. So:
//
//   * Writes through ctx (ctx.db(), other services) commit or roll back with the audit.
//   * A hook that throws fails the refresh (the stored audit rolls back too; the periodic
//     refresh logs it and tries the domain again on a later tick). Throw only for that.
//   * Publish nothing from the hook body: queue it with ctx.tx.afterCommit(...).
//   * Hooks run in the order the app plugged them into DOMAIN_AUDIT_HOOKS.
//   * ctx is bound to the domain's tenant (ctx.tenantId); for the periodic refresh it is a
//     system context with no API key (auth.keyId "system:audit").
//
// regressions(previous, current) in health-view.ts lists the checks that got worse.

export interface DomainAuditEvent {
  domainUuid: string;
  /** The domain name audited. */
  domain: string;
  /** The report stored before this refresh; null when the domain was never audited. */
  previous: DomainAuditReport | null;
  current: DomainAuditReport;
  /** What started the refresh. */
  trigger: "MUTATION" | "SCHEDULE";
}

export type DomainAuditHook = (ctx: RequestContext, event: DomainAuditEvent) => Promise<void>;

/** What reacts to a stored audit: hooks run in the order src/app/wiring.ts plugs them. */
export const DOMAIN_AUDIT_HOOKS = new ExtensionPoint<DomainAuditHook>("domain audit hooks");

/** Runs every plugged hook in order; called by the domain audit service only. */
export async function runDomainAuditHooks(ctx: RequestContext, event: DomainAuditEvent): Promise<void> {
  for (const hook of ctx.app.extensions.of(DOMAIN_AUDIT_HOOKS)) await hook(ctx, event);
}
