import type { RequestContext } from "../../platform/context";
import { ExtensionPoint } from "../../platform/extensions";
import type { BounceEvent } from "../bounce";
import type { Suppression } from "../suppression";

// The extension point of ingestion (for alerts, health, anything that reacts to new events).
//
// Every ingest channel (recordSends, ingestBounces, ingestBounceMessage, the ESP webhooks)
// calls runIngestHooks once per batch, AFTER its event and suppression writes and INSIDE its
// transaction, with only what this batch newly stored: duplicates and replays never reach a
// hook, so a hook sees each event exactly once. A hook runs in two steps:
//
//   1. hook(ctx, batch), before the batch's counters move: read what does not depend on
//      the counters, and queue announcements.
//   2. the function it returns (if any), once the counters have moved: read the counts (now
//      final for this campaign: its counter rows are locked by this transaction), decide,
//      and write only what the decision calls for.
//
// Why two steps: moving a counter locks its row until the transaction ends, and every
// ingest for the same campaign moves the same rows. Whatever runs between the counters
// and the commit is time all those ingests wait in line, so step 2 should be the fewest
// statements that need the counts, and rare writes (an alert, a state change).
//
// Consequences for hook authors:
//   * Writes through ctx (ctx.db(), other services) commit or roll back with the events.
//     An alert row written here exists exactly when its events do.
//   * A hook that throws fails the whole ingest (nothing is stored, the client or ESP
//     retries). Throw only for errors that should do that.
//   * Publish nothing from the hook body directly: the transaction may still roll back.
//     publishAfterCommit (realtime.service) announces only once the commit succeeded.
//   * Keep it cheap and batched (one statement per batch, not per event). Hooks run in the
//     order the app plugged them into INGEST_HOOKS.
//
// ctx is a RequestContext bound to the tenant (ctx.tenantId); for webhooks it is a system
// context with the "ingest" scope and no API key.

export interface IngestBatch {
  /** The channel of the batch. */
  channel: "SENDS" | "API" | "DSN" | "SES" | "SENDGRID" | "MAILGUN" | "POSTMARK";
  /** Events stored by this batch (new rows only), in input order. Empty for recordSends. */
  events: BounceEvent[];
  /** Campaigns whose counters this batch moves (uuids, distinct). */
  campaignIds: string[];
  /** Inboxes whose counters this batch moves (uuids, distinct). */
  inboxIds: string[];
  /** Recipients recorded as sent by this batch (recordSends), else 0. */
  sent: number;
  /** Suppressions this batch created. */
  suppressions: Suppression[];
}

/** Step 2 of a hook: runs once the batch's counters have moved. */
export type AfterCounters = () => Promise<void>;

export type IngestHook = (ctx: RequestContext, batch: IngestBatch) => Promise<AfterCounters | void>;

/** What reacts to ingestion: hooks run in the order src/app/wiring.ts plugs them. */
export const INGEST_HOOKS = new ExtensionPoint<IngestHook>("ingest hooks");

/**
 * Runs every hook's first step, moves the counters (moveCounters), then runs their second
 * steps; called by the ingest service only, as the last work of its transaction.
 */
export async function runIngestHooks(
  ctx: RequestContext,
  batch: IngestBatch,
  moveCounters: () => Promise<void>,
): Promise<void> {
  const idle = batch.events.length === 0 && batch.sent === 0 && batch.suppressions.length === 0;
  const settle: AfterCounters[] = [];
  if (!idle) {
    for (const hook of ctx.app.extensions.of(INGEST_HOOKS)) {
      const next = await hook(ctx, batch);
      if (next) settle.push(next);
    }
  }
  await moveCounters();
  for (const next of settle) await next();
}
