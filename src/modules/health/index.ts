// What the health module offers the rest of the system: other modules import these from here,
// never its files (a lint rule holds them to it).
export { peakDailyVolume, withInboxAlignment } from "./health-view";
export type { InboxAlignmentFacts, StoredAudit } from "./health-view";
export { BENCHMARK_KEYS } from "./health.enums";
export { mxProviderLookup } from "./recipient-provider";
