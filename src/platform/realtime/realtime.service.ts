import { RequestContext, type App } from "../context";
import { createEventBus } from "./create-bus";
import type { EventTopic } from "./event-bus";
import { SubscriptionHub } from "./subscription-hub";

/** Starts this process's bus and hub; modules register how their topics' rows are read. */
export async function startRealtime(app: App, queueCapacity: number): Promise<{ close(): Promise<void> }> {
  const bus = createEventBus(app.config, app.db, app.log);
  await bus.start();
  const hub = new SubscriptionHub<RequestContext>(
    bus,
    async (tenantId, read) => {
      const ctx = new RequestContext(app, { tenantId, keyId: "realtime", scopes: ["read"] });
      try {
        const rows = await read(ctx);
        await ctx.tx.commit();
        return rows;
      } catch (err) {
        await ctx.tx.rollback();
        throw err;
      }
    },
    app.log,
    queueCapacity,
  );
  app.realtime = { bus, hub };
  return {
    async close() {
      await hub.close();
      await bus.close();
    },
  };
}

/**
 * Announces rows of a topic once the request's transaction commits (never if it rolls
 * back). A no-op where no real-time delivery runs (one-shot CLI commands).
 */
export async function publishAfterCommit(ctx: RequestContext, topic: EventTopic, ids: string[]): Promise<void> {
  const bus = ctx.app.realtime?.bus;
  if (!bus || ids.length === 0) return;
  // The transaction must be open for its commit to carry the message.
  await ctx.db();
  bus.publish(ctx.tx, { tenantId: ctx.tenantId, topic, ids });
}

/** Announces something that has already committed. */
export async function publishNow(app: App, tenantId: string, topic: EventTopic, ids: string[]): Promise<void> {
  await app.realtime?.bus.publishNow({ tenantId, topic, ids });
}
