import { randomUUID } from "node:crypto";
import type { App, RequestContext } from "../../platform/context";
import { inTenantTransaction, WITHIN_TENANT_TRANSACTION } from "../../platform/db/tenant-transaction";
import { fail } from "../../platform/graphql/user-error";
import { apiKeyService } from "../api-key";
import { API_KEY_SCOPES } from "../api-key";
import { Tenant } from "./tenant.entity";
import {
  mergeBenchmarkOverrides,
  THROTTLE_SETTINGS,
  type BenchmarkThresholdInput,
  type TenantSettingsValues,
} from "./tenant-settings";
import { TenantErrorCode } from "./tenant.errors";

export class TenantService {
  /** Creates a tenant and its first API key with every scope; the key is shown only here. */
  async create(app: App, name: string): Promise<{ tenant: Tenant; apiKey: string }> {
    const trimmed = name.trim();
    if (trimmed.length < 1 || trimmed.length > 200) throw new Error("tenant name must be 1 to 200 characters");
    const id = randomUUID();
    return inTenantTransaction(app.db.dataSource, id, async (em) => {
      const repo = em.getRepository(Tenant);
      const tenant = await repo.save(
        repo.create({ uuid: id, name: trimmed, rawSettings: {} }),
        WITHIN_TENANT_TRANSACTION,
      );
      const { secret } = await apiKeyService.createInTransaction(app, em, id, "first key", [...API_KEY_SCOPES]);
      return { tenant, apiKey: secret };
    });
  }

  /**
   * The oldest tenant with this name and a new key with every scope for it, or a new tenant
   * when there is none: lets a script (the demo) run again without creating twins. The
   * tenant's other keys are untouched; a key is shown only once, so each run gets its own.
   */
  async createOrReuse(app: App, name: string): Promise<{ tenant: Tenant; apiKey: string; created: boolean }> {
    const rows: Array<{ id: string }> = await app.db.dataSource.query(
      "SELECT id FROM tenants WHERE name = $1 ORDER BY created_at, id LIMIT 1",
      [name.trim()],
    );
    if (rows.length === 0) return { ...(await this.create(app, name)), created: true };
    const id = rows[0].id;
    return inTenantTransaction(app.db.dataSource, id, async (em) => {
      const tenant = await em.getRepository(Tenant).findOneOrFail({ where: { uuid: id } });
      const { secret } = await apiKeyService.createInTransaction(
        app,
        em,
        id,
        `key issued ${new Date().toISOString()}`,
        [...API_KEY_SCOPES],
      );
      return { tenant, apiKey: secret, created: false };
    });
  }

  /** Whether any tenant exists (system context: the login role may read all tenants). */
  async anyExists(app: App): Promise<boolean> {
    const rows: Array<{ exists: boolean }> = await app.db.dataSource.query(
      "SELECT EXISTS (SELECT 1 FROM tenants) AS exists",
    );
    return rows[0]?.exists === true;
  }

  /** Every tenant's id (system context), for work done per tenant in the background. */
  async allIds(app: App): Promise<string[]> {
    const rows: Array<{ id: string }> = await app.db.dataSource.query("SELECT id FROM tenants ORDER BY id");
    return rows.map((r) => r.id);
  }

  async current(ctx: RequestContext): Promise<Tenant> {
    const em = await ctx.db();
    const tenant = await em.getRepository(Tenant).findOne({ where: { uuid: ctx.tenantId } });
    if (!tenant) throw new Error("authenticated tenant has no row");
    return tenant;
  }

  /** The tenant's throttling overrides, read in its own transaction (for the throttle's cache). */
  async throttleOverrides(app: App, tenantId: string): Promise<Partial<TenantSettingsValues>> {
    const rows: Array<{ settings: Partial<TenantSettingsValues> | null }> = await inTenantTransaction(
      app.db.dataSource,
      tenantId,
      (em) => em.query("SELECT settings FROM tenants WHERE id = $1", [tenantId]),
    );
    const raw = rows[0]?.settings ?? {};
    return Object.fromEntries(THROTTLE_SETTINGS.map(([key]) => [key, raw[key] ?? null]));
  }

  async settings(ctx: RequestContext) {
    return (await this.current(ctx)).settings;
  }

  async updateSettings(
    ctx: RequestContext,
    settingsInput: Partial<TenantSettingsValues> & { benchmarkThresholds?: BenchmarkThresholdInput[] | null },
  ): Promise<Tenant> {
    const { benchmarkThresholds, ...input } = settingsInput;
    const checks: Array<[keyof TenantSettingsValues, number, number]> = [
      ["softBounceLimit", 1, 100],
      ["softBounceWindowDays", 1, 365],
      ["minSendsForZone", 1, 1_000_000],
    ];
    for (const [key, min, max] of checks) {
      const value = input[key];
      if (
        value !== undefined &&
        value !== null &&
        (!Number.isInteger(value) || (value as number) < min || (value as number) > max)
      ) {
        fail(TenantErrorCode.INVALID_SETTING, `${key} must be between ${min} and ${max}.`, ["input", "settings", key]);
      }
    }
    if (
      input.campaignHeader !== undefined &&
      input.campaignHeader !== null &&
      !/^X-[A-Za-z0-9-]{1,60}$/.test(input.campaignHeader)
    ) {
      fail(
        TenantErrorCode.INVALID_SETTING,
        "campaignHeader must be a header name starting with X-, e.g. X-Rebound-Campaign.",
        ["input", "settings", "campaignHeader"],
      );
    }
    for (const [key, min, max] of THROTTLE_SETTINGS) {
      const value = input[key];
      if (
        value !== undefined &&
        value !== null &&
        value !== 0 &&
        (!Number.isInteger(value) || value < min || value > max)
      ) {
        fail(
          TenantErrorCode.INVALID_SETTING,
          `${key} must be between ${min} and ${max} (0 restores the server default).`,
          ["input", "settings", key],
        );
      }
    }
    const tenant = await this.current(ctx);
    const changes: Partial<TenantSettingsValues> = Object.fromEntries(
      Object.entries(input).filter(([, v]) => v !== undefined && v !== null),
    );
    // 0 means "the server default again": stored as null, which the throttle reads as absent.
    for (const [key] of THROTTLE_SETTINGS) if (changes[key] === 0) changes[key] = null;
    // The new budgets apply in this process at once, in the others within their cache's life.
    ctx.tx.afterCommit(() => ctx.app.throttle?.forget(ctx.tenantId));
    if (benchmarkThresholds) {
      try {
        changes.benchmarkOverrides = mergeBenchmarkOverrides(tenant.settings.benchmarkOverrides, benchmarkThresholds);
      } catch (err) {
        if (err instanceof RangeError)
          fail(TenantErrorCode.INVALID_SETTING, `benchmarkThresholds: ${err.message}.`, [
            "input",
            "settings",
            "benchmarkThresholds",
          ]);
        throw err;
      }
    }
    tenant.rawSettings = { ...tenant.rawSettings, ...changes };
    const em = await ctx.db();
    await em.query("UPDATE tenants SET settings = $2, updated_at = now() WHERE id = $1", [
      ctx.tenantId,
      JSON.stringify(tenant.rawSettings),
    ]);
    return tenant;
  }
}

export const tenantService = new TenantService();
