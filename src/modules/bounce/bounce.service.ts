import { In } from "typeorm";
import { analyzeMessage, analyzeSmtpReply } from "../../core/bounce";
import type { RequestContext } from "../../context";
import type { Connection } from "../../graphql/connection";
import { pageOf } from "../../db/keyset";
import { BounceEvent } from "./bounce-event.entity";

export interface BounceEventFilter {
  campaignUuid?: string | null;
  inboxUuid?: string | null;
  recipient?: string | null;
}

export interface RecentFaults {
  authFailures: number;
  blocklistRejections: number;
  catchAllBlocks: number;
  exampleEventIds: string[];
}

export class BounceService {
  analyzeMessage(raw: string) {
    return analyzeMessage(raw);
  }

  analyzeSmtpReply(text: string, recipient?: string | null) {
    return analyzeSmtpReply(text, recipient ?? null);
  }

  async findById(ctx: RequestContext, uuid: string): Promise<BounceEvent | null> {
    const em = await ctx.db();
    return em.getRepository(BounceEvent).findOne({ where: { tenantId: ctx.tenantId, uuid } });
  }

  async findByIds(ctx: RequestContext, uuids: readonly string[]): Promise<BounceEvent[]> {
    if (uuids.length === 0) return [];
    const em = await ctx.db();
    return em.getRepository(BounceEvent).find({ where: { tenantId: ctx.tenantId, uuid: In([...uuids]) } });
  }

  async list(
    ctx: RequestContext,
    args: { first: number; after?: string | null },
    filter: BounceEventFilter,
  ): Promise<Connection<BounceEvent>> {
    const em = await ctx.db();
    const qb = em.getRepository(BounceEvent).createQueryBuilder("b").where("b.tenant_id = :tenantId", { tenantId: ctx.tenantId });
    if (filter.campaignUuid) qb.andWhere("b.campaign_id = :campaignId", { campaignId: filter.campaignUuid });
    if (filter.inboxUuid) qb.andWhere("b.inbox_id = :inboxId", { inboxId: filter.inboxUuid });
    if (filter.recipient) qb.andWhere("b.recipient = :recipient", { recipient: filter.recipient.trim().toLowerCase() });
    return pageOf(qb, "b", args);
  }

  /**
   * Events for real-time delivery, each with the domain it was sent from (its campaign's
   * domain, else its inbox's) so subscribers can filter by domain.
   */
  async loadForDelivery(ctx: RequestContext, uuids: readonly string[]): Promise<BounceEvent[]> {
    if (uuids.length === 0) return [];
    const em = await ctx.db();
    // One statement: this runs in every server process for every announced batch.
    const { entities, raw } = await em
      .getRepository(BounceEvent)
      .createQueryBuilder("b")
      .leftJoin("campaigns", "c", "c.tenant_id = b.tenant_id AND c.id = b.campaign_id")
      .leftJoin("inboxes", "i", "i.tenant_id = b.tenant_id AND i.id = b.inbox_id")
      .addSelect("coalesce(c.domain_id, i.domain_id)", "sending_domain_id")
      .where("b.tenant_id = :tenantId AND b.id = ANY(:ids::uuid[])", { tenantId: ctx.tenantId, ids: [...uuids] })
      .getRawAndEntities<{ b_id: string; sending_domain_id: string | null }>();
    const domainOf = new Map(raw.map((r) => [r.b_id, r.sending_domain_id]));
    const order = new Map(uuids.map((id, i) => [id, i]));
    return entities
      .map((e) => Object.assign(e, { domainId: domainOf.get(e.uuid) ?? null }))
      .sort((a, b) => (order.get(a.uuid) ?? 0) - (order.get(b.uuid) ?? 0));
  }

  /** Sender-side rejections per campaign since a time, for the alert burst rules (one statement). */
  async recentFaultCounts(ctx: RequestContext, campaignUuids: readonly string[], since: Date): Promise<Map<string, RecentFaults>> {
    const result = new Map<string, RecentFaults>();
    if (campaignUuids.length === 0) return result;
    const em = await ctx.db();
    const rows: Array<{ campaign_id: string; auth: string; blocklist: string; catch_all: string; examples: string[] }> = await em.query(
      `SELECT campaign_id,
              count(*) FILTER (WHERE fault = 'SENDER_AUTHENTICATION') AS auth,
              count(*) FILTER (WHERE reason IN ('blocked', 'badreputation') OR status = '5.4.1' OR fault = 'SENDER_REPUTATION') AS blocklist,
              count(*) FILTER (WHERE variant = 'CATCH_ALL_BLOCK') AS catch_all,
              (array_agg(id ORDER BY created_at DESC) FILTER (WHERE fault IN ('SENDER_AUTHENTICATION', 'SENDER_REPUTATION') OR reason IN ('blocked', 'badreputation') OR variant = 'CATCH_ALL_BLOCK'))[1:5] AS examples
         FROM bounce_events
        WHERE tenant_id = $1 AND campaign_id = ANY($2::uuid[]) AND created_at >= $3
        GROUP BY campaign_id`,
      [ctx.tenantId, campaignUuids, since],
    );
    for (const r of rows) {
      result.set(r.campaign_id, {
        authFailures: Number(r.auth),
        blocklistRejections: Number(r.blocklist),
        catchAllBlocks: Number(r.catch_all),
        exampleEventIds: r.examples ?? [],
      });
    }
    return result;
  }
}

export const bounceService = new BounceService();
