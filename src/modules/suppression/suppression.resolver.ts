import DataLoader from "dataloader";
import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from "type-graphql";
import type { RequestContext } from "../../platform/context";
import { ConnectionArgs, CreatedAtOrderInput } from "../../platform/graphql/connection";
import { toGlobalId, uuidOf } from "../../platform/graphql/global-id";
import { payload } from "../../platform/graphql/payload";
import { BounceEvent } from "../bounce";
import { bounceService } from "../bounce";
import { registerNodeType } from "../node";
import { Suppression } from "./suppression.entity";
import { suppressionService } from "./suppression.service";
import {
  AddSuppressionsInput,
  AddSuppressionsPayload,
  RecipientCheck,
  RemoveSuppressionInput,
  RemoveSuppressionPayload,
  SuppressionConnection,
  SuppressionFilterInput,
} from "./suppression.types";

registerNodeType("Suppression", (ctx, uuid) => suppressionService.findById(ctx, uuid));

// Per-request loader for the causing events, so a page of suppressions costs one statement.
const eventLoaders = new WeakMap<RequestContext, DataLoader<string, BounceEvent | null>>();
function eventLoader(ctx: RequestContext): DataLoader<string, BounceEvent | null> {
  let loader = eventLoaders.get(ctx);
  if (!loader) {
    loader = new DataLoader(async (ids) => {
      const rows = new Map((await bounceService.findByIds(ctx, ids)).map((e) => [e.uuid, e]));
      return ids.map((id) => rows.get(id) ?? null);
    });
    eventLoaders.set(ctx, loader);
  }
  return loader;
}

@Resolver(() => Suppression)
export class SuppressionResolver {
  @Authorized("read")
  @Query(() => SuppressionConnection, {
    description:
      "The tenant's suppressions, newest first unless orderBy says otherwise; active ones only unless the filter says includeRemoved.",
  })
  suppressions(
    @Ctx() ctx: RequestContext,
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Arg("filter", () => SuppressionFilterInput, {
      nullable: true,
      description: "Conditions the suppressions must meet; active ones only unless includeRemoved.",
    })
    filter?: SuppressionFilterInput | null,
    @Arg("orderBy", () => CreatedAtOrderInput, { nullable: true, description: "The order; newest first by default." })
    orderBy?: CreatedAtOrderInput | null,
  ) {
    return suppressionService.list(ctx, args, filter ?? {}, orderBy?.direction ?? "DESC");
  }

  @Authorized("read")
  @Query(() => [RecipientCheck], {
    description: "The pre-send check: a verdict per address (at most 10,000), in the order given.",
  })
  checkRecipients(
    @Ctx() ctx: RequestContext,
    @Arg("addresses", () => [String], { description: "The addresses a campaign is about to mail." })
    addresses: string[],
  ) {
    return suppressionService.check(ctx, addresses);
  }

  @Authorized("write")
  @Mutation(() => AddSuppressionsPayload, {
    description: "Suppress addresses or whole domains by hand (at most 10,000 per call).",
  })
  addSuppressions(@Ctx() ctx: RequestContext, @Arg("input", () => AddSuppressionsInput) input: AddSuppressionsInput) {
    return payload(() => suppressionService.add(ctx, input), { suppressions: [], inserted: 0 });
  }

  @Authorized("write")
  @Mutation(() => RemoveSuppressionPayload, {
    description: "Lift a suppression. It stays in the audit trail with who removed it and when.",
  })
  removeSuppression(
    @Ctx() ctx: RequestContext,
    @Arg("input", () => RemoveSuppressionInput) input: RemoveSuppressionInput,
  ) {
    return payload(
      async () => ({ suppression: await suppressionService.remove(ctx, uuidOf(input.id, "Suppression"), input.note) }),
      { suppression: null },
    );
  }

  @FieldResolver(() => BounceEvent, {
    nullable: true,
    description: "The bounce or complaint that caused it; null for manual suppressions.",
  })
  event(@Ctx() ctx: RequestContext, @Root() s: Suppression) {
    return s.eventId ? eventLoader(ctx).load(s.eventId) : null;
  }

  @FieldResolver(() => ID, {
    nullable: true,
    description: "The API key that added it by hand (node(id:) resolves it for admins); null when automatic.",
  })
  createdByApiKeyId(@Root() s: Suppression) {
    return s.createdByKeyId ? toGlobalId("ApiKey", s.createdByKeyId) : null;
  }

  @FieldResolver(() => ID, {
    nullable: true,
    description: "The API key that removed it; null while it stands or when it expired.",
  })
  removedByApiKeyId(@Root() s: Suppression) {
    return s.removedByKeyId ? toGlobalId("ApiKey", s.removedByKeyId) : null;
  }
}
