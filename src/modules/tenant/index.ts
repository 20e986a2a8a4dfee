// What the tenant module offers the rest of the system: other modules import these from here,
// never its files (a lint rule holds them to it).
export { TenantSettings } from "./tenant-settings";
export type { TenantSettingsValues } from "./tenant-settings";
export { tenantService } from "./tenant.service";
export { Tenant } from "./tenant.entity";
