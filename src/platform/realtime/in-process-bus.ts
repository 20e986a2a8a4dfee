import type { Logger } from "pino";
import { chunkMessage, Handlers, type BusMessage, type EventBus, type PublishingTransaction } from "./event-bus";

/** One process only: the embedded database (PGlite cannot LISTEN through its socket). */
export class InProcessBus implements EventBus {
  readonly kind = "in-process" as const;
  private readonly handlers: Handlers;

  constructor(log: Logger) {
    this.handlers = new Handlers(log);
  }

  publish(tx: PublishingTransaction, message: BusMessage): void {
    tx.afterCommit(() => this.deliver(message));
  }

  async publishNow(message: BusMessage): Promise<void> {
    this.deliver(message);
  }

  private deliver(message: BusMessage): void {
    for (const m of chunkMessage(message)) setImmediate(() => this.handlers.emit(m));
  }

  onMessage(handler: (message: BusMessage) => void): void {
    this.handlers.add(handler);
  }

  async start(): Promise<void> {}
  async close(): Promise<void> {}
}
