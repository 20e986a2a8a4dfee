import type { App } from "../../platform/context";
import { apiKeyService } from "../api-key";
import { bounceService } from "../bounce";
import { campaignService } from "../campaign";
import { registerDomainAuditHook } from "../dns-audit";
import { registerIngestHook } from "../ingest";
import { publishAfterCommit } from "../../platform/realtime/realtime.service";
import { alertService } from "./alert.service";

let hookRegistered = false;

/**
 * Wires alerts and the real-time feeds into ingestion and the DNS audit: every ingest batch
 * and every stored audit is evaluated against the alert rules in its own transaction, and new
 * bounces, alerts and changed campaigns are announced once it commits. Also tells the hub how
 * to read each topic's rows back.
 */
export function registerRealtimeTopics(app: App): void {
  const hub = app.realtime?.hub;
  if (hub) {
    hub.registerLoader("bounce", (ctx, ids) => bounceService.loadForDelivery(ctx, ids));
    hub.registerLoader("alert", (ctx, ids) => alertService.findByIds(ctx, ids));
    hub.registerLoader("campaign", (ctx, ids) => campaignService.findByIds(ctx, ids));
    hub.onTopic("key-revoked", (message) => apiKeyService.forget(app, message.ids));
  }
  if (hookRegistered) return;
  hookRegistered = true;
  registerIngestHook(async (ctx, batch) => {
    await publishAfterCommit(
      ctx,
      "bounce",
      batch.events.map((e) => e.uuid),
    );
    await publishAfterCommit(ctx, "campaign", batch.campaignIds);
    return alertService.prepareIngest(ctx, batch);
  });
  registerDomainAuditHook((ctx, audit) =>
    alertService.evaluateAudit(
      ctx,
      { domainId: audit.domainUuid, name: audit.domain },
      audit.previous?.checks ?? null,
      audit.current.checks,
    ),
  );
}
