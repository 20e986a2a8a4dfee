// What the dns-audit module offers the rest of the system: other modules import these from here,
// never its files (a lint rule holds them to it).
export { DOMAIN_AUDIT_HOOKS } from "./dns-audit.hooks";
export type { DomainAuditEvent, DomainAuditHook } from "./dns-audit.hooks";
export { startAuditSchedule } from "./dns-audit.runtime";
export { domainAuditService } from "./dns-audit.service";
export type { DomainAuthSettingsValues, InboxAlignmentValues, StoredDomainAudit } from "./dns-audit.service";
