import { pino, type Logger } from "pino";

// One structured logger per process: JSON lines on stderr with a level, so operators can
// filter and ship them; requests log through a child that carries their request id, which the
// client also gets back (the x-request-id header, extensions.requestId) to quote in a report.

export type { Logger };

export function createLogger(level: string): Logger {
  return pino({ level, base: { service: "rebound" } }, pino.destination({ fd: 2, sync: false }));
}
