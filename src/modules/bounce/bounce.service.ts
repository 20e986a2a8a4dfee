import { In } from "typeorm";
import {
  analyzeMessage,
  textToBinaryString,
  analyzeSmtpReply,
  type BounceDiagnosis,
  type BounceFault,
  type BounceReason,
  type BounceType,
  type MessageAnalysis,
} from "../../core/bounce";
import type { MailboxProvider } from "../../core/providers";
import type { BounceSource } from "../../platform/graphql/enums";
import type { RequestContext } from "../../platform/context";
import type { Connection } from "../../platform/graphql/connection";
import { NEWEST_FIRST, pageOf, type KeysetOrder } from "../../platform/db/keyset";
import { campaignService } from "../campaign";
import { inboxService } from "../inbox";
import { BounceEvent } from "./bounce-event.entity";

export interface BounceEventFilter {
  campaignUuid?: string | null;
  inboxUuid?: string | null;
  recipient?: string | null;
  occurredFrom?: Date | null;
  occurredTo?: Date | null;
  reason?: BounceReason | null;
  fault?: BounceFault | null;
  provider?: MailboxProvider | null;
  bounceType?: BounceType | null;
}

export interface BounceEventOrder {
  field: "CREATED_AT" | "OCCURRED_AT";
  direction: "ASC" | "DESC";
}

/** The keyset order of a list of bounce events. */
export function bounceEventOrder(order: BounceEventOrder | null): KeysetOrder {
  if (!order) return NEWEST_FIRST;
  return order.field === "OCCURRED_AT"
    ? { column: "occurred_at", property: "occurredAt", direction: order.direction }
    : { column: "created_at", property: "createdAt", direction: order.direction };
}

/** A bounce event to store: where it came from and the classifier's diagnosis. */
export interface NewBounceEvent {
  campaignId: string | null;
  inboxId: string | null;
  dedupeKey: string;
  source: BounceSource;
  recipient: string;
  recipientDomain: string;
  provider: MailboxProvider;
  diagnosis: BounceDiagnosis;
  messageId: string | null;
  vendorFields: unknown;
  occurredAt: Date;
}

export interface RecentFaults {
  authFailures: number;
  blocklistRejections: number;
  catchAllBlocks: number;
  exampleEventIds: string[];
}

export class BounceService {
  /**
   * A whole message's analysis, off the event loop when the process has a classifier pool
   * (the server does; one-shot commands classify inline). Past the pool's deadline the
   * answer is an analysis with `error` set, never a hung request. `text` is the message as
   * the API received it, decoded text: its UTF-8 bytes are what is read.
   */
  analyzeMessage(ctx: RequestContext, text: string): Promise<MessageAnalysis> {
    const raw = textToBinaryString(text);
    return ctx.app.classifier ? ctx.app.classifier.analyze(raw) : Promise.resolve(analyzeMessage(raw));
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
    order: BounceEventOrder | null = null,
  ): Promise<Connection<BounceEvent>> {
    return pageOf(await this.listQuery(ctx, filter), "b", args, bounceEventOrder(order));
  }

  /** The tenant's events meeting a filter (each condition has its index: migrations/…-index-list-filters). */
  async listQuery(ctx: RequestContext, filter: BounceEventFilter) {
    const em = await ctx.db();
    const qb = em
      .getRepository(BounceEvent)
      .createQueryBuilder("b")
      .where("b.tenant_id = :tenantId", { tenantId: ctx.tenantId });
    if (filter.campaignUuid) qb.andWhere("b.campaign_id = :campaignId", { campaignId: filter.campaignUuid });
    if (filter.inboxUuid) qb.andWhere("b.inbox_id = :inboxId", { inboxId: filter.inboxUuid });
    if (filter.recipient) qb.andWhere("b.recipient = :recipient", { recipient: filter.recipient.trim().toLowerCase() });
    if (filter.occurredFrom) qb.andWhere("b.occurred_at >= :occurredFrom", { occurredFrom: filter.occurredFrom });
    if (filter.occurredTo) qb.andWhere("b.occurred_at < :occurredTo", { occurredTo: filter.occurredTo });
    if (filter.reason) qb.andWhere("b.reason = :reason", { reason: filter.reason });
    if (filter.fault) qb.andWhere("b.fault = :fault", { fault: filter.fault });
    if (filter.provider) qb.andWhere("b.recipient_provider = :provider", { provider: filter.provider });
    if (filter.bounceType) qb.andWhere("b.bounce_type = :bounceType", { bounceType: filter.bounceType });
    return qb;
  }

  /**
   * Events for real-time delivery, each with the domain it was sent from (its campaign's
   * domain, else its inbox's) so subscribers can filter by domain.
   */
  async loadForDelivery(ctx: RequestContext, uuids: readonly string[]): Promise<BounceEvent[]> {
    const events = await this.findByIds(ctx, uuids);
    // The sending domain comes from the campaign (else the inbox), through their services.
    const campaignIds = [...new Set(events.map((e) => e.campaignId).filter((id): id is string => !!id))];
    const inboxIds = [...new Set(events.filter((e) => !e.campaignId && e.inboxId).map((e) => e.inboxId!))];
    const domainOf = new Map<string, string>();
    for (const c of await campaignService.findByIds(ctx, campaignIds)) domainOf.set(c.uuid, c.domainId);
    for (const i of await inboxService.findByIds(ctx, inboxIds)) domainOf.set(i.uuid, i.domainId);
    const order = new Map(uuids.map((id, i) => [id, i]));
    return events
      .map((e) =>
        Object.assign(e, {
          domainId: (e.campaignId && domainOf.get(e.campaignId)) || (e.inboxId && domainOf.get(e.inboxId)) || null,
        }),
      )
      .sort((a, b) => (order.get(a.uuid) ?? 0) - (order.get(b.uuid) ?? 0));
  }

  /**
   * Inserts the events whose dedupe key is new, in one statement, and returns only those
   * (ON CONFLICT DO NOTHING RETURNING: race-free under concurrent ingests of the same keys).
   * Rows should come sorted by dedupe key, so concurrent batches lock in one order.
   */
  async insertIfNew(
    ctx: RequestContext,
    rows: readonly NewBounceEvent[],
  ): Promise<Array<{ id: string; dedupe_key: string; created_at: Date }>> {
    if (rows.length === 0) return [];
    const em = await ctx.db();
    const col = <T>(f: (it: NewBounceEvent) => T) => rows.map(f);
    return em.query(
      `INSERT INTO bounce_events (
         tenant_id, campaign_id, inbox_id, dedupe_key, source, recipient, recipient_domain, recipient_provider,
         reason, bounce_type, hard_bounce, fault, variant, status, reply_code, diagnostic_code, remote_mta,
         reporting_mta, feedback_type, auth_results, likely_cause, first_action, evidence, rule_version,
         message_id, vendor_fields, occurred_at)
       SELECT $1, x.campaign_id, x.inbox_id, x.dedupe_key, x.source, x.recipient, x.recipient_domain, x.recipient_provider,
              x.reason, x.bounce_type, x.hard_bounce, x.fault, x.variant, x.status, x.reply_code, x.diagnostic_code, x.remote_mta,
              x.reporting_mta, x.feedback_type, x.auth_results::jsonb, x.likely_cause, x.first_action,
              string_to_array(x.evidence, E'\\x1f'), x.rule_version, x.message_id, x.vendor_fields::jsonb, x.occurred_at
         FROM unnest($2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
                     $9::text[], $10::text[], $11::boolean[], $12::text[], $13::text[], $14::text[], $15::integer[], $16::text[], $17::text[],
                     $18::text[], $19::text[], $20::text[], $21::text[], $22::text[], $23::text[], $24::text[],
                     $25::text[], $26::text[], $27::timestamptz[])
              WITH ORDINALITY AS x(campaign_id, inbox_id, dedupe_key, source, recipient, recipient_domain, recipient_provider,
                     reason, bounce_type, hard_bounce, fault, variant, status, reply_code, diagnostic_code, remote_mta,
                     reporting_mta, feedback_type, auth_results, likely_cause, first_action, evidence, rule_version,
                     message_id, vendor_fields, occurred_at, ord)
        ORDER BY x.ord
       ON CONFLICT (tenant_id, dedupe_key) DO NOTHING
       RETURNING id, dedupe_key, created_at`,
      [
        ctx.tenantId,
        col((it) => it.campaignId),
        col((it) => it.inboxId),
        col((it) => it.dedupeKey),
        col((it) => it.source),
        col((it) => it.recipient),
        col((it) => it.recipientDomain),
        col((it) => it.provider),
        col((it) => it.diagnosis.reason),
        col((it) => it.diagnosis.bounceType),
        col((it) => it.diagnosis.hardBounce),
        col((it) => it.diagnosis.fault),
        col((it) => it.diagnosis.variant),
        col((it) => it.diagnosis.status),
        col((it) => it.diagnosis.replyCode),
        col((it) => it.diagnosis.diagnosticCode),
        col((it) => it.diagnosis.remoteMta),
        col((it) => it.diagnosis.reportingMta),
        col((it) => it.diagnosis.feedbackType),
        col((it) => (it.diagnosis.authResults ? JSON.stringify(it.diagnosis.authResults) : null)),
        col((it) => it.diagnosis.likelyCause),
        col((it) => it.diagnosis.firstAction),
        // Unit separator (U+001F) joins the evidence lines in one COPY field, so none may hold one.
        // eslint-disable-next-line no-control-regex -- the control character is the point
        col((it) => it.diagnosis.evidence.map((s) => s.replace(/\x1f/g, " ")).join("\x1f")),
        col((it) => it.diagnosis.ruleVersion),
        col((it) => it.messageId),
        col((it) =>
          it.vendorFields === null || it.vendorFields === undefined ? null : JSON.stringify(it.vendorFields),
        ),
        col((it) => it.occurredAt),
      ],
    );
  }

  async findByDedupeKeys(ctx: RequestContext, keys: readonly string[]): Promise<BounceEvent[]> {
    if (keys.length === 0) return [];
    const em = await ctx.db();
    return em.getRepository(BounceEvent).find({ where: { tenantId: ctx.tenantId, dedupeKey: In([...keys]) } });
  }

  /** Sender-side rejections per campaign since a time, for the alert burst rules (one statement). */
  async recentFaultCounts(
    ctx: RequestContext,
    campaignUuids: readonly string[],
    since: Date,
  ): Promise<Map<string, RecentFaults>> {
    const result = new Map<string, RecentFaults>();
    if (campaignUuids.length === 0) return result;
    const em = await ctx.db();
    const rows: Array<{ campaign_id: string; auth: string; blocklist: string; catch_all: string; examples: string[] }> =
      await em.query(
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
