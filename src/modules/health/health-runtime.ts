import type { App } from "../../context";
import { dnsblZonesFromEnv } from "../../dns/dnsbl-config";
import { MxProviderCache } from "../../dns/mx-provider";
import { resolverFromEnv } from "../../dns/resolver";
import { auditScheduleFromEnv, startAuditScheduler, type AuditScheduler } from "./audit-scheduler";

// What the health module adds to a server process: one DNS resolver (REBOUND_DNS_SERVERS,
// REBOUND_DNS_TIMEOUT_MS, REBOUND_DNS_TRIES), one MX provider cache shared by every request
// (and by ingest's classifier), the blocklist zones, and the periodic DNS audit
// (REBOUND_AUDIT_INTERVAL_MINUTES).

export interface HealthRuntime {
  close(): Promise<void>;
}

export function startHealth(app: App, env: NodeJS.ProcessEnv = process.env): HealthRuntime {
  const resolver = resolverFromEnv(env);
  app.dns = resolver;
  app.mxProviders = new MxProviderCache(resolver);
  app.dnsblZones = dnsblZonesFromEnv(env);
  const schedule = auditScheduleFromEnv(env);
  const scheduler: AuditScheduler | null = schedule ? startAuditScheduler(app, schedule) : null;
  return {
    async close() {
      await scheduler?.stop();
      resolver.cancel();
    },
  };
}
