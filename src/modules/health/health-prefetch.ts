import { Kind, type FieldNode, type GraphQLResolveInfo, type GraphQLSchema, type SelectionSetNode } from "graphql";
import type { RequestContext } from "../../context";
import type { Connection } from "../../graphql/connection";
import type { Campaign } from "../campaign/campaign.entity";
import { healthLoaders } from "./health-loaders";

// A page of campaigns whose health the operation shows is fetched with the page, before
// graphql-js resolves the campaigns' fields, so those fields are answered synchronously
// from memory (HealthLoaders.ready) instead of each returning a promise that waits for a
// batch. Same statement, same count; what changes is that no per-field state (promises,
// resolver frames, Apollo's per-field hooks) sits alive across the database round trip,
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

/** Wraps Query.campaigns so a page that shows health comes back with its health loaded. */
export function withCampaignHealthPrefetch(schema: GraphQLSchema): GraphQLSchema {
  const field = schema.getQueryType()?.getFields().campaigns;
  const resolve = field?.resolve;
  if (!field || !resolve) return schema;
  field.resolve = async (root, args, ctx: RequestContext, info) => {
    const page = (await resolve(root, args, ctx, info)) as Connection<Campaign>;
    const want = healthWanted(info.fieldNodes, info, ["edges", "node"]);
    if (want.totals || want.readiness) await healthLoaders(ctx).prefetch(page.edges.map((e) => e.node.uuid), want.readiness);
    return page;
  };
  return schema;
}
