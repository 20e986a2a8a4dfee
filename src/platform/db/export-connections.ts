import type { Readable } from "node:stream";
import { Pool } from "pg";
import QueryStream from "pg-query-stream";
import { APP_ROLE, BIND_TENANT } from "./tenant-transaction";

// CSV exports read their rows from a server-side cursor (pg-query-stream: one portal, a batch
// of rows per round trip, read only as fast as the client takes them), on connections of
// their own. The request pool cannot hold a cursor: its connections run in pg's pipeline
// mode (data-source.ts), which refuses a portal kept open across round trips. And a cursor is
// what keeps a million-row export's heap flat: a statement per page (keyset pages, or FETCH
// from an SQL cursor) makes per-statement objects that outlive the young generation, and a
// million rows grew the old generation by 100-170 MB, against 3 MB through one portal
// (test/e2e/export-memory.test.ts measures the server's).
//
// Each export is one read-only transaction bound to its tenant as the request pool binds
// them (role rebound_app and app.tenant_id, both transaction-local): the same row-level
// security and tenant filter as every GraphQL read. DB_EXPORT_POOL_SIZE exports stream at
// once per process; another waits for a connection like any pooled request does.

export class ExportConnections {
  private readonly pool: Pool;

  constructor(url: string, size: number, idleTimeoutMs: number) {
    this.pool = new Pool({
      connectionString: url,
      max: size,
      idleTimeoutMillis: idleTimeoutMs,
      connectionTimeoutMillis: 10_000,
      application_name: "rebound",
    });
    // An idle connection that drops (a restarted server) is the pool's to replace, not a crash.
    this.pool.on("error", () => undefined);
  }

  /**
   * The rows of `sql` in the tenant's read-only transaction, `batchSize` per round trip. The
   * transaction ends with the stream: committed when every row was read, rolled back when
   * the stream is destroyed first (a client that went away) or fails.
   */
  async stream(tenantId: string, sql: string, params: unknown[], batchSize: number): Promise<Readable> {
    const client = await this.pool.connect();
    try {
      await client.query("BEGIN READ ONLY");
      await client.query(BIND_TENANT, [APP_ROLE, tenantId]);
    } catch (err) {
      client.release(err as Error);
      throw err;
    }
    const rows = client.query(new QueryStream(sql, params, { batchSize }));
    // "close" comes after the cursor is closed (QueryStream's destroy waits for it), so the
    // connection is ready for the transaction's end.
    rows.once("close", () => {
      const read = rows.readableEnded && !rows.errored;
      client.query(read ? "COMMIT" : "ROLLBACK").then(
        () => client.release(),
        (err: Error) => client.release(err),
      );
    });
    return rows;
  }

  end(): Promise<void> {
    return this.pool.end();
  }
}
