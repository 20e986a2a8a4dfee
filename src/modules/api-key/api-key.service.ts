import { createHmac, randomBytes } from "node:crypto";
import { WITHIN_TENANT_TRANSACTION } from "../../platform/db/tenant-transaction";
import type { EntityManager } from "typeorm";
import { displayPrefix, formatApiKey, isWellFormedApiKey } from "../../core/api-key-format";
import type { App, AuthInfo, RequestContext } from "../../platform/context";
import type { Connection } from "../../platform/graphql/connection";
import { fail, CommonErrorCode } from "../../platform/graphql/user-error";
import { pageOf } from "../../platform/db/keyset";
import { publishAfterCommit } from "../../platform/realtime/realtime.service";
import { ApiKey } from "./api-key.entity";
import { API_KEY_SCOPES, type ApiKeyScope } from "./api-key.scopes";
import { ApiKeyErrorCode } from "./api-key.errors";

const LAST_USED_RESOLUTION_MS = 60_000;
/**
 * How long a successful look-up is reused. A revocation is announced on the event bus and
 * clears it in every process within milliseconds (at once in the revoking process); this is
 * the bound for a process that missed the announcement (its listener was reconnecting).
 */
export const AUTH_CACHE_MS = 5_000;
const AUTH_CACHE_MAX = 10_000;

export class ApiKeyService {
  private readonly lastTouched = new Map<string, number>();
  private readonly cache = new WeakMap<App, Map<string, { auth: AuthInfo; until: number }>>();
  /**
   * Hashes of well-formed keys the database did not know, until when: a flood of made-up
   * keys costs one look-up per key per REBOUND_UNKNOWN_KEY_CACHE_SECONDS, not one each.
   * Harmless for new keys: a key's hash cannot have been tried before the key existed.
   */
  private readonly unknown = new WeakMap<App, Map<string, number>>();

  private unknownOf(app: App): Map<string, number> {
    let u = this.unknown.get(app);
    if (!u) this.unknown.set(app, (u = new Map()));
    return u;
  }

  private cacheOf(app: App): Map<string, { auth: AuthInfo; until: number }> {
    let c = this.cache.get(app);
    if (!c) this.cache.set(app, (c = new Map()));
    return c;
  }

  /** Forgets cached look-ups of revoked keys (called on the bus's key-revoked messages). */
  forget(app: App, keyIds: readonly string[]): void {
    const c = this.cacheOf(app);
    for (const [hash, entry] of c) if (keyIds.includes(entry.auth.keyId)) c.delete(hash);
  }

  hash(app: App, key: string): string {
    return createHmac("sha256", app.config.apiKeyPepper).update(key).digest("hex");
  }

  /**
   * The caller behind an Authorization header value, or null when the key is malformed,
   * unknown or revoked. Malformed keys never reach the database.
   */
  async authenticate(app: App, key: string): Promise<AuthInfo | null> {
    if (!isWellFormedApiKey(key)) return null;
    const hash = this.hash(app, key);
    const cache = this.cacheOf(app);
    const now = Date.now();
    const hit = cache.get(hash);
    if (hit && hit.until > now) {
      this.touch(app, hit.auth.tenantId, hit.auth.keyId);
      return hit.auth;
    }
    const unknown = this.unknownOf(app);
    if ((unknown.get(hash) ?? 0) > now) return null;
    // System context: the login role may read keys by hash before any tenant is known.
    const rows: Array<{ tenant_id: string; id: string; scopes: ApiKeyScope[]; revoked_at: Date | null }> =
      await app.db.dataSource.query(
        "SELECT tenant_id, id, scopes, revoked_at FROM api_keys WHERE key_hash = $1 LIMIT 1",
        [hash],
      );
    const row = rows[0];
    if (!row || row.revoked_at) {
      cache.delete(hash);
      if (unknown.size >= AUTH_CACHE_MAX) unknown.clear();
      unknown.set(hash, now + (app.config.throttle?.unknownKeyCacheSeconds ?? 30) * 1000);
      return null;
    }
    const auth: AuthInfo = { tenantId: row.tenant_id, keyId: row.id, scopes: row.scopes };
    if (cache.size >= AUTH_CACHE_MAX) cache.clear();
    cache.set(hash, { auth, until: now + AUTH_CACHE_MS });
    this.touch(app, row.tenant_id, row.id);
    return auth;
  }

  /** lastUsedAt at one-minute resolution: a write per request would cost more than it tells. */
  private touch(app: App, tenantId: string, keyId: string): void {
    const now = Date.now();
    if (now - (this.lastTouched.get(keyId) ?? 0) < LAST_USED_RESOLUTION_MS) return;
    this.lastTouched.set(keyId, now);
    void app.db.dataSource
      .transaction(async (em) => {
        await em.query("SELECT set_config('role', 'rebound_app', true), set_config('app.tenant_id', $1, true)", [
          tenantId,
        ]);
        await em.query("UPDATE api_keys SET last_used_at = now() WHERE tenant_id = $1 AND id = $2", [tenantId, keyId]);
      })
      .catch(() => this.lastTouched.delete(keyId));
  }

  /** Creates a key inside the given tenant transaction; the secret is returned only here. */
  async createInTransaction(app: App, em: EntityManager, tenantId: string, name: string, scopes: ApiKeyScope[]) {
    const secret = formatApiKey(randomBytes(24));
    const repo = em.getRepository(ApiKey);
    const apiKey = await repo.save(
      repo.create({
        tenantId,
        name,
        scopes: API_KEY_SCOPES.filter((s) => scopes.includes(s)),
        prefix: displayPrefix(secret),
        keyHash: this.hash(app, secret),
      }),
      WITHIN_TENANT_TRANSACTION,
    );
    return { apiKey, secret };
  }

  async create(ctx: RequestContext, input: { name: string; scopes: ApiKeyScope[] }) {
    const name = input.name?.trim() ?? "";
    if (name.length < 1 || name.length > 200)
      fail(CommonErrorCode.INVALID_NAME, "Name must be 1 to 200 characters.", ["input", "name"]);
    if (!input.scopes?.length)
      fail(ApiKeyErrorCode.INVALID_SCOPES, "Give the key at least one scope.", ["input", "scopes"]);
    return this.createInTransaction(ctx.app, await ctx.db(), ctx.tenantId, name, input.scopes);
  }

  async revoke(ctx: RequestContext, id: string | null): Promise<ApiKey> {
    const em = await ctx.db();
    const key = id ? await this.findById(ctx, id) : null;
    if (!key) fail(CommonErrorCode.NOT_FOUND, "No API key with that id.", ["input", "id"]);
    if (!key.revokedAt) {
      await em.query("UPDATE api_keys SET revoked_at = now() WHERE tenant_id = $1 AND id = $2", [
        ctx.tenantId,
        key.uuid,
      ]);
      // Every server process closes this key's open WebSockets and forgets its cached look-up
      // once the revocation commits; this process forgets it at once.
      ctx.tx.afterCommit(() => this.forget(ctx.app, [key.uuid]));
      await publishAfterCommit(ctx, "key-revoked", [key.uuid]);
    }
    return (await this.findById(ctx, key.uuid))!;
  }

  async findById(ctx: RequestContext, uuid: string): Promise<ApiKey | null> {
    const em = await ctx.db();
    return em.getRepository(ApiKey).findOne({ where: { tenantId: ctx.tenantId, uuid } });
  }

  async list(ctx: RequestContext, args: { first: number; after?: string | null }): Promise<Connection<ApiKey>> {
    const em = await ctx.db();
    const qb = em
      .getRepository(ApiKey)
      .createQueryBuilder("k")
      .where("k.tenant_id = :tenantId", { tenantId: ctx.tenantId });
    return pageOf(qb, "k", args);
  }
}

export const apiKeyService = new ApiKeyService();
