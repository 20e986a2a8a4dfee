import DataLoader from "dataloader";
import { WITHIN_TENANT_TRANSACTION } from "../../platform/db/tenant-transaction";
import { byUuid } from "../../platform/db/loaded-rows";
import { In } from "typeorm";
import { parseAddress } from "../../core/address";
import type { RequestContext } from "../../platform/context";
import type { Connection } from "../../platform/graphql/connection";
import { fail, CommonErrorCode } from "../../platform/graphql/user-error";
import { pageOf } from "../../platform/db/keyset";
import { sqlState, UNIQUE_VIOLATION, withSavepoint } from "../../platform/db/savepoint";
import { domainService } from "../domain";
import { Inbox, INBOX_PROVIDERS, type InboxProvider } from "./inbox.entity";
import { InboxErrorCode } from "./inbox.errors";

function checkDailyLimit(value: number | null | undefined): void {
  if (value !== undefined && value !== null && (!Number.isInteger(value) || value < 1 || value > 100_000)) {
    fail(InboxErrorCode.INVALID_DAILY_LIMIT, "dailyLimit must be between 1 and 100,000.", ["input", "dailyLimit"]);
  }
}

function checkProvider(value: string | null | undefined): void {
  if (value && !INBOX_PROVIDERS.includes(value as InboxProvider)) {
    fail(CommonErrorCode.INVALID_PROVIDER, `provider must be one of ${INBOX_PROVIDERS.join(", ")}.`, [
      "input",
      "provider",
    ]);
  }
}

export class InboxService {
  async findById(ctx: RequestContext, uuid: string): Promise<Inbox | null> {
    return (await inboxById(ctx).load(uuid)) ?? null;
  }

  /** Every inbox address of the tenant (canonical: lower-case, ASCII domain). */
  async allAddresses(ctx: RequestContext): Promise<string[]> {
    const em = await ctx.db();
    const rows: Array<{ address: string }> = await em.query("SELECT address FROM inboxes WHERE tenant_id = $1", [
      ctx.tenantId,
    ]);
    return rows.map((r) => r.address.toLowerCase());
  }

  async findByIds(ctx: RequestContext, uuids: readonly string[]): Promise<Inbox[]> {
    if (uuids.length === 0) return [];
    const em = await ctx.db();
    return em.getRepository(Inbox).find({ where: { tenantId: ctx.tenantId, uuid: In([...uuids]) } });
  }

  async require(ctx: RequestContext, uuid: string | null, field: string[]): Promise<Inbox> {
    const inbox = uuid ? await this.findById(ctx, uuid) : null;
    if (!inbox) fail(CommonErrorCode.NOT_FOUND, "No inbox with that id.", field);
    return inbox;
  }

  async list(ctx: RequestContext, args: { first: number; after?: string | null }): Promise<Connection<Inbox>> {
    const em = await ctx.db();
    const qb = em
      .getRepository(Inbox)
      .createQueryBuilder("i")
      .where("i.tenant_id = :tenantId", { tenantId: ctx.tenantId });
    return pageOf(qb, "i", args);
  }

  async create(
    ctx: RequestContext,
    domainUuid: string | null,
    input: {
      address: string;
      provider?: InboxProvider | null;
      warmupStartedAt?: Date | null;
      dailyLimit?: number | null;
    },
  ): Promise<Inbox> {
    const parsed = parseAddress(input.address);
    if (!parsed.ok) fail(CommonErrorCode[parsed.code], parsed.message, ["input", "address"]);
    checkProvider(input.provider);
    checkDailyLimit(input.dailyLimit);
    const domain = await domainService.require(ctx, domainUuid, ["input", "domainId"]);
    if (parsed.asciiDomain !== domain.name && !parsed.asciiDomain.endsWith(`.${domain.name}`)) {
      fail(InboxErrorCode.ADDRESS_DOMAIN_MISMATCH, `The address must be at ${domain.name} or one of its subdomains.`, [
        "input",
        "address",
      ]);
    }
    const em = await ctx.db();
    const repo = em.getRepository(Inbox);
    const address = `${parsed.local}@${parsed.asciiDomain}`;
    try {
      return await withSavepoint(em, () =>
        repo.save(
          repo.create({
            tenantId: ctx.tenantId,
            domainId: domain.uuid,
            address,
            provider: input.provider ?? "OTHER",
            warmupStartedAt: input.warmupStartedAt ?? null,
            dailyLimit: input.dailyLimit ?? 50,
          }),
          WITHIN_TENANT_TRANSACTION,
        ),
      );
    } catch (err) {
      if (sqlState(err) === UNIQUE_VIOLATION)
        fail(CommonErrorCode.TAKEN, `The inbox ${address} already exists.`, ["input", "address"]);
      throw err;
    }
  }

  async update(
    ctx: RequestContext,
    uuid: string | null,
    input: { provider?: InboxProvider | null; warmupStartedAt?: Date | null; dailyLimit?: number | null },
  ): Promise<Inbox> {
    checkProvider(input.provider);
    checkDailyLimit(input.dailyLimit);
    const inbox = await this.require(ctx, uuid, ["input", "id"]);
    if (input.provider) inbox.provider = input.provider;
    if (input.warmupStartedAt !== undefined) inbox.warmupStartedAt = input.warmupStartedAt;
    if (input.dailyLimit !== undefined && input.dailyLimit !== null) inbox.dailyLimit = input.dailyLimit;
    const em = await ctx.db();
    return em.getRepository(Inbox).save(inbox, WITHIN_TENANT_TRANSACTION);
  }

  async delete(ctx: RequestContext, uuid: string | null): Promise<Inbox> {
    const inbox = await this.require(ctx, uuid, ["input", "id"]);
    const em = await ctx.db();
    await em.query("DELETE FROM inboxes WHERE tenant_id = $1 AND id = $2", [ctx.tenantId, inbox.uuid]);
    return inbox;
  }
}

export const inboxService = new InboxService();

// Per-operation loaders (see domainById).

const INBOX_BY_ID = Symbol("inboxById");

export function inboxById(ctx: RequestContext): DataLoader<string, Inbox | null> {
  return ctx.operationScoped(
    INBOX_BY_ID,
    () => new DataLoader<string, Inbox | null>(async (keys) => byUuid(await inboxService.findByIds(ctx, keys), keys)),
  );
}
