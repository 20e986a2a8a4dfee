import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from "type-graphql";
import type { RequestContext } from "../../platform/context";
import { ConnectionArgs } from "../../platform/graphql/connection";
import { uuidOf } from "../../platform/graphql/global-id";
import { payload } from "../../platform/graphql/payload";
import { Domain } from "../domain";
import { domainService } from "../domain";
import { Inbox } from "./inbox.entity";
import { inboxService } from "./inbox.service";
import {
  CreateInboxInput,
  CreateInboxPayload,
  DeleteInboxInput,
  DeleteInboxPayload,
  InboxConnection,
  UpdateInboxInput,
  UpdateInboxPayload,
} from "./inbox.types";

@Resolver(() => Inbox)
export class InboxResolver {
  @Authorized("read")
  @Query(() => InboxConnection, { description: "The tenant's sending inboxes, newest first." })
  inboxes(@Ctx() ctx: RequestContext, @Args(() => ConnectionArgs) args: ConnectionArgs) {
    return inboxService.list(ctx, args);
  }

  @Authorized("read")
  @Query(() => Inbox, { nullable: true, description: "One inbox by id; null when there is none." })
  inbox(@Ctx() ctx: RequestContext, @Arg("id", () => ID) id: string) {
    const uuid = uuidOf(id, "Inbox");
    return uuid ? inboxService.findById(ctx, uuid) : null;
  }

  @FieldResolver(() => Domain, { description: "The sending domain the inbox belongs to." })
  async domain(@Ctx() ctx: RequestContext, @Root() inbox: Inbox) {
    return domainService.findById(ctx, inbox.domainId);
  }

  @Authorized("write")
  @Mutation(() => CreateInboxPayload, { description: "Add a sending inbox." })
  createInbox(@Ctx() ctx: RequestContext, @Arg("input", () => CreateInboxInput) input: CreateInboxInput) {
    return payload(async () => ({ inbox: await inboxService.create(ctx, uuidOf(input.domainId, "Domain"), input) }), {
      inbox: null,
    });
  }

  @Authorized("write")
  @Mutation(() => UpdateInboxPayload, { description: "Change a sending inbox." })
  updateInbox(@Ctx() ctx: RequestContext, @Arg("input", () => UpdateInboxInput) input: UpdateInboxInput) {
    return payload(async () => ({ inbox: await inboxService.update(ctx, uuidOf(input.id, "Inbox"), input) }), {
      inbox: null,
    });
  }

  @Authorized("write")
  @Mutation(() => DeleteInboxPayload, { description: "Delete a sending inbox; it leaves its campaigns." })
  deleteInbox(@Ctx() ctx: RequestContext, @Arg("input", () => DeleteInboxInput) input: DeleteInboxInput) {
    return payload(async () => ({ deletedInboxId: (await inboxService.delete(ctx, uuidOf(input.id, "Inbox"))).id }), {
      deletedInboxId: null,
    });
  }
}
