import type { QueryRunner } from "typeorm";

// A connection runs one statement at a time. Loaders of one request can ask their
// questions in the same tick (an inbox's stats and its ramp, say), and pg would queue the
// second query itself, a use it deprecates (pg 9 refuses it). So the statements of one
// transaction take turns here, in the order they were asked.

const tails = new WeakMap<object, Promise<unknown>>();

/** Runs `run` once every statement asked before it on `connection` has finished. */
export function inTurn<T>(connection: object, run: () => Promise<T>): Promise<T> {
  // The tail never rejects (failures are the caller's, see below), so the next run follows any outcome.
  const previous = tails.get(connection);
  const result = previous ? previous.then(run) : run();
  tails.set(
    connection,
    result.catch(() => undefined),
  );
  return result;
}

/** Makes every query of a runner (TypeORM's own included) take its turn on the runner's connection. */
export function takeTurns(runner: QueryRunner): void {
  const query = runner.query.bind(runner);
  runner.query = ((...args: Parameters<QueryRunner["query"]>) =>
    inTurn(runner, () => query(...args))) as QueryRunner["query"];
}
