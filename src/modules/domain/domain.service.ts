import DataLoader from "dataloader";
import { WITHIN_TENANT_TRANSACTION } from "../../platform/db/tenant-transaction";
import { byUuid } from "../../platform/db/loaded-rows";
import { In } from "typeorm";
import { parseDomainName } from "../../core/domain-name";
import type { RequestContext } from "../../platform/context";
import type { Connection } from "../../platform/graphql/connection";
import { fail, CommonErrorCode } from "../../platform/graphql/user-error";
import { pageOf } from "../../platform/db/keyset";
import { FOREIGN_KEY_VIOLATION, sqlState, UNIQUE_VIOLATION, withSavepoint } from "../../platform/db/savepoint";
import { Domain } from "./domain.entity";
import { DomainErrorCode } from "./domain.errors";

function domainName(input: string, field: string[]): string {
  const parsed = parseDomainName(input);
  if (!parsed.ok) fail(CommonErrorCode[parsed.code], parsed.message, field);
  return parsed.ascii;
}

export class DomainService {
  async findById(ctx: RequestContext, uuid: string): Promise<Domain | null> {
    return (await domainById(ctx).load(uuid)) ?? null;
  }

  async findByIds(ctx: RequestContext, uuids: readonly string[]): Promise<Domain[]> {
    if (uuids.length === 0) return [];
    const em = await ctx.db();
    return em.getRepository(Domain).find({ where: { tenantId: ctx.tenantId, uuid: In([...uuids]) } });
  }

  /** Every sending domain's name of the tenant (lower-case ASCII). */
  async allNames(ctx: RequestContext): Promise<string[]> {
    const em = await ctx.db();
    const rows: Array<{ name: string }> = await em.query("SELECT name FROM domains WHERE tenant_id = $1", [
      ctx.tenantId,
    ]);
    return rows.map((r) => r.name);
  }

  /** A domain the caller names by id in an input; NOT_FOUND userError when absent. */
  async require(ctx: RequestContext, uuid: string | null, field: string[]): Promise<Domain> {
    const domain = uuid ? await this.findById(ctx, uuid) : null;
    if (!domain) fail(CommonErrorCode.NOT_FOUND, "No domain with that id.", field);
    return domain;
  }

  async list(ctx: RequestContext, args: { first: number; after?: string | null }): Promise<Connection<Domain>> {
    const em = await ctx.db();
    const qb = em
      .getRepository(Domain)
      .createQueryBuilder("d")
      .where("d.tenant_id = :tenantId", { tenantId: ctx.tenantId });
    return pageOf(qb, "d", args);
  }

  async create(ctx: RequestContext, input: { name: string; registeredAt?: Date | null }): Promise<Domain> {
    const name = domainName(input.name, ["input", "name"]);
    const em = await ctx.db();
    const repo = em.getRepository(Domain);
    try {
      return await withSavepoint(em, () =>
        repo.save(
          repo.create({ tenantId: ctx.tenantId, name, registeredAt: input.registeredAt ?? null }),
          WITHIN_TENANT_TRANSACTION,
        ),
      );
    } catch (err) {
      if (sqlState(err) === UNIQUE_VIOLATION)
        fail(CommonErrorCode.TAKEN, `The domain ${name} is already registered.`, ["input", "name"]);
      throw err;
    }
  }

  async update(
    ctx: RequestContext,
    uuid: string | null,
    input: { name?: string | null; registeredAt?: Date | null },
  ): Promise<Domain> {
    const domain = await this.require(ctx, uuid, ["input", "id"]);
    if (input.name !== undefined && input.name !== null) domain.name = domainName(input.name, ["input", "name"]);
    if (input.registeredAt !== undefined) domain.registeredAt = input.registeredAt;
    const em = await ctx.db();
    try {
      return await withSavepoint(em, () => em.getRepository(Domain).save(domain, WITHIN_TENANT_TRANSACTION));
    } catch (err) {
      if (sqlState(err) === UNIQUE_VIOLATION)
        fail(CommonErrorCode.TAKEN, `The domain ${domain.name} is already registered.`, ["input", "name"]);
      throw err;
    }
  }

  async delete(ctx: RequestContext, uuid: string | null): Promise<Domain> {
    const domain = await this.require(ctx, uuid, ["input", "id"]);
    const em = await ctx.db();
    try {
      await withSavepoint(em, () =>
        em.query("DELETE FROM domains WHERE tenant_id = $1 AND id = $2", [ctx.tenantId, domain.uuid]),
      );
    } catch (err) {
      if (sqlState(err) === FOREIGN_KEY_VIOLATION) {
        fail(DomainErrorCode.DOMAIN_IN_USE, "Inboxes or campaigns still use this domain; delete or move them first.", [
          "input",
          "id",
        ]);
      }
      throw err;
    }
    return domain;
  }
}

export const domainService = new DomainService();

// Per-operation loaders (they batch and cache within one operation, never across tenants), so
// a page of 50 rows expanding their domain costs one statement, not 50.

const DOMAIN_BY_ID = Symbol("domainById");

export function domainById(ctx: RequestContext): DataLoader<string, Domain | null> {
  return ctx.operationScoped(
    DOMAIN_BY_ID,
    () => new DataLoader<string, Domain | null>(async (keys) => byUuid(await domainService.findByIds(ctx, keys), keys)),
  );
}
