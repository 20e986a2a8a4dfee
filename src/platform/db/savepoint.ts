import { randomBytes } from "node:crypto";
import type { EntityManager } from "typeorm";

/** PostgreSQL SQLSTATE of a driver error, through TypeORM's wrapping. */
export function sqlState(err: unknown): string | undefined {
  const e = err as { code?: unknown; driverError?: { code?: unknown } };
  const code = e?.driverError?.code ?? e?.code;
  return typeof code === "string" ? code : undefined;
}

export const UNIQUE_VIOLATION = "23505";
export const FOREIGN_KEY_VIOLATION = "23503";

/**
 * Runs fn behind a savepoint, so a constraint violation the caller turns into a userError
 * leaves the request's transaction usable (PostgreSQL aborts the whole transaction otherwise).
 */
export async function withSavepoint<T>(em: EntityManager, fn: () => Promise<T>): Promise<T> {
  const name = `sp_${randomBytes(4).toString("hex")}`;
  await em.query(`SAVEPOINT ${name}`);
  try {
    const result = await fn();
    await em.query(`RELEASE SAVEPOINT ${name}`);
    return result;
  } catch (err) {
    await em.query(`ROLLBACK TO SAVEPOINT ${name}`);
    throw err;
  }
}
