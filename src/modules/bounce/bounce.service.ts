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
}

export const bounceService = new BounceService();
