import type { RequestContext } from "../../platform/context";
import type { Suppression } from "./suppression.entity";

// The extension point of manual suppression changes (for outgoing webhooks): addSuppressions
// and removeSuppression call the hooks once, INSIDE their transaction, with the rows they
// created or removed. Suppressions that ingestion creates reach ingest hooks instead
// (IngestBatch.suppressions). Writes through ctx commit or roll back with the change.

export interface SuppressionChange {
  added: readonly Suppression[];
  removed: readonly Suppression[];
}

export type SuppressionHook = (ctx: RequestContext, change: SuppressionChange) => Promise<void>;

const hooks: SuppressionHook[] = [];

/** Registers a hook for every later change; returns a function that unregisters it (tests). */
export function registerSuppressionHook(hook: SuppressionHook): () => void {
  hooks.push(hook);
  return () => {
    const i = hooks.indexOf(hook);
    if (i >= 0) hooks.splice(i, 1);
  };
}

/** Runs every registered hook in order; called by the suppression service only. */
export async function runSuppressionHooks(ctx: RequestContext, change: SuppressionChange): Promise<void> {
  if (change.added.length === 0 && change.removed.length === 0) return;
  for (const hook of [...hooks]) await hook(ctx, change);
}
