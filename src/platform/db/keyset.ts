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

export async function pageOf<T extends ObjectLiteral & Keyed>(
  qb: SelectQueryBuilder<T>,
  alias: string,
  args: { first: number; after?: string | null },
): Promise<Connection<T>> {
  checkPageSize(args.first);
  if (args.after) {
    const { createdAt, uuid } = decodeCursor(args.after, alias);
    qb.andWhere(`(${alias}.created_at, ${alias}.id) < (:afterCreatedAt, :afterId)`, {
      afterCreatedAt: createdAt,
      afterId: uuid,
    });
  }
  const rows = await qb
    .orderBy(`${alias}.created_at`, "DESC")
    .addOrderBy(`${alias}.id`, "DESC")
    .limit(args.first + 1)
    .getMany();
  return connectionOf(rows, args.first, alias);
}

/** A connection from up to first + 1 rows in keyset order (the extra row only says a next page exists). */
export function connectionOf<T extends Keyed>(rows: readonly T[], first: number, list: string): Connection<T> {
  const page = rows.slice(0, first);
  const edges = page.map((node) => ({ node, cursor: encodeCursor(node, list) }));
  return {
    edges,
    pageInfo: {
      hasNextPage: rows.length > first,
      hasPreviousPage: false,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}
