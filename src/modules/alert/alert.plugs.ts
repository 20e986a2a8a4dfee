import type { DomainAuditHook } from "../dns-audit";
import type { IngestHook } from "../ingest";
import { publishAfterCommit } from "../../platform/realtime/realtime.service";
import { alertService } from "./alert.service";

// Hooks the alert module offers ingestion and the DNS audit (plugged in by src/app/wiring.ts).
// Each runs in the transaction of its event, so an alert or an announcement exists exactly
// when the event does.

/**
 * Announces a batch's new bounces and moved campaigns to this module's subscriptions
 * (bounceReceived, campaignHealthChanged), once the batch commits.
 */
export const feedsForIngest: IngestHook = async (ctx, batch) => {
  await publishAfterCommit(
    ctx,
    "bounce",
    batch.events.map((e) => e.uuid),
  );
  await publishAfterCommit(ctx, "campaign", batch.campaignIds);
};

/** Judges every batch against the alert rules: reads before the counters move, raises after. */
export const alertsForIngest: IngestHook = (ctx, batch) => alertService.prepareIngest(ctx, batch);

/** Raises "DNS authentication regressed" when a stored audit's checks got worse. */
export const alertsForAudits: DomainAuditHook = (ctx, audit) =>
  alertService.evaluateAudit(
    ctx,
    { domainId: audit.domainUuid, name: audit.domain },
    audit.previous?.checks ?? null,
    audit.current.checks,
  );
