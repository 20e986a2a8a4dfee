import type { App } from "../../platform/context";
import { registerAlertRaisedHook } from "../alert";
import { registerDomainAuditHook } from "../dns-audit";
import { registerIngestHook } from "../ingest";
import { registerSuppressionHook } from "../suppression";
import { webhookSubscriptionService as webhooks } from "./webhook-subscription.service";
import { startQueue } from "./webhook-queue";
import { WebhookWorker } from "./webhook.worker";

let registered = false;

/**
 * Wires outgoing webhooks into the event sources, each enqueuing in the transaction of its
 * event: ingestion (bounces and the suppressions they cause before the counters move, the
 * campaigns after), alerts, manual suppression changes, DNS audits whose checks changed.
 */
export function registerWebhookSources(): void {
  if (registered) return;
  registered = true;
  registerIngestHook(async (ctx, batch) => {
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
  });
  registerAlertRaisedHook((ctx, alerts) =>
    webhooks.enqueue(
      ctx,
      "ALERT_RAISED",
      alerts.map((a) => ({ uuid: a.uuid, campaignId: a.campaignId })),
    ),
  );
  registerSuppressionHook(async (ctx, change) => {
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
  });
  registerDomainAuditHook(async (ctx, audit) => {
    const summary = (checks: ReadonlyArray<{ id: string; status: string }> | undefined) =>
      JSON.stringify((checks ?? []).map((c) => [c.id, c.status]));
    if (audit.previous && summary(audit.previous.checks) === summary(audit.current.checks)) return;
    await webhooks.enqueue(ctx, "DOMAIN_AUTH_CHANGED", [{ uuid: audit.domainUuid, campaignId: null }]);
  });
}

/** Starts this process's delivery worker (REBOUND_WEBHOOK_WORKERS = 0: none). */
export async function startWebhookWorker(app: App): Promise<{ close(): Promise<void> }> {
  if (app.config.webhooks.workers === 0) return { close: () => Promise.resolve() };
  const worker = new WebhookWorker(app, await startQueue(app));
  app.wakeWebhooks = () => worker.wake();
  if (app.metrics) app.metrics.live.webhookQueueDepth = () => worker.queueDepth();
  worker.start();
  return { close: () => worker.close() };
}
