import type { AlertRaisedHook } from "../alert";
import type { DomainAuditHook } from "../dns-audit";
import type { IngestHook } from "../ingest";
import type { SuppressionHook } from "../suppression";
import { webhookSubscriptionService as webhooks } from "./webhook-subscription.service";

// The event sources of outgoing webhooks, as hooks the app plugs into their modules
// (src/app/wiring.ts). Each enqueues in the transaction of its event, so a message exists
// exactly when the event it tells of does.

/** New bounces and the suppressions they caused, before the counters move; the campaigns they moved, after. */
export const webhooksForIngest: IngestHook = async (ctx, batch) => {
  await webhooks.enqueue(
    ctx,
    "BOUNCE_RECEIVED",
    batch.events.map((e) => ({ uuid: e.uuid, campaignId: e.campaignId })),
  );
  await webhooks.enqueue(
    ctx,
    "SUPPRESSION_ADDED",
    batch.suppressions.map((s) => ({ uuid: s.uuid, campaignId: null })),
  );
  if (batch.campaignIds.length === 0) return;
  return () =>
    webhooks.enqueue(
      ctx,
      "CAMPAIGN_HEALTH_CHANGED",
      batch.campaignIds.map((id) => ({ uuid: id, campaignId: id })),
    );
};

export const webhooksForAlerts: AlertRaisedHook = (ctx, alerts) =>
  webhooks.enqueue(
    ctx,
    "ALERT_RAISED",
    alerts.map((a) => ({ uuid: a.uuid, campaignId: a.campaignId })),
  );

/** Suppressions added or removed by hand (ingestion's own reach webhooksForIngest). */
export const webhooksForSuppressions: SuppressionHook = async (ctx, change) => {
  await webhooks.enqueue(
    ctx,
    "SUPPRESSION_ADDED",
    change.added.map((s) => ({ uuid: s.uuid, campaignId: null })),
  );
  await webhooks.enqueue(
    ctx,
    "SUPPRESSION_REMOVED",
    change.removed.map((s) => ({ uuid: s.uuid, campaignId: null })),
  );
};

/** An audit whose checks changed (a first audit always has). */
export const webhooksForAudits: DomainAuditHook = async (ctx, audit) => {
  const summary = (checks: ReadonlyArray<{ id: string; status: string }> | undefined) =>
    JSON.stringify((checks ?? []).map((c) => [c.id, c.status]));
  if (audit.previous && summary(audit.previous.checks) === summary(audit.current.checks)) return;
  await webhooks.enqueue(ctx, "DOMAIN_AUTH_CHANGED", [{ uuid: audit.domainUuid, campaignId: null }]);
};
