import DataLoader from "dataloader";
import { WITHIN_TENANT_TRANSACTION } from "../../platform/db/tenant-transaction";
import { byUuid } from "../../platform/db/loaded-rows";
import { In } from "typeorm";
import type { RequestContext } from "../../platform/context";
import { checkPageSize, type Connection } from "../../platform/graphql/connection";
import { uuidOf } from "../../platform/graphql/global-id";
import { fail, CommonErrorCode } from "../../platform/graphql/user-error";
import { connectionWith } from "../../platform/db/keyset";
import { domainService } from "../domain";
import type { Inbox } from "../inbox";
import { inboxService } from "../inbox";
import { Campaign, CAMPAIGN_STATUSES, type CampaignStatus } from "./campaign.entity";
import { inboxById } from "../inbox";
import {
  CAMPAIGN_PAGE_READERS,
  campaignCountSql,
  campaignCursor,
  campaignPageSql,
  checkCampaignPage,
  NEWEST_CAMPAIGNS_FIRST,
  type CampaignFilter,
  type CampaignOrder,
  type CampaignPageRequest,
} from "./campaign.pages";
import { CampaignErrorCode } from "./campaign.errors";

function checkName(name: string | null | undefined): string {
  const trimmed = name?.trim() ?? "";
  if (trimmed.length < 1 || trimmed.length > 200)
    fail(CommonErrorCode.INVALID_NAME, "Name must be 1 to 200 characters.", ["input", "name"]);
  return trimmed;
}

function checkStatus(status: string | null | undefined, current?: CampaignStatus): void {
  if (!status) return;
  if (!CAMPAIGN_STATUSES.includes(status as CampaignStatus)) {
    fail(CampaignErrorCode.INVALID_STATUS, `status must be one of ${CAMPAIGN_STATUSES.join(", ")}.`, [
      "input",
      "status",
    ]);
  }
  if (current === "COMPLETED" && status !== "COMPLETED") {
    fail(CampaignErrorCode.INVALID_STATUS_TRANSITION, "A COMPLETED campaign cannot change status.", [
      "input",
      "status",
    ]);
  }
}

/** A campaign read by a statement of its own (the columns TypeORM would hydrate), as the entity. */
export function campaignOf(row: {
  tenantId: string;
  uuid: string;
  domainId: string;
  name: string;
  status: CampaignStatus;
  createdAt: Date;
  updatedAt: Date;
  bounceRate: number;
}): Campaign {
  const campaign = new Campaign();
  campaign.tenantId = row.tenantId;
  campaign.uuid = row.uuid;
  campaign.domainId = row.domainId;
  campaign.name = row.name;
  campaign.status = row.status;
  campaign.createdAt = row.createdAt;
  campaign.updatedAt = row.updatedAt;
  campaign.bounceRate = row.bounceRate;
  return campaign;
}

export class CampaignService {
  async findById(ctx: RequestContext, uuid: string): Promise<Campaign | null> {
    return (await campaignById(ctx).load(uuid)) ?? null;
  }

  async findByIds(ctx: RequestContext, uuids: readonly string[]): Promise<Campaign[]> {
    if (uuids.length === 0) return [];
    const em = await ctx.db();
    return em.getRepository(Campaign).find({ where: { tenantId: ctx.tenantId, uuid: In([...uuids]) } });
  }

  async require(ctx: RequestContext, uuid: string | null, field: string[]): Promise<Campaign> {
    const campaign = uuid ? await this.findById(ctx, uuid) : null;
    if (!campaign) fail(CommonErrorCode.NOT_FOUND, "No campaign with that id.", field);
    return campaign;
  }

  /**
   * A page of the tenant's campaigns meeting the filter, in the order (newest first by
   * default). A page reader plugged into CAMPAIGN_PAGE_READERS may read it instead, with what
   * it shows of each campaign.
   */
  async list(
    ctx: RequestContext,
    args: { first: number; after?: string | null },
    fields: ReadonlySet<string> = new Set(),
    order: CampaignOrder = NEWEST_CAMPAIGNS_FIRST,
    filter: CampaignFilter = {},
  ): Promise<Connection<Campaign>> {
    checkPageSize(args.first);
    const request: CampaignPageRequest = { first: args.first, after: args.after, order, filter, fields };
    checkCampaignPage(request);
    const cursorOf = (c: Campaign) => campaignCursor(c, order);
    const count = () => this.count(ctx, filter);
    for (const reader of ctx.app.extensions.of(CAMPAIGN_PAGE_READERS)) {
      const rows = reader.read(ctx, request);
      if (rows) return connectionWith(await rows, args.first, cursorOf, count);
    }
    const page = this.pageStatement(ctx, request);
    const em = await ctx.db();
    const rows: Array<{
      id: string;
      domain_id: string;
      name: string;
      status: CampaignStatus;
      created_at: Date;
      updated_at: Date;
      bounce_rate: number;
    }> = await em.query(page.sql, page.values);
    const campaigns = rows.map((r) =>
      campaignOf({
        tenantId: ctx.tenantId,
        uuid: r.id,
        domainId: r.domain_id,
        name: r.name,
        status: r.status,
        createdAt: r.created_at,
        updatedAt: r.updated_at,
        bounceRate: r.bounce_rate,
      }),
    );
    return connectionWith(campaigns, args.first, cursorOf, count);
  }

  /** The statement of a page as the list runs it (tenant, page size, then the filter's and cursor's values). */
  pageStatement(
    ctx: RequestContext,
    request: Pick<CampaignPageRequest, "first" | "after" | "order" | "filter">,
  ): { sql: string; values: unknown[] } {
    const page = campaignPageSql(request, { tenant: "$1", first: "$2", firstParam: 3 });
    return { sql: page.sql, values: [ctx.tenantId, request.first, ...page.values] };
  }

  /** totalCount's statement: count(*) over the filter's conditions, an index-only count where an index covers them. */
  countStatement(ctx: RequestContext, filter: CampaignFilter): { sql: string; values: unknown[] } {
    const count = campaignCountSql(filter, { tenant: "$1", firstParam: 2 });
    return { sql: count.sql, values: [ctx.tenantId, ...count.values] };
  }

  /** How many of the tenant's campaigns meet the filter (totalCount of the list). */
  async count(ctx: RequestContext, filter: CampaignFilter = {}): Promise<number> {
    const { sql, values } = this.countStatement(ctx, filter);
    const em = await ctx.db();
    const [row] = (await em.query(sql, values)) as Array<{ n: string }>;
    return Number(row?.n ?? 0);
  }

  /** Inboxes of many campaigns in one statement (the DataLoader's batch function). */
  async inboxesOf(ctx: RequestContext, campaignUuids: readonly string[]): Promise<Map<string, Inbox[]>> {
    const em = await ctx.db();
    const rows: Array<{ campaign_id: string; inbox_id: string }> = await em.query(
      `SELECT campaign_id, inbox_id FROM campaign_inboxes
        WHERE tenant_id = $1 AND campaign_id = ANY($2::uuid[]) ORDER BY position, inbox_id`,
      [ctx.tenantId, campaignUuids],
    );
    const inboxes = await inboxById(ctx).loadMany([...new Set(rows.map((r) => r.inbox_id))]);
    const byId = new Map(inboxes.filter((i): i is Inbox => !!i && !(i instanceof Error)).map((i) => [i.uuid, i]));
    const result = new Map<string, Inbox[]>(campaignUuids.map((id) => [id, []]));
    for (const row of rows) {
      const inbox = byId.get(row.inbox_id);
      if (inbox) result.get(row.campaign_id)!.push(inbox);
    }
    return result;
  }

  private async resolveInboxes(ctx: RequestContext, domainUuid: string, inboxIds: string[]): Promise<Inbox[]> {
    const inboxes: Inbox[] = [];
    for (const [i, globalId] of inboxIds.entries()) {
      const inbox = await inboxService.require(ctx, uuidOf(globalId, "Inbox"), ["input", "inboxIds", String(i)]);
      if (inbox.domainId !== domainUuid) {
        fail(
          CommonErrorCode.INBOX_DOMAIN_MISMATCH,
          `The inbox ${inbox.address} does not belong to the campaign's domain.`,
          ["input", "inboxIds", String(i)],
        );
      }
      if (!inboxes.some((x) => x.uuid === inbox.uuid)) inboxes.push(inbox);
    }
    return inboxes;
  }

  private async setInboxes(ctx: RequestContext, campaignUuid: string, inboxes: Inbox[]): Promise<void> {
    const em = await ctx.db();
    await em.query("DELETE FROM campaign_inboxes WHERE tenant_id = $1 AND campaign_id = $2", [
      ctx.tenantId,
      campaignUuid,
    ]);
    if (inboxes.length === 0) return;
    await em.query(
      `INSERT INTO campaign_inboxes (tenant_id, campaign_id, inbox_id, position)
       SELECT $1, $2, inbox_id, ord - 1 FROM unnest($3::uuid[]) WITH ORDINALITY AS t(inbox_id, ord)`,
      [ctx.tenantId, campaignUuid, inboxes.map((i) => i.uuid)],
    );
  }

  async create(
    ctx: RequestContext,
    input: { name: string; domainId: string; inboxIds?: string[] | null; status?: CampaignStatus | null },
  ): Promise<Campaign> {
    const name = checkName(input.name);
    checkStatus(input.status);
    const domain = await domainService.require(ctx, uuidOf(input.domainId, "Domain"), ["input", "domainId"]);
    const inboxes = await this.resolveInboxes(ctx, domain.uuid, input.inboxIds ?? []);
    const em = await ctx.db();
    const repo = em.getRepository(Campaign);
    const campaign = await repo.save(
      repo.create({ tenantId: ctx.tenantId, domainId: domain.uuid, name, status: input.status ?? "DRAFT" }),
      WITHIN_TENANT_TRANSACTION,
    );
    await this.setInboxes(ctx, campaign.uuid, inboxes);
    return campaign;
  }

  async update(
    ctx: RequestContext,
    uuid: string | null,
    input: { name?: string | null; status?: CampaignStatus | null; inboxIds?: string[] | null },
  ): Promise<Campaign> {
    const campaign = await this.require(ctx, uuid, ["input", "id"]);
    if (input.name !== undefined && input.name !== null) campaign.name = checkName(input.name);
    checkStatus(input.status, campaign.status);
    if (input.status) campaign.status = input.status;
    const inboxes = input.inboxIds ? await this.resolveInboxes(ctx, campaign.domainId, input.inboxIds) : null;
    const em = await ctx.db();
    const saved = await em.getRepository(Campaign).save(campaign, WITHIN_TENANT_TRANSACTION);
    if (inboxes) await this.setInboxes(ctx, campaign.uuid, inboxes);
    return saved;
  }

  /** Sets the status without the input checks (used by automatic pausing). */
  async setStatus(ctx: RequestContext, uuid: string, status: CampaignStatus): Promise<void> {
    const em = await ctx.db();
    await em.query("UPDATE campaigns SET status = $3, updated_at = now() WHERE tenant_id = $1 AND id = $2", [
      ctx.tenantId,
      uuid,
      status,
    ]);
    campaignById(ctx).clear(uuid);
  }

  async delete(ctx: RequestContext, uuid: string | null): Promise<Campaign> {
    const campaign = await this.require(ctx, uuid, ["input", "id"]);
    const em = await ctx.db();
    await em.query("DELETE FROM campaigns WHERE tenant_id = $1 AND id = $2", [ctx.tenantId, campaign.uuid]);
    return campaign;
  }
}

export const campaignService = new CampaignService();

// Per-operation loaders (see domainById).

const CAMPAIGN_BY_ID = Symbol("campaignById");
const INBOXES_BY_CAMPAIGN = Symbol("inboxesByCampaign");

export function campaignById(ctx: RequestContext): DataLoader<string, Campaign | null> {
  return ctx.operationScoped(
    CAMPAIGN_BY_ID,
    () =>
      new DataLoader<string, Campaign | null>(async (keys) => byUuid(await campaignService.findByIds(ctx, keys), keys)),
  );
}

export function inboxesByCampaign(ctx: RequestContext): DataLoader<string, Inbox[]> {
  return ctx.operationScoped(
    INBOXES_BY_CAMPAIGN,
    () =>
      new DataLoader<string, Inbox[]>(async (keys) => {
        const map = await campaignService.inboxesOf(ctx, keys);
        return keys.map((k) => map.get(k) ?? []);
      }),
  );
}
