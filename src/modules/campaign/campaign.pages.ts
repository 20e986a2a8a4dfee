import type { RequestContext } from "../../platform/context";
import {
  decodeCursor,
  decodeNumberCursor,
  encodeCursor,
  encodeNumberCursor,
  orderedList,
} from "../../platform/db/keyset";
import { badInput } from "../../platform/graphql/errors";
import type { OrderDirection } from "../../platform/graphql/connection";
import { ExtensionPoint } from "../../platform/extensions";
import type { Campaign, CampaignStatus } from "./campaign.entity";

// The campaign list's page: which rows (the filter), in which order, from which cursor. The
// campaign module owns it, and CampaignService.list reads it with campaignPageSql's statement.
//
// The list's extension point: a module that shows something of every campaign of a page
// (health: stats, benchmarks, zone, readiness) may read the page itself, together with what
// it shows, in one statement of its own: the page and its facts in one round trip instead
// of two. It embeds campaignPageSql's statement, so the rows, their order and the cursors
// stay the list's; Query.campaigns, its scope check included, stays its resolver's.

/** The campaigns list's cursor tag (its query alias), shared with the page readers. */
export const CAMPAIGN_LIST = "c";

export type CampaignOrderField = "CREATED_AT" | "BOUNCE_RATE";

export interface CampaignOrder {
  field: CampaignOrderField;
  direction: OrderDirection;
}

export const NEWEST_CAMPAIGNS_FIRST: CampaignOrder = { field: "CREATED_AT", direction: "DESC" };

/** Conditions a page's campaigns meet, all of them (each served by an index). */
export interface CampaignFilter {
  status?: CampaignStatus | null;
  /** The sending domain; an id that names no domain of the tenant matches nothing. */
  domainUuid?: string | null;
  /** The start of the name, any case. */
  namePrefix?: string | null;
  /** Created at or after. */
  createdFrom?: Date | null;
  /** Created before. */
  createdTo?: Date | null;
}

/** The page an operation asks for, and which Campaign fields it selects on the page's nodes. */
export interface CampaignPageRequest {
  first: number;
  after?: string | null;
  order: CampaignOrder;
  filter: CampaignFilter;
  /** Field names selected on `edges.node` (fragments followed, directives not evaluated). */
  fields: ReadonlySet<string>;
}

/**
 * Reads a campaign page in place of CampaignService.list's own statement, when it wants to.
 *
 *   * read() returns null (synchronously) to leave the page to the campaign module, or the
 *     page's first + 1 rows (with their bounceRate) in the statement's order (the extra row
 *     only tells that a next page exists), read with campaignPageSql's statement.
 *   * It runs inside Query.campaigns, after its @Authorized scope check and the request's
 *     checks (checkCampaignPage), on the request's transaction (ctx): it reads, it writes nothing.
 *   * The first reader (in registration order) that answers reads the page.
 */
export interface CampaignPageReader {
  read(ctx: RequestContext, page: CampaignPageRequest): Promise<Campaign[]> | null;
}

export const CAMPAIGN_PAGE_READERS = new ExtensionPoint<CampaignPageReader>("campaign page readers");

/** Each order's key column, read back from the page's rows for the cursor; id breaks ties. */
const KEY = {
  CREATED_AT: { column: "created_at", type: "timestamptz" },
  BOUNCE_RATE: { column: "bounce_rate", type: "float8" },
} as const;

const NAME_PREFIX_MAX = 200;

/** Refuses a request no page can answer: an inverted date range, a prefix longer than any name. */
export function checkCampaignPage(request: Pick<CampaignPageRequest, "filter">): void {
  const { createdFrom, createdTo, namePrefix } = request.filter;
  if (createdFrom && createdTo && createdFrom > createdTo)
    throw badInput("filter.createdFrom must not be after filter.createdTo.", "filter.createdFrom");
  if (namePrefix && namePrefix.length > NAME_PREFIX_MAX)
    throw badInput(`filter.namePrefix must be at most ${NAME_PREFIX_MAX} characters.`, "filter.namePrefix");
}

/** The tag of the order's cursors: a cursor of one order is refused by another. */
function cursorTag(order: CampaignOrder): string {
  return orderedList(CAMPAIGN_LIST, KEY[order.field].column, order.direction);
}

/** The cursor of a campaign in a page of this order. */
export function campaignCursor(campaign: Campaign, order: CampaignOrder): string {
  return order.field === "BOUNCE_RATE"
    ? encodeNumberCursor(campaign.bounceRate, campaign.uuid, cursorTag(order))
    : encodeCursor(campaign, cursorTag(order));
}

/** A page's statement for a reader's own: its SELECT, the values of its placeholders and its order. */
export interface CampaignPageStatement {
  /**
   * SELECT id, domain_id, name, status, created_at, updated_at, bounce_rate FROM campaigns
   * ... first + 1 rows in the order. The same request shape (order, which filters, whether a
   * cursor) always gives the same text, so it can run as a prepared statement.
   */
  sql: string;
  /** Values of the placeholders numbered from firstParam on, in order. */
  values: unknown[];
  /** The page's ORDER BY list, over the columns of its rows (to order what is built from them). */
  order: string;
}

/** The WHERE conditions of a filter (the cursor aside); each value is pushed on `values` and named by `param`. */
function conditions(filter: CampaignFilter, tenant: string, param: () => string, values: unknown[]): string[] {
  const where = [`tenant_id = ${tenant}`];
  const value = (v: unknown) => {
    values.push(v);
    return param();
  };
  if (filter.status) where.push(`status = ${value(filter.status)}`);
  if (filter.domainUuid) where.push(`domain_id = ${value(filter.domainUuid)}::uuid`);
  const prefix = filter.namePrefix?.trim();
  if (prefix) {
    // A range of the leakproof pattern operators over the stored lower-case name, so it is an
    // index condition under row-level security; lower() is PostgreSQL's, as the column's is.
    // Every name that starts with the prefix sorts below prefix || U+10FFFF, the last code point.
    const p = value(prefix);
    where.push(
      `name_lower ~>=~ lower(${p}::text) AND name_lower ~<~ (lower(${p}::text) || chr(1114111)) AND starts_with(name_lower, lower(${p}::text))`,
    );
  }
  if (filter.createdFrom) where.push(`created_at >= ${value(filter.createdFrom)}::timestamptz`);
  if (filter.createdTo) where.push(`created_at < ${value(filter.createdTo)}::timestamptz`);
  return where;
}

/**
 * The page as a statement: the tenant and the page size are placeholders of the caller's
 * statement (`tenant`, `first`: a uuid, an int); the filter's and the cursor's values are
 * numbered from `firstParam` on and returned in `values`.
 */
export function campaignPageSql(
  request: Pick<CampaignPageRequest, "after" | "order" | "filter">,
  p: { tenant: string; first: string; firstParam: number },
): CampaignPageStatement {
  const values: unknown[] = [];
  let n = p.firstParam;
  const param = () => `$${n++}`;
  const where = conditions(request.filter, p.tenant, param, values);
  const { column, type } = KEY[request.order.field];
  const dir = request.order.direction;
  if (request.after) {
    const tag = cursorTag(request.order);
    if (request.order.field === "BOUNCE_RATE") {
      const c = decodeNumberCursor(request.after, tag);
      values.push(c.value, c.uuid);
    } else {
      const c = decodeCursor(request.after, tag);
      values.push(c.createdAt, c.uuid);
    }
    const [key, id] = [param(), param()];
    where.push(`(${column}, id) ${dir === "DESC" ? "<" : ">"} (${key}::${type}, ${id}::uuid)`);
  }
  const order = `${column} ${dir}, id ${dir}`;
  return {
    sql: `SELECT id, domain_id, name, status, created_at, updated_at, bounce_rate FROM campaigns
           WHERE ${where.join(" AND ")}
           ORDER BY ${order} LIMIT ${p.first}::int + 1`,
    values,
    order,
  };
}

/** totalCount's statement: count(*) over the filter's conditions (placeholders as campaignPageSql's). */
export function campaignCountSql(
  filter: CampaignFilter,
  p: { tenant: string; firstParam: number },
): { sql: string; values: unknown[] } {
  const values: unknown[] = [];
  let n = p.firstParam;
  const where = conditions(filter, p.tenant, () => `$${n++}`, values);
  return { sql: `SELECT count(*) AS n FROM campaigns WHERE ${where.join(" AND ")}`, values };
}
