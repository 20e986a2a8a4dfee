import { ArgsType, Field, InputType, Int, ObjectType, registerEnumType, type ClassType } from "type-graphql";
import { badInput } from "./errors";

export const MAX_PAGE_SIZE = 100;

// Connections, edges and PageInfo are simpleResolvers: their fields are read straight off the
// object, without type-graphql's per-field pipeline (there is no middleware or field-level
// auth on them), which every item of every list would pay for.

@ObjectType("PageInfo", {
  simpleResolvers: true,
  description: "Where a page sits in its list (Relay cursor connections).",
})
export class PageInfo {
  @Field(() => Boolean, { description: "True when more items follow this page." })
  hasNextPage: boolean;

  @Field(() => Boolean, { description: "Always false: lists are paged forwards only, with first/after." })
  hasPreviousPage: boolean;

  @Field(() => String, { nullable: true, description: "Cursor of the first item of this page." })
  startCursor: string | null;

  @Field(() => String, {
    nullable: true,
    description: "Cursor of the last item; pass it as `after` for the next page.",
  })
  endCursor: string | null;
}

@ArgsType()
export class ConnectionArgs {
  @Field(() => Int, { description: `How many items to return, 1 to ${MAX_PAGE_SIZE}.` })
  first: number;

  @Field(() => String, { nullable: true, description: "An endCursor from a previous page: return the items after it." })
  after?: string | null;
}

export interface Edge<T> {
  node: T;
  cursor: string;
}

export interface Connection<T> {
  edges: Edge<T>[];
  pageInfo: PageInfo;
  /** The list's size; graphql-js calls it only when totalCount is selected. */
  totalCount: () => Promise<number>;
}

/** What totalCount costs, said on every connection. */
export const TOTAL_COUNT_DESCRIPTION =
  "How many items the whole list holds with these filters, exactly (not just this page). Counted only when selected, with one count over an index of the list: its cost grows with the number of matching items (an index-only count where the visibility map allows), so ask for it on the first page rather than on every one.";

/** Builds the Relay connection and edge object types for a node type. */
export function connectionType<T extends object>(nodeName: string, node: ClassType<T>) {
  @ObjectType(`${nodeName}Edge`, { simpleResolvers: true, description: `One ${nodeName} in a list, with its cursor.` })
  class EdgeType {
    @Field(() => node, { description: `The ${nodeName}.` })
    node: T;

    @Field(() => String, { description: "Opaque cursor of this item; pass it as `after` to continue after it." })
    cursor: string;
  }

  @ObjectType(`${nodeName}Connection`, {
    simpleResolvers: true,
    description: `A page of ${nodeName} items (newest first unless orderBy says otherwise), and the list's totalCount.`,
  })
  class ConnectionType {
    @Field(() => [EdgeType], { description: "The items of this page with their cursors." })
    edges: EdgeType[];

    @Field(() => PageInfo, { description: "Where this page sits in the list." })
    pageInfo: PageInfo;

    @Field(() => Int, { description: TOTAL_COUNT_DESCRIPTION })
    totalCount: () => Promise<number>;
  }
  return ConnectionType;
}

/** Checks `first`; a bad page size is the client's error, never a silent clamp. */
export function checkPageSize(first: number): void {
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw badInput(`first must be between 1 and ${MAX_PAGE_SIZE}.`, "first");
  }
}

/** The direction of a list's order (orderBy: { field, direction }). */
export const OrderDirectionEnum = { ASC: "ASC", DESC: "DESC" } as const;
export type OrderDirection = keyof typeof OrderDirectionEnum;
registerEnumType(OrderDirectionEnum, {
  name: "OrderDirection",
  description: "Which way a list is ordered; ties are broken by id in the same direction.",
  valuesConfig: { ASC: { description: "Oldest (smallest) first." }, DESC: { description: "Newest (largest) first." } },
});

@InputType("CreatedAtOrder", { description: "The order of a list by creation time, ties broken by id." })
export class CreatedAtOrderInput {
  @Field(() => OrderDirectionEnum, { description: "DESC: newest first (the default); ASC: oldest first." })
  direction: OrderDirection;
}
