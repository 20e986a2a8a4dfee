import type { App } from "../../platform/context";
import { MxProviderCache } from "../../platform/dns/mx-provider";
import { resolverFromConfig } from "../../platform/dns/resolver";
import { startAuditScheduler, type AuditScheduler } from "./dns-audit.scheduler";

// What the health module adds to a server process: one DNS resolver (REBOUND_DNS_SERVERS,
// REBOUND_DNS_TIMEOUT_MS, REBOUND_DNS_TRIES), one MX provider cache shared by every request
// (and by ingest's classifier), the blocklist zones, and the periodic DNS audit
// (REBOUND_AUDIT_INTERVAL_MINUTES).

export interface HealthRuntime {
  close(): Promise<void>;
}

export function startHealth(app: App): HealthRuntime {
  const { dns } = app.config;
  const resolver = resolverFromConfig(dns);
  app.dns = resolver;
  app.mxProviders = new MxProviderCache(resolver);
  app.dnsblZones = dns.blocklists;
  const scheduler: AuditScheduler | null =
    dns.auditIntervalMinutes === null
      ? null
      : startAuditScheduler(app, {
          intervalMs: dns.auditIntervalMinutes * 60_000,
          log: (message) => app.log.error(message),
        });
  return {
    async close() {
      await scheduler?.stop();
      resolver.cancel();
    },
  };
}
