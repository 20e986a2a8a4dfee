import type { Logger } from "pino";
import type { Config } from "./config";
import type { Metrics } from "./metrics";
import type { App } from "../platform/context";
import type { Database } from "../platform/db/data-source";
import { MxProviderCache } from "../platform/dns/mx-provider";
import { resolverFromConfig, type NodeDnsResolver } from "../platform/dns/resolver";
import { Extensions } from "../platform/extensions";
import { alertService, alertsForAudits, alertsForIngest, ALERT_RAISED_HOOKS, feedsForIngest } from "../modules/alert";
import { apiKeyService } from "../modules/api-key";
import { bounceService } from "../modules/bounce";
import { campaignService, CAMPAIGN_PAGE_READERS } from "../modules/campaign";
import { DOMAIN_AUDIT_HOOKS } from "../modules/dns-audit";
import { INGEST_HOOKS } from "../modules/ingest";
import { SUPPRESSION_HOOKS } from "../modules/suppression";
import {
  webhooksForAlerts,
  webhooksForAudits,
  webhooksForIngest,
  webhooksForSuppressions,
} from "../modules/webhook-subscription";
// Not through health's index.ts, which tenant settings import (the reader needs tenant).
import { campaignHealthPages } from "../modules/health/health-pages";

// How the modules meet: who reacts to whose events, who reads whose real-time topics. The
// app builds this for every process (server, worker, one-shot command); nothing of it is
// registered from a module or kept per process.

/** Modules plugged into each other's extension points. Hooks of one point run in this order. */
function moduleExtensions(): Extensions {
  return (
    new Extensions()
      // Health reads a dashboard's campaign page with the page's health, in one statement.
      .register(CAMPAIGN_PAGE_READERS, campaignHealthPages)
      // Subscriptions hear of new bounces and moved campaigns; alert rules judge every batch
      // and every stored audit.
      .register(INGEST_HOOKS, feedsForIngest)
      .register(INGEST_HOOKS, alertsForIngest)
      .register(DOMAIN_AUDIT_HOOKS, alertsForAudits)
      // Outgoing webhooks enqueue their messages in the transaction of each event.
      .register(INGEST_HOOKS, webhooksForIngest)
      .register(ALERT_RAISED_HOOKS, webhooksForAlerts)
      .register(SUPPRESSION_HOOKS, webhooksForSuppressions)
      .register(DOMAIN_AUDIT_HOOKS, webhooksForAudits)
  );
}

/** Tells this process's subscription hub how to read each topic's rows back (no hub: nothing to tell). */
export function readRealtimeTopics(app: App): void {
  const hub = app.realtime?.hub;
  if (!hub) return;
  hub.registerLoader("bounce", (ctx, ids) => bounceService.loadForDelivery(ctx, ids));
  hub.registerLoader("alert", (ctx, ids) => alertService.findByIds(ctx, ids));
  hub.registerLoader("campaign", (ctx, ids) => campaignService.findByIds(ctx, ids));
  // A revoked key stops working in every process as soon as it commits.
  hub.onTopic("key-revoked", (message) => apiKeyService.forget(app, message.ids));
}

/**
 * An app with the modules' wiring and one DNS resolver (REBOUND_DNS_SERVERS,
 * REBOUND_DNS_TIMEOUT_MS, REBOUND_DNS_TRIES) with one MX provider cache, which every request
 * and ingest's classifier share. Servers pass their resolver in to cancel its look-ups when
 * they close.
 */
export function newApp(
  config: Config,
  db: Database,
  log: Logger,
  metrics?: Metrics,
  dns: NodeDnsResolver = resolverFromConfig(config.dns),
): App {
  return {
    config,
    db,
    log,
    metrics,
    routes: [],
    extensions: moduleExtensions(),
    dns,
    mxProviders: new MxProviderCache(dns),
  };
}
