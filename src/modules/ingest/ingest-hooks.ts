import type { RequestContext } from "../../context";
import type { BounceEvent } from "../bounce/bounce-event.entity";
import type { Suppression } from "../suppression/suppression.entity";

// The extension point of ingestion (for alerts, health, anything that reacts to new events).
//
// Every ingest channel (recordSends, ingestBounces, ingestBounceMessage, the ESP webhooks)
// calls runIngestHooks once per batch, AFTER its writes and INSIDE its transaction, with
// only what this batch newly stored: duplicates and replays never reach a hook, so a hook
// sees each event exactly once. Consequences for hook authors:
//
//   * Writes through ctx (ctx.db(), other services) commit or roll back with the events.
//     An alert row written here exists exactly when its events do.
//   * A hook that throws fails the whole ingest (nothing is stored, the client or ESP
//     retries). Throw only for errors that should do that.
//   * Publish nothing from the hook body: the transaction may still roll back. Queue it with
//     ctx.tx.afterCommit(() => publish(...)), which runs only once the commit succeeded.
//   * Keep it cheap and batched (one statement per batch, not per event): it runs inside
//     the ingest's transaction and holds its locks. Hooks run in registration order.
//
// ctx is a RequestContext bound to the tenant (ctx.tenantId); for webhooks it is a system
// context with the "ingest" scope and no API key.

export interface IngestBatch {
  /** The channel of the batch. */
  channel: "SENDS" | "API" | "DSN" | "SES" | "SENDGRID" | "MAILGUN" | "POSTMARK";
  /** Events stored by this batch (new rows only), in input order. Empty for recordSends. */
  events: BounceEvent[];
  /** Campaigns whose counters this batch moved (uuids, distinct). */
  campaignIds: string[];
  /** Inboxes whose counters this batch moved (uuids, distinct). */
  inboxIds: string[];
  /** Recipients recorded as sent by this batch (recordSends), else 0. */
  sent: number;
  /** Suppressions this batch created. */
  suppressions: Suppression[];
}

export type IngestHook = (ctx: RequestContext, batch: IngestBatch) => Promise<void>;

const hooks: IngestHook[] = [];

/** Registers a hook for every later batch; returns a function that unregisters it (tests). */
export function registerIngestHook(hook: IngestHook): () => void {
  hooks.push(hook);
  return () => {
    const i = hooks.indexOf(hook);
    if (i >= 0) hooks.splice(i, 1);
  };
}

/** Runs every registered hook in order; called by the ingest service only. */
export async function runIngestHooks(ctx: RequestContext, batch: IngestBatch): Promise<void> {
  if (batch.events.length === 0 && batch.sent === 0 && batch.suppressions.length === 0) return;
  for (const hook of [...hooks]) await hook(ctx, batch);
}
