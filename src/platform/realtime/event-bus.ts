import type { Logger } from "pino";
// Cross-process real-time events. Messages carry ids, never payloads: PostgreSQL NOTIFY
// payloads must stay under 8,000 bytes, and every process re-reads the rows it needs under
// its subscribers' tenant (so a message can never leak another tenant's data).

export const EVENT_TOPICS = ["bounce", "alert", "campaign", "key-revoked"] as const;
export type EventTopic = (typeof EVENT_TOPICS)[number];

export interface BusMessage {
  tenantId: string;
  topic: EventTopic;
  ids: string[];
}

/** The publisher's transaction: what a bus needs to publish only once it commits. */
export interface PublishingTransaction {
  afterCommit(task: () => void | Promise<void>): void;
  /** A PostgreSQL NOTIFY issued inside the transaction (PostgreSQL delivers it only on commit). */
  notifyOnCommit(channel: string, payload: string): void;
}

export interface EventBus {
  readonly kind: "postgres" | "redis" | "in-process";
  /**
   * Publishes as part of the caller's transaction: subscribers hear of it only once that
   * transaction has committed, and never when it rolls back.
   */
  publish(tx: PublishingTransaction, message: BusMessage): void;
  /** Publishes now (for work that has already committed). */
  publishNow(message: BusMessage): Promise<void>;
  onMessage(handler: (message: BusMessage) => void): void;
  start(): Promise<void>;
  close(): Promise<void>;
}

/** Most ids in one message: 150 uuids keep a NOTIFY payload far below 8,000 bytes. */
export const MAX_IDS_PER_MESSAGE = 150;

export function chunkMessage(message: BusMessage): BusMessage[] {
  if (message.ids.length <= MAX_IDS_PER_MESSAGE) return [message];
  const out: BusMessage[] = [];
  for (let i = 0; i < message.ids.length; i += MAX_IDS_PER_MESSAGE) {
    out.push({ ...message, ids: message.ids.slice(i, i + MAX_IDS_PER_MESSAGE) });
  }
  return out;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Parses a message from the wire; anything malformed is dropped (returns null). */
export function parseMessage(text: string): BusMessage | null {
  try {
    const m = JSON.parse(text) as Partial<BusMessage>;
    if (typeof m.tenantId !== "string" || !UUID.test(m.tenantId)) return null;
    if (!EVENT_TOPICS.includes(m.topic as EventTopic)) return null;
    if (!Array.isArray(m.ids) || !m.ids.every((id) => typeof id === "string" && UUID.test(id))) return null;
    return { tenantId: m.tenantId, topic: m.topic as EventTopic, ids: m.ids };
  } catch {
    return null;
  }
}

export class Handlers {
  private readonly list: Array<(m: BusMessage) => void> = [];
  /** One failing handler must not stop the others; its error goes to the process's log. */
  constructor(private readonly log: Logger) {}
  add(h: (m: BusMessage) => void): void {
    this.list.push(h);
  }
  emit(m: BusMessage): void {
    for (const h of this.list) {
      try {
        h(m);
      } catch (err) {
        this.log.error({ err, topic: m.topic }, "event handler failed");
      }
    }
  }
}
