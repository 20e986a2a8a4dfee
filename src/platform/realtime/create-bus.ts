import type { Config } from "../config";
import type { Database } from "../db/data-source";
import type { Logger } from "pino";
import type { EventBus } from "./event-bus";
import { InProcessBus } from "./in-process-bus";
import { PostgresBus } from "./postgres-bus";
import { RedisBus } from "./redis-bus";

/** Redis when REDIS_URL is set, else LISTEN/NOTIFY on real PostgreSQL, else in-process (embedded). */
export function createEventBus(config: Config, db: Database, log: Logger): EventBus {
  if (config.redisUrl) return new RedisBus(config.redisUrl, log);
  if (db.embedded) return new InProcessBus(log);
  return new PostgresBus(db.url, log);
}
