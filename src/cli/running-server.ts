import { resolve } from "node:path";
import type { Config } from "../app/config";
import { DataDirBusyError, dataDirHolder, type DataDirHolder } from "../platform/db/data-dir-lock";
import { ADMIN_TENANTS_PATH, ADMIN_TOKEN_HEADER } from "../modules/tenant/tenant-admin.routes";

// Commands that need the database while a server owns the embedded one go through that server.

export interface TenantWithKey {
  tenantId: string;
  name: string;
  apiKey: string;
  created: boolean;
}

/**
 * The server that owns the embedded database, when one does; throws DataDirBusyError when
 * another kind of process (a migration, another command) holds it. Null: the folder is free,
 * or the database is PostgreSQL, which any number of processes share.
 */
export function runningEmbeddedServer(config: Config): DataDirHolder | null {
  if (config.databaseUrl) return null;
  const holder = dataDirHolder(config.dataDir);
  if (holder && !(holder.adminUrl && holder.adminToken)) throw new DataDirBusyError(resolve(config.dataDir), holder);
  return holder;
}

export async function createTenantThroughServer(
  server: DataDirHolder,
  name: string,
  reuse = false,
): Promise<TenantWithKey> {
  const res = await fetch(`${server.adminUrl}${ADMIN_TENANTS_PATH}`, {
    method: "POST",
    headers: { "content-type": "application/json", [ADMIN_TOKEN_HEADER]: server.adminToken ?? "" },
    body: JSON.stringify({ name, reuse }),
  }).catch((err: unknown) => {
    throw new Error(
      `the server that owns the embedded database (pid ${server.pid}, ${server.adminUrl}) did not answer: ${String(err)}`,
    );
  });
  const body = (await res.json().catch(() => ({}))) as Partial<TenantWithKey> & { error?: string };
  if (!res.ok || typeof body.apiKey !== "string") {
    throw new Error(
      `the server that owns the embedded database (pid ${server.pid}) refused to create the tenant: HTTP ${res.status} ${body.error ?? ""}`.trim(),
    );
  }
  return body as TenantWithKey;
}
