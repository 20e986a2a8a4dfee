import { Arg, Authorized, Ctx, ID, Query, Resolver } from "type-graphql";
import type { RequestContext } from "../../platform/context";
import { fromGlobalId } from "../../platform/graphql/global-id";
import { Node } from "../../platform/graphql/node";
import { apiKeyService } from "../api-key";
import { bounceService } from "../bounce";
import { campaignService } from "../campaign";
import { domainService } from "../domain";
import { inboxService } from "../inbox";
import { tenantService } from "../tenant";

type Finder = (ctx: RequestContext, uuid: string) => Promise<object | null>;

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

export function registerNodeType(type: string, finder: Finder): void {
  FINDERS.set(type, finder);
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
}
