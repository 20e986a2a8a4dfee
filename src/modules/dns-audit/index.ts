// What the dns-audit module offers the rest of the system: other modules import these from here,
// never its files (a lint rule holds them to it).
export { registerDomainAuditHook } from "./dns-audit.hooks";
export { domainAuditService } from "./dns-audit.service";
export type { DomainAuthSettingsValues, InboxAlignmentValues, StoredDomainAudit } from "./dns-audit.service";
