import { Kind, type FieldNode, type GraphQLResolveInfo, type GraphQLSchema, type SelectionSetNode } from "graphql";
import type { RequestContext } from "../../context";
import { connectionOf } from "../../db/keyset";
import { requireScopes } from "../api-key/api-key.scopes";
import { healthLoaders } from "./health-loaders";

// A page of campaigns whose health the operation shows is read together with that health,
// in one statement, before graphql-js resolves the campaigns' fields. The page and its health
// cost one round trip instead of two, and the health fields are answered synchronously from
// memory (HealthLoaders.ready) instead of each returning a promise that waits for a batch:
// no per-field state (promises, resolver frames) sits alive across the database round trip,
// which under load is what the garbage collector copied and promoted.

const TOTALS_FIELDS = new Set(["stats", "benchmarks", "zone"]);

/** Which health fields a selection of Campaign asks for (fragments followed; directives ignored: at worst a prefetch too many). */
function wanted(set: SelectionSetNode | undefined, info: GraphQLResolveInfo, path: readonly string[], out: { totals: boolean; readiness: boolean }): void {
  if (!set) return;
  for (const s of set.selections) {
    if (s.kind === Kind.INLINE_FRAGMENT) wanted(s.selectionSet, info, path, out);
    else if (s.kind === Kind.FRAGMENT_SPREAD) wanted(info.fragments[s.name.value]?.selectionSet, info, path, out);
    else if (path.length > 0) {
      if (s.name.value === path[0]) wanted(s.selectionSet, info, path.slice(1), out);
    } else if (TOTALS_FIELDS.has(s.name.value)) out.totals = true;
    else if (s.name.value === "readiness") out.readiness = true;
  }
}

export function healthWanted(fieldNodes: readonly FieldNode[], info: GraphQLResolveInfo, path: readonly string[]) {
  const out = { totals: false, readiness: false };
  for (const f of fieldNodes) wanted(f.selectionSet, info, path, out);
  return out;
}

/**
 * Wraps Query.campaigns: a page that shows health is read with its health in one statement
 * (HealthLoaders.page); any other page goes through CampaignResolver as usual. The wrapper
 * stands in for that resolver, so it enforces the same @Authorized("read").
 */
export function withCampaignHealthPrefetch(schema: GraphQLSchema): GraphQLSchema {
  const field = schema.getQueryType()?.getFields().campaigns;
  const resolve = field?.resolve;
  if (!field || !resolve) return schema;
  field.resolve = async (root, args, ctx: RequestContext, info) => {
    const want = healthWanted(info.fieldNodes, info, ["edges", "node"]);
    if (!want.totals && !want.readiness) return resolve(root, args, ctx, info);
    requireScopes(ctx.auth, ["read"]);
    const page = args as { first: number; after?: string | null };
    return connectionOf(await healthLoaders(ctx).page(page, want.readiness), page.first);
  };
  return schema;
}
