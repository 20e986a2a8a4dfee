import type { RequestContext } from "../../platform/context";
import { ExtensionPoint } from "../../platform/extensions";
import type { Campaign } from "./campaign.entity";

// The campaign list's extension point. A module that shows something of every campaign of a
// page (health: stats, benchmarks, zone, readiness) may read the page itself, together with
// what it shows, in one statement of its own: the page and its facts in one round trip
// instead of two. The campaign module still owns the page: which rows, in which order, from
// which cursor (campaignPageSql), and Query.campaigns, its scope check included, stays its
// resolver's.

/** The page an operation asks for, and which Campaign fields it selects on the page's nodes. */
export interface CampaignPageRequest {
  first: number;
  after?: string | null;
  /** Field names selected on `edges.node` (fragments followed, directives not evaluated). */
  fields: ReadonlySet<string>;
}

/**
 * Reads a campaign page in place of CampaignService.list's own statement, when it wants to.
 *
 *   * read() returns null (synchronously) to leave the page to the campaign module, or the
 *     page's first + 1 rows in campaignPageSql's order (the extra row only tells that a next
 *     page exists), read with campaignPageSql so the rows and their order are the list's.
 *   * It runs inside Query.campaigns, after its @Authorized scope check, on the request's
 *     transaction (ctx): it reads, it writes nothing.
 *   * The first reader (in registration order) that answers reads the page.
 */
export interface CampaignPageReader {
  read(ctx: RequestContext, page: CampaignPageRequest): Promise<Campaign[]> | null;
}

export const CAMPAIGN_PAGE_READERS = new ExtensionPoint<CampaignPageReader>("campaign page readers");

/** The campaign list's order: keyset over (created_at, id), newest first (platform/db/keyset.ts). */
export const CAMPAIGN_PAGE_ORDER = "created_at DESC, id DESC";

/**
 * The campaign list's page as a SELECT over `campaigns` (id, domain_id, name, status,
 * created_at, updated_at; first + 1 rows), for a reader's own statement. Arguments are the
 * placeholders of the reader's statement: the tenant (uuid), the page size (int) and, after a
 * cursor, its created_at (timestamptz) and id (uuid), as decodeCursor(after, CAMPAIGN_LIST) gives them.
 */
export function campaignPageSql(p: {
  tenant: string;
  first: string;
  after?: { createdAt: string; id: string };
}): string {
  const afterCursor = p.after ? ` AND (created_at, id) < (${p.after.createdAt}::timestamptz, ${p.after.id}::uuid)` : "";
  return `SELECT id, domain_id, name, status, created_at, updated_at FROM campaigns
           WHERE tenant_id = ${p.tenant}${afterCursor}
           ORDER BY ${CAMPAIGN_PAGE_ORDER} LIMIT ${p.first}::int + 1`;
}
