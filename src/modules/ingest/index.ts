// What the ingest module offers the rest of the system: other modules import these from here,
// never its files (a lint rule holds them to it).
export { INGEST_HOOKS } from "./ingest.hooks";
export type { AfterCounters, IngestBatch, IngestHook } from "./ingest.hooks";
export { ingestService } from "./ingest.service";
