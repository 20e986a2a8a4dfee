import type { Logger } from "pino";
import { Client } from "pg";
import {
  chunkMessage,
  Handlers,
  parseMessage,
  type BusMessage,
  type EventBus,
  type PublishingTransaction,
} from "./event-bus";

export const NOTIFY_CHANNEL = "rebound_events";

/**
 * PostgreSQL LISTEN/NOTIFY. publish() queues a pg_notify in the caller's transaction (sent
 * with its COMMIT), so PostgreSQL itself delivers only on commit. The listener is one dedicated connection (never
 * a pooled one) that reconnects by itself with backoff; messages sent while it was down are
 * lost, which is why alerts are stored and clients catch up with alerts(since:).
 */
export class PostgresBus implements EventBus {
  readonly kind = "postgres" as const;
  private readonly handlers: Handlers;
  private client: Client | null = null;
  private closed = false;
  private reconnectDelay = 100;
  private reconnectTimer: NodeJS.Timeout | null = null;
  /** Resolves once the listener is connected (again); used by tests and readiness. */
  connected: Promise<void> = Promise.resolve();
  reconnects = 0;

  constructor(
    private readonly url: string,
    log: Logger,
  ) {
    this.handlers = new Handlers(log);
  }

  publish(tx: PublishingTransaction, message: BusMessage): void {
    for (const m of chunkMessage(message)) tx.notifyOnCommit(NOTIFY_CHANNEL, JSON.stringify(m));
  }

  async publishNow(message: BusMessage): Promise<void> {
    const client = this.client;
    if (!client) return;
    for (const m of chunkMessage(message))
      await client.query("SELECT pg_notify($1, $2)", [NOTIFY_CHANNEL, JSON.stringify(m)]);
  }

  onMessage(handler: (message: BusMessage) => void): void {
    this.handlers.add(handler);
  }

  async start(): Promise<void> {
    this.connected = this.connect();
    await this.connected;
  }

  private async connect(): Promise<void> {
    const client = new Client({ connectionString: this.url, application_name: "rebound-listener", keepAlive: true });
    client.on("notification", (n) => {
      if (n.channel !== NOTIFY_CHANNEL || !n.payload) return;
      const message = parseMessage(n.payload);
      if (message) this.handlers.emit(message);
    });
    const lost = () => {
      if (this.client !== client) return;
      this.client = null;
      client.removeAllListeners("notification");
      client.end().catch(() => undefined);
      this.scheduleReconnect();
    };
    client.on("error", lost);
    client.on("end", lost);
    await client.connect();
    await client.query(`LISTEN ${NOTIFY_CHANNEL}`);
    this.client = client;
    this.reconnectDelay = 100;
  }

  private scheduleReconnect(): void {
    if (this.closed || this.reconnectTimer) return;
    const delay = this.reconnectDelay;
    this.reconnectDelay = Math.min(this.reconnectDelay * 2, 5_000);
    let resolveConnected!: () => void;
    this.connected = new Promise((r) => (resolveConnected = r));
    const attempt = () => {
      this.reconnectTimer = null;
      if (this.closed) return;
      this.connect().then(
        () => {
          this.reconnects++;
          resolveConnected();
        },
        () => {
          this.reconnectTimer = setTimeout(attempt, this.reconnectDelay);
          this.reconnectDelay = Math.min(this.reconnectDelay * 2, 5_000);
        },
      );
    };
    this.reconnectTimer = setTimeout(attempt, delay);
  }

  /** The listener's backend pid (tests terminate it to prove reconnection). */
  async listenerPid(): Promise<number | null> {
    const c = this.client;
    if (!c) return null;
    const { rows } = await c.query("SELECT pg_backend_pid() AS pid");
    return rows[0].pid as number;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    const c = this.client;
    this.client = null;
    await c?.end().catch(() => undefined);
  }
}
