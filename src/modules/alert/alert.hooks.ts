import type { RequestContext } from "../../platform/context";
import { ExtensionPoint } from "../../platform/extensions";
import type { Alert } from "./alert.entity";

// The extension point of alerts (for outgoing webhooks): every raise calls the hooks once,
// with the alerts it stored, INSIDE the transaction that stored them. Writes through ctx
// commit or roll back with the alerts; a hook that throws fails the raise (and whatever
// raised it). Publish nothing from a hook: queue it with ctx.tx.afterCommit(...).

export type AlertRaisedHook = (ctx: RequestContext, alerts: readonly Alert[]) => Promise<void>;

/** What reacts to raised alerts: hooks run in the order src/app/wiring.ts plugs them. */
export const ALERT_RAISED_HOOKS = new ExtensionPoint<AlertRaisedHook>("alert raised hooks");

/** Runs every plugged hook in order; called by the alert service only. */
export async function runAlertRaisedHooks(ctx: RequestContext, alerts: readonly Alert[]): Promise<void> {
  for (const hook of ctx.app.extensions.of(ALERT_RAISED_HOOKS)) await hook(ctx, alerts);
}
