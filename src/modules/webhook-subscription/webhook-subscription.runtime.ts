import type { App } from "../../platform/context";
import { startQueue } from "./webhook-queue";
import { WebhookWorker } from "./webhook.worker";

/** Starts this process's delivery worker (REBOUND_WEBHOOK_WORKERS = 0: none). */
export async function startWebhookWorker(app: App): Promise<{ close(): Promise<void> }> {
  if (app.config.webhooks.workers === 0) return { close: () => Promise.resolve() };
  const worker = new WebhookWorker(app, await startQueue(app));
  app.wakeWebhooks = () => worker.wake();
  if (app.metrics) app.metrics.live.webhookQueueDepth = () => worker.queueDepth();
  worker.start();
  return { close: () => worker.close() };
}
