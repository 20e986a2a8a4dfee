import Redis from "ioredis";
import type { Logger } from "pino";
import {
  chunkMessage,
  Handlers,
  parseMessage,
  type BusMessage,
  type EventBus,
  type PublishingTransaction,
} from "./event-bus";

export const REDIS_CHANNEL = "rebound:events";

/**
 * Redis pub/sub for large fleets. Redis knows nothing of our transactions, so publishing
 * waits for the commit (afterCommit). A subscribed connection can run no other command:
 * one connection publishes, one listens; ioredis reconnects both by itself. Like NOTIFY,
 * Redis pub/sub is at-most-once: alerts are stored for catch-up.
 */
export class RedisBus implements EventBus {
  readonly kind = "redis" as const;
  private readonly handlers: Handlers;
  private readonly publisher: Redis;
  private readonly subscriber: Redis;

  constructor(url: string, log: Logger) {
    this.handlers = new Handlers(log);
    this.publisher = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2 });
    this.subscriber = new Redis(url, { lazyConnect: true });
  }

  publish(tx: PublishingTransaction, message: BusMessage): void {
    tx.afterCommit(() => this.publishNow(message));
  }

  async publishNow(message: BusMessage): Promise<void> {
    for (const m of chunkMessage(message)) await this.publisher.publish(REDIS_CHANNEL, JSON.stringify(m));
  }

  onMessage(handler: (message: BusMessage) => void): void {
    this.handlers.add(handler);
  }

  async start(): Promise<void> {
    this.subscriber.on("message", (channel: string, text: string) => {
      if (channel !== REDIS_CHANNEL) return;
      const message = parseMessage(text);
      if (message) this.handlers.emit(message);
    });
    await Promise.all([this.publisher.connect(), this.subscriber.connect()]);
    await this.subscriber.subscribe(REDIS_CHANNEL);
  }

  async close(): Promise<void> {
    this.subscriber.disconnect();
    this.publisher.disconnect();
  }
}
