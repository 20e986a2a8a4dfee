import { createHash } from "node:crypto";
import type { EntityManager } from "typeorm";
import { inTurn } from "./query-turns";
import { statementCounter } from "./statement-counter";

// A read run as a named prepared statement on the transaction's connection: PostgreSQL
// parses and plans it once per connection (after five runs it keeps a generic plan when that
// plan costs no more), instead of at every call. For big, hot statements whose planning costs
// as much as their execution: the dashboard's one-statement read spent ~3 ms planning per call.

interface PgClient {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
}

const names = new Map<string, string>();

/** A statement's name: the same text always gets the same name (pg refuses one name for two texts). */
function nameOf(text: string): string {
  let name = names.get(text);
  if (!name) names.set(text, (name = `rebound_${createHash("sha256").update(text).digest("hex").slice(0, 24)}`));
  return name;
}

export async function preparedQuery<T>(em: EntityManager, text: string, values: unknown[]): Promise<T[]> {
  // TypeORM's runner keeps its pg client here once connected; without one, the ordinary path.
  const runner = em.queryRunner;
  const client = (runner as unknown as { databaseConnection?: PgClient } | undefined)?.databaseConnection;
  if (!runner || !client || typeof client.query !== "function") return em.query(text, values);
  statementCounter.total++;
  // In turn with the runner's other statements (query-turns.ts).
  return (await inTurn(runner, () => client.query({ name: nameOf(text), text, values }))).rows as T[];
}
