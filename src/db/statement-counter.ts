import type { Logger, QueryRunner } from "typeorm";

// Counts every SQL statement TypeORM sends, for /metrics and for the tests that prove a list
// costs a constant number of statements whatever its length.
export const statementCounter = { total: 0 };

export class CountingLogger implements Logger {
  logQuery(_query: string, _parameters?: unknown[], _queryRunner?: QueryRunner): void {
    statementCounter.total++;
  }
  logQueryError(error: string | Error, query: string): void {
    if (process.env.REBOUND_LOG_SQL_ERRORS === "1") process.stderr.write(`sql error: ${String(error)} in ${query}\n`);
  }
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(message: string): void {
    if (process.env.REBOUND_LOG_MIGRATIONS === "1") process.stderr.write(`${message}\n`);
  }
  log(): void {}
}
