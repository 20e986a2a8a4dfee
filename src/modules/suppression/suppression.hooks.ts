import type { RequestContext } from "../../platform/context";
import { ExtensionPoint } from "../../platform/extensions";
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

/** What reacts to manual suppression changes: hooks run in the order src/app/wiring.ts plugs them. */
export const SUPPRESSION_HOOKS = new ExtensionPoint<SuppressionHook>("suppression hooks");

/** Runs every plugged hook in order; called by the suppression service only. */
export async function runSuppressionHooks(ctx: RequestContext, change: SuppressionChange): Promise<void> {
  if (change.added.length === 0 && change.removed.length === 0) return;
  for (const hook of ctx.app.extensions.of(SUPPRESSION_HOOKS)) await hook(ctx, change);
}
