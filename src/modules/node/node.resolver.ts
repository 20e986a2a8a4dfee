import { Arg, Authorized, Ctx, ID, Query, Resolver } from "type-graphql";
import type { RequestContext } from "../../platform/context";
import { badInput } from "../../platform/graphql/errors";
import { fromGlobalId } from "../../platform/graphql/global-id";
import { Node } from "../../platform/graphql/node";
import { apiKeyService } from "../api-key";
import { bounceService } from "../bounce";
import { campaignService } from "../campaign";
import { domainService } from "../domain";
import { inboxService } from "../inbox";
import { tenantService } from "../tenant";

type Finder = (ctx: RequestContext, uuid: string) => Promise<object | null>;
/** Many rows of one type in one statement; rows carry their uuid, and missing ones are simply absent. */
type BatchFinder = (ctx: RequestContext, uuids: readonly string[]) => Promise<Array<{ uuid: string }>>;

/** Most ids one nodes() call may ask for. */
export const MAX_NODES = 100;

// One finder per Node type; each filters by the caller's tenant, so another tenant's id
// reads exactly like an id that does not exist.
// A Map, not an object literal: the type name comes from the client's id, and an object
// would also "have" constructor, __proto__, toString... (found through its prototype).
const FINDERS = new Map<string, Finder>([
  ["Domain", (ctx, uuid) => domainService.findById(ctx, uuid)],
  ["Inbox", (ctx, uuid) => inboxService.findById(ctx, uuid)],
  ["Campaign", (ctx, uuid) => campaignService.findById(ctx, uuid)],
  ["BounceEvent", (ctx, uuid) => bounceService.findById(ctx, uuid)],
  ["ApiKey", async (ctx, uuid) => (ctx.auth?.scopes.includes("admin") ? apiKeyService.findById(ctx, uuid) : null)],
  ["Tenant", async (ctx, uuid) => (uuid === ctx.tenantId ? tenantService.current(ctx) : null)],
]);

const BATCH_FINDERS = new Map<string, BatchFinder>([
  ["Domain", (ctx, uuids) => domainService.findByIds(ctx, uuids)],
  ["Inbox", (ctx, uuids) => inboxService.findByIds(ctx, uuids)],
  ["Campaign", (ctx, uuids) => campaignService.findByIds(ctx, uuids)],
  ["BounceEvent", (ctx, uuids) => bounceService.findByIds(ctx, uuids)],
]);

/** Makes a type reachable through node(id:) and nodes(ids:); findMany reads many in one go. */
export function registerNodeType(type: string, finder: Finder, findMany?: BatchFinder): void {
  FINDERS.set(type, finder);
  if (findMany) BATCH_FINDERS.set(type, findMany);
}

@Resolver()
export class NodeResolver {
  @Authorized("read")
  @Query(() => Node, { nullable: true, description: "Fetch any object by its global id; null when there is none." })
  async node(@Ctx() ctx: RequestContext, @Arg("id", () => ID) id: string): Promise<object | null> {
    const ref = fromGlobalId(id);
    const finder = ref ? FINDERS.get(ref.type) : undefined;
    return ref && finder ? finder(ctx, ref.id) : null;
  }

  @Authorized("read")
  @Query(() => [Node], {
    nullable: "items",
    description: `Fetch up to ${MAX_NODES} objects by their global ids, in the same order; null for each id that names none.`,
  })
  async nodes(
    @Ctx() ctx: RequestContext,
    @Arg("ids", () => [ID], { description: `Global ids, at most ${MAX_NODES}.` }) ids: string[],
  ): Promise<Array<object | null>> {
    if (ids.length > MAX_NODES) throw badInput(`At most ${MAX_NODES} ids per call.`, "ids");
    const refs = ids.map((id) => fromGlobalId(id));
    const found = new Map<string, object>();
    const byType = new Map<string, string[]>();
    for (const ref of refs) {
      if (ref && FINDERS.has(ref.type)) byType.set(ref.type, [...(byType.get(ref.type) ?? []), ref.id]);
    }
    for (const [type, uuids] of byType) {
      const many = BATCH_FINDERS.get(type);
      if (many) {
        for (const row of await many(ctx, [...new Set(uuids)])) found.set(`${type}:${row.uuid}`, row);
      } else {
        for (const uuid of uuids) {
          const row = await FINDERS.get(type)!(ctx, uuid);
          if (row) found.set(`${type}:${uuid}`, row);
        }
      }
    }
    return refs.map((ref) => (ref ? (found.get(`${ref.type}:${ref.id}`) ?? null) : null));
  }
}
