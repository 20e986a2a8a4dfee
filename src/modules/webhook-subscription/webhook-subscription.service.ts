import { In } from "typeorm";
import { WITHIN_TENANT_TRANSACTION } from "../../platform/db/tenant-transaction";
import {
  WEBHOOK_DATA_TYPES,
  WEBHOOK_EVENT_TYPES,
  checkWebhookUrl,
  webhookBody,
  type WebhookDeliveryType,
  type WebhookEventType,
} from "../../core/outgoing-webhooks";
import type { RequestContext } from "../../platform/context";
import type { Connection } from "../../platform/graphql/connection";
import { checkPageSize } from "../../platform/graphql/connection";
import { toGlobalId } from "../../platform/graphql/global-id";
import { CommonErrorCode, fail } from "../../platform/graphql/user-error";
import { WebhookSubscriptionErrorCode } from "./webhook-subscription.errors";
import { connectionOf, decodeCursor, pageOf } from "../../platform/db/keyset";
import { campaignService } from "../campaign";
import { serializeNodes } from "./webhook-data.serializer";
import { WebhookDelivery, type WebhookDeliveryStatus } from "./webhook-delivery.types";
import { enqueueDeliveries } from "./webhook-queue";
import { encryptSecret, newSigningSecret } from "./webhook-secret";
import { WebhookSubscription } from "./webhook-subscription.entity";

/** How long the secret before a rotation keeps signing beside the new one. */
export const ROTATION_OVERLAP_HOURS = 24;
const MAX_DESCRIPTION = 500;
const DELIVERY_LIST = "webhook_delivery";

export interface SubscriptionInput {
  url?: string | null;
  events?: WebhookDeliveryType[] | null;
  /** The campaign's uuid, or null for every campaign; undefined: unchanged. */
  campaignUuid?: string | null;
  description?: string | null;
}

/** One subject an event is about, with the campaign it belongs to (for campaign-scoped subscriptions). */
export interface WebhookEventSubject {
  uuid: string;
  campaignId: string | null;
}

interface ActiveSubscription {
  id: string;
  events: string[];
  campaign_id: string | null;
}

const ACTIVE_SUBSCRIPTIONS = Symbol("active webhook subscriptions");

function mapDelivery(row: Record<string, unknown>, attempts: WebhookDelivery["attempts"] = []): WebhookDelivery {
  return Object.assign(new WebhookDelivery(), {
    tenantId: row.tenant_id as string,
    uuid: row.id as string,
    subscriptionId: row.subscription_id as string,
    type: row.event_type as WebhookDeliveryType,
    status: row.status as WebhookDeliveryStatus,
    body: row.body as string,
    createdAt: new Date(row.created_at as string),
    nextAttemptAt: row.status === "PENDING" ? new Date(row.next_attempt_at as string) : null,
    deliveredAt: row.delivered_at ? new Date(row.delivered_at as string) : null,
    attempts,
  });
}

export class WebhookSubscriptionService {
  private checkUrl(ctx: RequestContext, url: string): string {
    const trimmed = url.trim();
    const problem = checkWebhookUrl(trimmed, ctx.app.config.webhooks.allowPrivate);
    if (problem) fail(WebhookSubscriptionErrorCode[problem.code], problem.message, ["input", "url"]);
    return trimmed;
  }

  private checkEvents(events: WebhookDeliveryType[]): WebhookEventType[] {
    if (events.length === 0)
      fail(WebhookSubscriptionErrorCode.NO_EVENTS, "Choose at least one event.", ["input", "events"]);
    const chosen = [...new Set(events)];
    if (chosen.some((e) => !(WEBHOOK_EVENT_TYPES as readonly string[]).includes(e)))
      fail(WebhookSubscriptionErrorCode.INVALID_EVENT, "TEST cannot be subscribed to: use sendTestWebhook.", [
        "input",
        "events",
      ]);
    return chosen as WebhookEventType[];
  }

  private checkDescription(description: string | null | undefined): string | null {
    const d = description?.trim() || null;
    if (d && d.length > MAX_DESCRIPTION)
      fail(
        WebhookSubscriptionErrorCode.INVALID_DESCRIPTION,
        `description must be at most ${MAX_DESCRIPTION} characters.`,
        ["input", "description"],
      );
    return d;
  }

  private async checkCampaign(ctx: RequestContext, uuid: string | null): Promise<string | null> {
    if (uuid === null) return null;
    if (!(await campaignService.findById(ctx, uuid)))
      fail(CommonErrorCode.NOT_FOUND, "No campaign with that id.", ["input", "campaignId"]);
    return uuid;
  }

  async findById(ctx: RequestContext, uuid: string): Promise<WebhookSubscription | null> {
    const em = await ctx.db();
    return em.getRepository(WebhookSubscription).findOne({ where: { tenantId: ctx.tenantId, uuid } });
  }

  async findByIds(ctx: RequestContext, uuids: readonly string[]): Promise<WebhookSubscription[]> {
    if (uuids.length === 0) return [];
    const em = await ctx.db();
    return em.getRepository(WebhookSubscription).find({ where: { tenantId: ctx.tenantId, uuid: In([...uuids]) } });
  }

  private async existing(ctx: RequestContext, uuid: string | null): Promise<WebhookSubscription> {
    const found = uuid ? await this.findById(ctx, uuid) : null;
    if (!found) fail(CommonErrorCode.NOT_FOUND, "No webhook subscription with that id.", ["input", "id"]);
    return found;
  }

  async list(
    ctx: RequestContext,
    args: { first: number; after?: string | null },
  ): Promise<Connection<WebhookSubscription>> {
    const em = await ctx.db();
    const qb = em
      .getRepository(WebhookSubscription)
      .createQueryBuilder("webhook_subscription")
      .where("webhook_subscription.tenant_id = :tenantId", { tenantId: ctx.tenantId });
    return pageOf(qb, "webhook_subscription", args);
  }

  /** createWebhookSubscription: the subscription and its signing secret, shown this once. */
  async create(
    ctx: RequestContext,
    input: Required<Pick<SubscriptionInput, "url" | "events">> & SubscriptionInput,
  ): Promise<{ subscription: WebhookSubscription; secret: string }> {
    const url = this.checkUrl(ctx, input.url ?? "");
    const events = this.checkEvents(input.events ?? []);
    const description = this.checkDescription(input.description);
    const campaignId = await this.checkCampaign(ctx, input.campaignUuid ?? null);
    const secret = newSigningSecret();
    const em = await ctx.db();
    const repo = em.getRepository(WebhookSubscription);
    const saved = await repo.save(
      repo.create({
        tenantId: ctx.tenantId,
        url,
        events,
        campaignId,
        description,
        status: "ACTIVE",
        disabledReason: null,
        secret: encryptSecret(secret, ctx.app.config.webhooks.secretKey),
        previousSecret: null,
        previousSecretExpiresAt: null,
        failingSince: null,
      }),
      WITHIN_TENANT_TRANSACTION,
    );
    return { subscription: (await this.findById(ctx, saved.uuid))!, secret };
  }

  async update(ctx: RequestContext, uuid: string | null, input: SubscriptionInput): Promise<WebhookSubscription> {
    const current = await this.existing(ctx, uuid);
    const url = input.url !== null && input.url !== undefined ? this.checkUrl(ctx, input.url) : current.url;
    const events =
      input.events !== null && input.events !== undefined ? this.checkEvents(input.events) : current.events;
    const description =
      input.description !== undefined ? this.checkDescription(input.description) : current.description;
    const campaignId =
      input.campaignUuid !== undefined ? await this.checkCampaign(ctx, input.campaignUuid) : current.campaignId;
    const em = await ctx.db();
    await em.query(
      `UPDATE webhook_subscriptions SET url = $3, events = $4, description = $5, campaign_id = $6, updated_at = now()
        WHERE tenant_id = $1 AND id = $2`,
      [ctx.tenantId, current.uuid, url, events, description, campaignId],
    );
    return (await this.findById(ctx, current.uuid))!;
  }

  /** Pause (nothing is sent while paused), or resume: also re-enables a DISABLED subscription, whose waiting messages are then due at once. */
  async setPaused(ctx: RequestContext, uuid: string | null, paused: boolean): Promise<WebhookSubscription> {
    const current = await this.existing(ctx, uuid);
    const em = await ctx.db();
    if (paused) {
      await em.query(
        `UPDATE webhook_subscriptions SET status = 'PAUSED', updated_at = now() WHERE tenant_id = $1 AND id = $2 AND status = 'ACTIVE'`,
        [ctx.tenantId, current.uuid],
      );
    } else if (current.status !== "ACTIVE") {
      await em.query(
        `UPDATE webhook_subscriptions SET status = 'ACTIVE', disabled_reason = NULL, failing_since = NULL, updated_at = now()
          WHERE tenant_id = $1 AND id = $2`,
        [ctx.tenantId, current.uuid],
      );
      const [waiting]: [Array<{ id: string; attempts: number }>, number] = await em.query(
        `UPDATE webhook_deliveries SET next_attempt_at = now(), retry_since = now()
          WHERE tenant_id = $1 AND subscription_id = $2 AND status = 'PENDING' RETURNING id, attempts`,
        [ctx.tenantId, current.uuid],
      );
      // Their jobs found the subscription inactive and were dropped: each gets a new one.
      await enqueueDeliveries(
        ctx,
        waiting.map((d) => ({ id: d.id, attempt: d.attempts })),
      );
      this.wakeAfterCommit(ctx);
    }
    return (await this.findById(ctx, current.uuid))!;
  }

  async delete(ctx: RequestContext, uuid: string | null): Promise<string> {
    const current = await this.existing(ctx, uuid);
    const em = await ctx.db();
    await em.query("DELETE FROM webhook_subscriptions WHERE tenant_id = $1 AND id = $2", [ctx.tenantId, current.uuid]);
    return current.uuid;
  }

  /** A new secret, shown this once; the one it replaces keeps signing beside it for 24 hours. */
  async rotateSecret(
    ctx: RequestContext,
    uuid: string | null,
  ): Promise<{ subscription: WebhookSubscription; secret: string }> {
    const current = await this.existing(ctx, uuid);
    const secret = newSigningSecret();
    const em = await ctx.db();
    await em.query(
      `UPDATE webhook_subscriptions
          SET previous_secret = secret, secret = $3,
              previous_secret_expires_at = now() + make_interval(hours => $4), updated_at = now()
        WHERE tenant_id = $1 AND id = $2`,
      [ctx.tenantId, current.uuid, encryptSecret(secret, ctx.app.config.webhooks.secretKey), ROTATION_OVERLAP_HOURS],
    );
    return { subscription: (await this.findById(ctx, current.uuid))!, secret };
  }

  // -------------------------------------------------------------------------------------
  // Deliveries

  private async attemptsOf(
    ctx: RequestContext,
    deliveryIds: string[],
  ): Promise<Map<string, WebhookDelivery["attempts"]>> {
    const out = new Map<string, WebhookDelivery["attempts"]>();
    if (deliveryIds.length === 0) return out;
    const em = await ctx.db();
    const rows: Array<Record<string, unknown>> = await em.query(
      `SELECT delivery_id, attempt, attempted_at, http_status, latency_ms, error FROM webhook_delivery_attempts
        WHERE tenant_id = $1 AND delivery_id = ANY($2::uuid[]) ORDER BY delivery_id, attempt`,
      [ctx.tenantId, deliveryIds],
    );
    for (const r of rows) {
      const list = out.get(r.delivery_id as string) ?? [];
      list.push({
        attempt: r.attempt as number,
        attemptedAt: new Date(r.attempted_at as string),
        httpStatus: (r.http_status as number | null) ?? null,
        latencyMs: r.latency_ms as number,
        error: (r.error as string | null) ?? null,
      });
      out.set(r.delivery_id as string, list);
    }
    return out;
  }

  async deliveries(
    ctx: RequestContext,
    subscriptionUuid: string,
    args: { first: number; after?: string | null },
    filter: { status?: WebhookDeliveryStatus | null; type?: WebhookDeliveryType | null },
  ): Promise<Connection<WebhookDelivery>> {
    checkPageSize(args.first);
    const params: unknown[] = [ctx.tenantId, subscriptionUuid];
    let where = "tenant_id = $1 AND subscription_id = $2";
    if (filter.status) where += ` AND status = $${params.push(filter.status)}`;
    if (filter.type) where += ` AND event_type = $${params.push(filter.type)}`;
    // totalCount: the same conditions without the cursor (the tenant-subscription-created index).
    const counted = { where, params: [...params] };
    if (args.after) {
      const { createdAt, uuid } = decodeCursor(args.after, DELIVERY_LIST);
      where += ` AND (created_at, id) < ($${params.push(createdAt)}, $${params.push(uuid)})`;
    }
    const em = await ctx.db();
    const rows: Array<Record<string, unknown>> = await em.query(
      `SELECT * FROM webhook_deliveries WHERE ${where} ORDER BY created_at DESC, id DESC LIMIT ${args.first + 1}`,
      params,
    );
    const attempts = await this.attemptsOf(
      ctx,
      rows.slice(0, args.first).map((r) => r.id as string),
    );
    return connectionOf(
      rows.map((r) => mapDelivery(r, attempts.get(r.id as string) ?? [])),
      args.first,
      DELIVERY_LIST,
      async () => {
        const [row] = (await em.query(
          `SELECT count(*)::int AS n FROM webhook_deliveries WHERE ${counted.where}`,
          counted.params,
        )) as Array<{ n: number }>;
        return row?.n ?? 0;
      },
    );
  }

  async findDelivery(ctx: RequestContext, uuid: string): Promise<WebhookDelivery | null> {
    const em = await ctx.db();
    const rows: Array<Record<string, unknown>> = await em.query(
      "SELECT * FROM webhook_deliveries WHERE tenant_id = $1 AND id = $2",
      [ctx.tenantId, uuid],
    );
    if (!rows[0]) return null;
    return mapDelivery(rows[0], (await this.attemptsOf(ctx, [uuid])).get(uuid) ?? []);
  }

  /** redeliverWebhook: the same message (same webhook-id, same body) is due again now. */
  async redeliver(ctx: RequestContext, uuid: string | null): Promise<WebhookDelivery> {
    const found = uuid ? await this.findDelivery(ctx, uuid) : null;
    if (!found) fail(CommonErrorCode.NOT_FOUND, "No webhook delivery with that id.", ["input", "deliveryId"]);
    const em = await ctx.db();
    const [[delivery]]: [Array<{ attempts: number }>, number] = await em.query(
      `UPDATE webhook_deliveries SET status = 'PENDING', next_attempt_at = now(), retry_since = now(), delivered_at = NULL
        WHERE tenant_id = $1 AND id = $2 RETURNING attempts`,
      [ctx.tenantId, found.uuid],
    );
    await enqueueDeliveries(ctx, [{ id: found.uuid, attempt: delivery.attempts }]);
    this.wakeAfterCommit(ctx);
    return (await this.findDelivery(ctx, found.uuid))!;
  }

  /** sendTestWebhook: a webhook.test message to the subscription, whatever events it chose. */
  async sendTest(ctx: RequestContext, subscriptionUuid: string | null): Promise<WebhookDelivery> {
    const sub = await this.existing(ctx, subscriptionUuid);
    const body = webhookBody("TEST", new Date(), {
      subscriptionId: toGlobalId("WebhookSubscription", sub.uuid),
      message: "A test message from Rebound: verify its signature as you verify every other.",
    });
    const em = await ctx.db();
    const rows: Array<{ id: string }> = await em.query(
      `INSERT INTO webhook_deliveries (tenant_id, subscription_id, event_type, body) VALUES ($1, $2, 'TEST', $3) RETURNING id`,
      [ctx.tenantId, sub.uuid, body],
    );
    await enqueueDeliveries(ctx, [{ id: rows[0].id, attempt: 0 }]);
    this.wakeAfterCommit(ctx);
    return (await this.findDelivery(ctx, rows[0].id))!;
  }

  private wakeAfterCommit(ctx: RequestContext): void {
    const wake = ctx.app.wakeWebhooks;
    if (wake) ctx.tx.afterCommit(wake);
  }

  /** The tenant's active subscriptions, read once per operation (one statement, however many events it enqueues). */
  private activeSubscriptions(ctx: RequestContext): Promise<ActiveSubscription[]> {
    return ctx.operationScoped(ACTIVE_SUBSCRIPTIONS, async () => {
      const em = await ctx.db();
      return (await em.query(
        "SELECT id, events, campaign_id FROM webhook_subscriptions WHERE tenant_id = $1 AND status = 'ACTIVE'",
        [ctx.tenantId],
      )) as ActiveSubscription[];
    });
  }

  /**
   * Enqueues one message per matching subscription and subject, in the caller's transaction:
   * they exist exactly when the event does. `data` is the subject's GraphQL type, read now.
   */
  async enqueue(ctx: RequestContext, type: WebhookEventType, subjects: readonly WebhookEventSubject[]): Promise<void> {
    if (subjects.length === 0) return;
    const subscriptions = (await this.activeSubscriptions(ctx)).filter((s) => s.events.includes(type));
    if (subscriptions.length === 0) return;
    const pairs: Array<{ subscription: string; subject: string }> = [];
    for (const subject of subjects) {
      for (const s of subscriptions) {
        if (s.campaign_id === null || s.campaign_id === subject.campaignId)
          pairs.push({ subscription: s.id, subject: subject.uuid });
      }
    }
    if (pairs.length === 0) return;
    const data = await serializeNodes(ctx, WEBHOOK_DATA_TYPES[type], [...new Set(pairs.map((p) => p.subject))]);
    const now = new Date();
    const bodies = new Map([...data].map(([uuid, d]) => [uuid, webhookBody(type, now, d)]));
    const rows = pairs.filter((p) => bodies.has(p.subject));
    if (rows.length === 0) return;
    const em = await ctx.db();
    const inserted: Array<{ id: string }> = await em.query(
      `INSERT INTO webhook_deliveries (tenant_id, subscription_id, event_type, body)
       SELECT $1, s, $2, b FROM unnest($3::uuid[], $4::text[]) AS t(s, b) RETURNING id`,
      [ctx.tenantId, type, rows.map((r) => r.subscription), rows.map((r) => bodies.get(r.subject)!)],
    );
    await enqueueDeliveries(
      ctx,
      inserted.map((d) => ({ id: d.id, attempt: 0 })),
    );
    this.wakeAfterCommit(ctx);
  }
}

export const webhookSubscriptionService = new WebhookSubscriptionService();
