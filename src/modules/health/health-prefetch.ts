import {
  GraphQLObjectType,
  Kind,
  type FieldNode,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  type SelectionSetNode,
} from "graphql";
import type { RequestContext } from "../../platform/context";
import { connectionOf } from "../../platform/db/keyset";
import { CAMPAIGN_LIST, campaignService } from "../campaign";
import { requireScopes } from "../api-key";
import type { Campaign } from "../campaign";
import { healthLoaders } from "./health-loaders";
import { CampaignHealthResolver } from "./health.resolver";

// A page of campaigns whose health the operation shows is read together with that health,
// in one statement, before graphql-js resolves the campaigns' fields. The page and its health
// cost one round trip instead of two, and the health fields are answered synchronously from
// memory (HealthLoaders.ready) instead of each returning a promise that waits for a batch:
// no per-field state (promises, resolver frames) sits alive across the database round trip,
// which under load is what the garbage collector copied and promoted.

const TOTALS_FIELDS = new Set(["stats", "benchmarks", "zone"]);

/** Which health fields a selection of Campaign asks for (fragments followed; directives ignored: at worst a prefetch too many). */
function wanted(
  set: SelectionSetNode | undefined,
  info: GraphQLResolveInfo,
  path: readonly string[],
  out: { totals: boolean; readiness: boolean },
): void {
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
    const page = args as { first: number; after?: string | null; filter?: unknown; orderBy?: unknown };
    // The prefetch reads the default list (newest first, unfiltered); any other goes the usual way.
    if ((!want.totals && !want.readiness) || page.filter || page.orderBy) return resolve(root, args, ctx, info);
    requireScopes(ctx.auth, ["read"]);
    return connectionOf(await healthLoaders(ctx).page(page, want.readiness), page.first, CAMPAIGN_LIST, () =>
      campaignService.count(ctx),
    );
  };
  return schema;
}

/**
 * Campaign's health fields (stats, benchmarks, zone, readiness) called straight on their
 * resolver methods, which take only the context and the campaign: type-graphql's handler
 * builds and sorts a parameter list per call (200 calls per 50-campaign page; the sort alone
 * was 3 % of what a dashboard request allocates). Same methods, same arguments.
 */
export function withDirectCampaignHealthFields(schema: GraphQLSchema): GraphQLSchema {
  const campaign = schema.getType("Campaign");
  if (!(campaign instanceof GraphQLObjectType)) return schema;
  const fields = campaign.getFields();
  const r = new CampaignHealthResolver();
  const methods = {
    stats: (ctx: RequestContext, c: Campaign) => r.stats(ctx, c),
    benchmarks: (ctx: RequestContext, c: Campaign) => r.benchmarks(ctx, c),
    zone: (ctx: RequestContext, c: Campaign) => r.zone(ctx, c),
    readiness: (ctx: RequestContext, c: Campaign) => r.readiness(ctx, c),
  };
  for (const [name, method] of Object.entries(methods)) {
    if (fields[name]) fields[name].resolve = (root: Campaign, _args: unknown, ctx: RequestContext) => method(ctx, root);
  }
  return schema;
}
