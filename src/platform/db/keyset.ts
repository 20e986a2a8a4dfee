import type { ObjectLiteral, SelectQueryBuilder } from "typeorm";
import { badInput } from "../graphql/errors";
import { checkPageSize, type Connection } from "../graphql/connection";

// Keyset (seek) pagination over (created_at, id), newest first: stable under inserts and
// index-only, where OFFSET would rescan. Timestamps are stored at millisecond precision so
// a cursor round-trips through a JavaScript Date exactly.

interface Keyed {
  uuid: string;
  createdAt: Date;
}

// A cursor names its list (the alias of the list's query, one per kind of object), so a
// cursor taken from one list and given to another is refused instead of paging the wrong
// rows from an arbitrary position.

export function encodeCursor(row: Keyed, list: string): string {
  return Buffer.from(`${list}|${row.createdAt.toISOString()}|${row.uuid}`, "utf8").toString("base64url");
}

export function decodeCursor(cursor: string, list: string): { createdAt: Date; uuid: string } {
  const [tag, iso, uuid] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  const createdAt = new Date(iso ?? "");
  if (tag !== list || !uuid || !/^[0-9a-f-]{36}$/.test(uuid) || Number.isNaN(createdAt.getTime())) {
    throw badInput("after is not a cursor from this list.", "after");
  }
  return { createdAt, uuid };
}

/**
 * The order of a list: a timestamp column (with the entity property that holds it) and a
 * direction, id breaking ties. The default, created_at newest first, keeps the cursors made
 * before lists could be ordered; any other order tags its cursors (list:tag) so that a cursor
 * of one order is refused by another.
 */
export interface KeysetOrder {
  column: "created_at" | "occurred_at";
  property: "createdAt" | "occurredAt";
  direction: "ASC" | "DESC";
}

export const NEWEST_FIRST: KeysetOrder = { column: "created_at", property: "createdAt", direction: "DESC" };

function cursorList(list: string, order: KeysetOrder): string {
  return orderedList(list, order.column, order.direction);
}

/** The tag of a list's cursors in an order: the list itself for newest first, else list:column:direction. */
export function orderedList(list: string, column: string, direction: "ASC" | "DESC"): string {
  return column === "created_at" && direction === "DESC" ? list : `${list}:${column}:${direction}`;
}

/**
 * A cursor of an order by a number (a rate kept on the row), id breaking ties. The number is
 * written in JavaScript's shortest round-trip form, which PostgreSQL reads back as the same
 * double precision value, so the next page starts exactly after the row.
 */
export function encodeNumberCursor(value: number, uuid: string, list: string): string {
  return Buffer.from(`${list}|${value}|${uuid}`, "utf8").toString("base64url");
}

export function decodeNumberCursor(cursor: string, list: string): { value: number; uuid: string } {
  const [tag, text, uuid] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  const value = Number(text);
  if (tag !== list || !uuid || !/^[0-9a-f-]{36}$/.test(uuid) || !text || !Number.isFinite(value)) {
    throw badInput("after is not a cursor from this list.", "after");
  }
  return { value, uuid };
}

/**
 * A page in keyset order with the list's exact size. totalCount is counted only when the
 * operation selects it (graphql-js calls the function), with count(*) over the same
 * conditions: an index-only count where an index covers them, linear in the matching rows.
 */
export async function pageOf<T extends ObjectLiteral & Keyed>(
  qb: SelectQueryBuilder<T>,
  alias: string,
  args: { first: number; after?: string | null },
  order: KeysetOrder = NEWEST_FIRST,
): Promise<Connection<T>> {
  const counted = qb.clone();
  const rows = await keysetQuery(qb, alias, args, order).getMany();
  return connectionOf(rows, args.first, cursorList(alias, order), () => countOf(counted), order.property);
}

/** The statement of one page: after the cursor, in the order, first + 1 rows. */
export function keysetQuery<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  alias: string,
  args: { first: number; after?: string | null },
  order: KeysetOrder = NEWEST_FIRST,
): SelectQueryBuilder<T> {
  checkPageSize(args.first);
  if (args.after) {
    const { createdAt: at, uuid } = decodeCursor(args.after, cursorList(alias, order));
    const op = order.direction === "DESC" ? "<" : ">";
    qb.andWhere(`(${alias}.${order.column}, ${alias}.id) ${op} (:afterAt, :afterId)`, { afterAt: at, afterId: uuid });
  }
  return qb
    .orderBy(`${alias}.${order.column}`, order.direction)
    .addOrderBy(`${alias}.id`, order.direction)
    .limit(args.first + 1);
}

/** count(*) of a query's rows (TypeORM's getCount counts DISTINCT primary keys, which sorts them all). */
export async function countOf(qb: SelectQueryBuilder<ObjectLiteral>): Promise<number> {
  const row = await countQuery(qb).getRawOne<{ n: string }>();
  return Number(row?.n ?? 0);
}

/** The statement of totalCount: count(*) over a list's conditions, unordered. */
export function countQuery<T extends ObjectLiteral>(qb: SelectQueryBuilder<T>): SelectQueryBuilder<T> {
  return qb.select("count(*)", "n").orderBy();
}

/** A connection from up to first + 1 rows in keyset order (the extra row only says a next page exists). */
export function connectionOf<T extends Keyed>(
  rows: readonly T[],
  first: number,
  list: string,
  totalCount: () => Promise<number>,
  key: KeysetOrder["property"] = "createdAt",
): Connection<T> {
  return connectionWith(
    rows,
    first,
    (node) => encodeCursor({ uuid: node.uuid, createdAt: (node as unknown as Record<string, Date>)[key] }, list),
    totalCount,
  );
}

/** A connection from up to first + 1 rows in keyset order, each row's cursor made by cursorOf. */
export function connectionWith<T>(
  rows: readonly T[],
  first: number,
  cursorOf: (node: T) => string,
  totalCount: () => Promise<number>,
): Connection<T> {
  const page = rows.slice(0, first);
  const edges = page.map((node) => ({ node, cursor: cursorOf(node) }));
  let counting: Promise<number> | null = null;
  return {
    edges,
    pageInfo: {
      hasNextPage: rows.length > first,
      hasPreviousPage: false,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
    totalCount: () => (counting ??= totalCount()),
  };
}
