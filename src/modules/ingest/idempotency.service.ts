import { createHash } from "node:crypto";
import type { RequestContext } from "../../platform/context";
import { fail } from "../../platform/graphql/user-error";
import { IngestErrorCode } from "./ingest.errors";

// Client idempotency keys for the ingest mutations, in the request's own transaction:
//
//   1. lookup: a committed result for the key? Same request -> that result; different
//      request (or another operation) -> IDEMPOTENCY_KEY_REUSED.
//   2. the caller validates (userErrors are not remembered, as with Stripe: the client fixes
//      the input and may retry with the same key) and then claims the key. A concurrent
//      request with the same key waits on the claim's row lock until the first commits,
//      then sees it and returns the first one's result; if the first rolled back, it proceeds.
//   3. complete: the result is stored with the key and commits with the work it describes.

export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

/** JSON with sorted keys, null and undefined dropped, dates as ISO: equal inputs, equal text. */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== null && v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

export function requestHash(operation: string, input: unknown): string {
  return createHash("sha256").update(operation).update("\n").update(canonicalJson(input)).digest("hex");
}

export function checkIdempotencyKey(key: string | null | undefined, field: string[]): string | null {
  if (key === null || key === undefined) return null;
  if (key.length < 1 || key.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
    fail(
      IngestErrorCode.INVALID_IDEMPOTENCY_KEY,
      `idempotencyKey must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters.`,
      field,
    );
  }
  return key;
}

export class IdempotencyService {
  /** The stored result for this key and request, null when the key is unused. */
  async lookup<T>(
    ctx: RequestContext,
    operation: string,
    key: string,
    hash: string,
    field: string[],
  ): Promise<T | null> {
    const em = await ctx.db();
    const rows: Array<{ operation: string; request_hash: string; response: T | null }> = await em.query(
      "SELECT operation, request_hash, response FROM idempotency_keys WHERE tenant_id = $1 AND key = $2",
      [ctx.tenantId, key],
    );
    const row = rows[0];
    if (!row) return null;
    if (row.operation !== operation || row.request_hash !== hash || row.response === null) {
      fail(
        IngestErrorCode.IDEMPOTENCY_KEY_REUSED,
        "This idempotencyKey was already used for a different request. Use a new key for new content.",
        field,
      );
    }
    return row.response;
  }

  /** Claims the key for this request; false when another request committed it first. */
  async claim(ctx: RequestContext, operation: string, key: string, hash: string): Promise<boolean> {
    const em = await ctx.db();
    const rows: unknown[] = await em.query(
      `INSERT INTO idempotency_keys (tenant_id, key, operation, request_hash) VALUES ($1, $2, $3, $4)
       ON CONFLICT (tenant_id, key) DO NOTHING RETURNING 1`,
      [ctx.tenantId, key, operation, hash],
    );
    return rows.length === 1;
  }

  async complete(ctx: RequestContext, key: string, response: unknown): Promise<void> {
    const em = await ctx.db();
    await em.query("UPDATE idempotency_keys SET response = $3 WHERE tenant_id = $1 AND key = $2", [
      ctx.tenantId,
      key,
      JSON.stringify(response),
    ]);
  }

  /**
   * Runs one idempotent operation: `prepare` validates (may throw userErrors, must not
   * write), `execute` writes, `toStored`/`fromStored` turn the result into JSON and back.
   * `replayed` says whether the result is the stored one of an earlier call with this key.
   */
  async run<P, R extends object, S>(
    ctx: RequestContext,
    args: { operation: string; key: string | null; input: unknown; field: string[] },
    steps: {
      prepare: () => Promise<P>;
      execute: (plan: P) => Promise<R>;
      toStored: (result: R) => S;
      fromStored: (stored: S) => Promise<R>;
    },
  ): Promise<R & { replayed: boolean }> {
    if (args.key === null) return { ...(await steps.execute(await steps.prepare())), replayed: false };
    const hash = requestHash(args.operation, args.input);
    const prior = await this.lookup<S>(ctx, args.operation, args.key, hash, args.field);
    if (prior !== null) return { ...(await steps.fromStored(prior)), replayed: true };
    const plan = await steps.prepare();
    if (!(await this.claim(ctx, args.operation, args.key, hash))) {
      const committed = await this.lookup<S>(ctx, args.operation, args.key, hash, args.field);
      if (committed === null) throw new Error("idempotency key claimed by another request but not stored");
      return { ...(await steps.fromStored(committed)), replayed: true };
    }
    const result = await steps.execute(plan);
    await this.complete(ctx, args.key, steps.toStored(result));
    return { ...result, replayed: false };
  }
}

export const idempotencyService = new IdempotencyService();
