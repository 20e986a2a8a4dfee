import { statementCounter } from "../../src/platform/db/statement-counter";
import { openTransactions } from "../../src/platform/db/tenant-transaction";

/**
 * SQL statements a call costs, its transaction's end included: a query's response leaves
 * before its read transaction ends, so wait for every tenant transaction to finish.
 */
export async function statementsOf<T>(call: () => Promise<T>): Promise<{ count: number; result: T }> {
  const before = statementCounter.total;
  const result = await call();
  const deadline = Date.now() + 5_000;
  while (openTransactions.count > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 2));
  return { count: statementCounter.total - before, result };
}
