import type { EntityManager } from "typeorm";
import type { Config } from "./config";
import type { Database } from "./db/data-source";
import { TenantTransaction } from "./db/tenant-transaction";
import type { Route } from "./http/route";
import { unauthenticated } from "./errors";
import type { ApiKeyScope } from "./modules/api-key/api-key.scopes";
import { createLoaders, type Loaders } from "./loaders";

/** What lives as long as the process: configuration, the database, the pub/sub. */
export interface App {
  config: Config;
  db: Database;
  /** HTTP endpoints beside GraphQL, e.g. ESP webhooks. */
  routes?: Route[];
}

/** Who is calling: the tenant and the key that authenticated the request. */
export interface AuthInfo {
  tenantId: string;
  keyId: string;
  scopes: ApiKeyScope[];
}

/**
 * One per GraphQL operation (HTTP request or WebSocket operation). Services take it first;
 * the tenant's transaction travels in it and is committed before the response is sent.
 */
export class RequestContext {
  readonly tx: TenantTransaction;
  private loaderCache: Loaders | null = null;

  constructor(
    readonly app: App,
    readonly auth: AuthInfo | null,
  ) {
    this.tx = new TenantTransaction(app.db.dataSource, auth?.tenantId ?? null);
  }

  /** The calling tenant; UNAUTHENTICATED when the request carried no key. */
  get tenantId(): string {
    if (!this.auth) throw unauthenticated();
    return this.auth.tenantId;
  }

  /** The request's tenant-bound transaction, opened on first use. */
  db(): Promise<EntityManager> {
    if (!this.auth) return Promise.reject(unauthenticated());
    return this.tx.manager();
  }

  /** DataLoaders live for one request: they batch and cache within it, never across tenants. */
  get loaders(): Loaders {
    this.loaderCache ??= createLoaders(this);
    return this.loaderCache;
  }
}
