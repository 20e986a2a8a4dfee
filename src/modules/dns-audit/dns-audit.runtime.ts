import type { App } from "../../platform/context";
import { startAuditScheduler } from "./dns-audit.scheduler";

// What the dns-audit module adds to a server process: the periodic DNS audit
// (REBOUND_AUDIT_INTERVAL_MINUTES). It asks the app's resolver, made at start-up with the app.

export interface AuditSchedule {
  close(): Promise<void>;
}

export function startAuditSchedule(app: App): AuditSchedule {
  const minutes = app.config.dns.auditIntervalMinutes;
  if (minutes === null) return { close: () => Promise.resolve() };
  const scheduler = startAuditScheduler(app, {
    intervalMs: minutes * 60_000,
    log: (message) => app.log.error(message),
  });
  return { close: () => scheduler.stop() };
}
