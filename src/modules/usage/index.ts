// What the usage module offers the rest of the system: other modules import these from here,
// never its files (a lint rule holds them to it).
export { usageService } from "./usage.service";
export { TenantUsageResolver } from "./usage.resolver";
