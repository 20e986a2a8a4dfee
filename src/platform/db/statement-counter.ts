import type { Logger as TypeOrmLogger, QueryRunner } from "typeorm";
import type { Logger } from "pino";

// Counts every SQL statement TypeORM sends, for /metrics and for the tests that prove a list
// costs a constant number of statements whatever its length.
export const statementCounter = { total: 0 };

export class CountingLogger implements TypeOrmLogger {
  constructor(
    private readonly out: Logger,
    private readonly options: { sqlErrors: boolean; migrations: boolean },
  ) {}

  logQuery(_query: string, _parameters?: unknown[], _queryRunner?: QueryRunner): void {
    statementCounter.total++;
  }
  logQueryError(error: string | Error, query: string): void {
    // Off by default: a failing statement is usually an expected one (a unique violation
    // turned into a userError), and its text may hold customer data.
    if (this.options.sqlErrors) this.out.warn({ err: String(error), query }, "sql statement failed");
  }
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(message: string): void {
    if (this.options.migrations) this.out.info({ migration: message }, "migration");
  }
  log(): void {}
}
