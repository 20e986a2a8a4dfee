import type { RequestContext } from "../../platform/context";
import type { Alert } from "./alert.entity";

// The extension point of alerts (for outgoing webhooks): every raise calls the hooks once,
// with the alerts it stored, INSIDE the transaction that stored them. Writes through ctx
// commit or roll back with the alerts; a hook that throws fails the raise (and whatever
// raised it). Publish nothing from a hook: queue it with ctx.tx.afterCommit(...).

export type AlertRaisedHook = (ctx: RequestContext, alerts: readonly Alert[]) => Promise<void>;

const hooks: AlertRaisedHook[] = [];

/** Registers a hook for every later raise; returns a function that unregisters it (tests). */
export function registerAlertRaisedHook(hook: AlertRaisedHook): () => void {
  hooks.push(hook);
  return () => {
    const i = hooks.indexOf(hook);
    if (i >= 0) hooks.splice(i, 1);
  };
}

/** Runs every registered hook in order; called by the alert service only. */
export async function runAlertRaisedHooks(ctx: RequestContext, alerts: readonly Alert[]): Promise<void> {
  for (const hook of [...hooks]) await hook(ctx, alerts);
}
