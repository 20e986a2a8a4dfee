import type { Logger } from "pino";
import { BoundedQueue } from "./bounded-queue";
import type { BusMessage, EventBus, EventTopic } from "./event-bus";

/** Reads a topic's rows back from their ids, in a read-only context of the message's tenant. */
export type RowLoader<Ctx> = (ctx: Ctx, ids: string[]) => Promise<object[]>;

/** How the hub reads rows back: a loader run in a read-only context of the event's tenant. */
export type TenantReader<Ctx> = (tenantId: string, read: (ctx: Ctx) => Promise<object[]>) => Promise<object[]>;

interface Subscriber {
  tenantId: string;
  topic: EventTopic;
  accept: (row: object) => boolean;
  queue: BoundedQueue<object>;
}

/**
 * This process's side of real-time delivery. For each message from the bus it loads the
 * rows once (under the message's tenant, only when a local subscriber of that tenant and
 * topic exists) and hands them to the matching subscribers' bounded queues. Subscribers are
 * indexed by tenant: another tenant's event never reaches them, even before filtering.
 */
export class SubscriptionHub<Ctx> {
  private readonly subscribers = new Map<string, Set<Subscriber>>();
  private readonly loaders = new Map<EventTopic, RowLoader<Ctx>>();
  private readonly listeners = new Map<EventTopic, Array<(m: BusMessage) => void>>();
  private chain: Promise<void> = Promise.resolve();
  delivered = 0;

  constructor(
    readonly bus: EventBus,
    private readonly readAs: TenantReader<Ctx>,
    private readonly log: Logger,
    private readonly queueCapacity = 1_000,
  ) {
    bus.onMessage((m) => this.onMessage(m));
  }

  /** How rows of a topic are read back from their ids. */
  registerLoader(topic: EventTopic, loader: RowLoader<Ctx>): void {
    this.loaders.set(topic, loader);
  }

  /** Raw messages of a topic (e.g. key revocations), for work that needs no rows. */
  onTopic(topic: EventTopic, listener: (m: BusMessage) => void): void {
    this.listeners.set(topic, [...(this.listeners.get(topic) ?? []), listener]);
  }

  subscribe<T extends object>(tenantId: string, topic: EventTopic, accept: (row: T) => boolean): BoundedQueue<T> {
    let set = this.subscribers.get(tenantId);
    if (!set) this.subscribers.set(tenantId, (set = new Set()));
    const subscriber: Subscriber = {
      tenantId,
      topic,
      accept: accept as (row: object) => boolean,
      queue: new BoundedQueue<object>(this.queueCapacity, () => {
        set!.delete(subscriber);
        if (set!.size === 0) this.subscribers.delete(tenantId);
      }),
    };
    set.add(subscriber);
    return subscriber.queue as unknown as BoundedQueue<T>;
  }

  subscriberCount(): number {
    let n = 0;
    for (const set of this.subscribers.values()) n += set.size;
    return n;
  }

  private onMessage(message: BusMessage): void {
    for (const listener of this.listeners.get(message.topic) ?? []) listener(message);
    const set = this.subscribers.get(message.tenantId);
    const loader = this.loaders.get(message.topic);
    if (!set || !loader || ![...set].some((s) => s.topic === message.topic)) return;
    // One load at a time keeps events in the order they were published.
    this.chain = this.chain
      .then(() => this.deliver(message, loader))
      .catch((err: unknown) => {
        this.log.error({ err }, "real-time delivery failed");
      });
  }

  private async deliver(message: BusMessage, loader: RowLoader<Ctx>): Promise<void> {
    const rows = await this.readAs(message.tenantId, (ctx) => loader(ctx, message.ids));
    const set = this.subscribers.get(message.tenantId);
    if (!set) return;
    for (const row of rows) {
      for (const s of set) {
        if (s.topic !== message.topic) continue;
        let accepted: boolean;
        try {
          accepted = s.accept(row);
        } catch {
          accepted = false;
        }
        if (accepted) {
          s.queue.push(row);
          this.delivered++;
        }
      }
    }
  }

  async close(): Promise<void> {
    for (const set of [...this.subscribers.values()]) for (const s of [...set]) s.queue.close();
    await this.chain;
  }
}
