import { Arg, Args, Authorized, Ctx, ID, Mutation, Query, Resolver } from "type-graphql";
import type { RequestContext } from "../../platform/context";
import { ConnectionArgs } from "../../platform/graphql/connection";
import { uuidOf } from "../../platform/graphql/global-id";
import { payload } from "../../platform/graphql/payload";
import { Domain } from "./domain.entity";
import { domainService } from "./domain.service";
import {
  CreateDomainInput,
  CreateDomainPayload,
  DeleteDomainInput,
  DeleteDomainPayload,
  DomainConnection,
  UpdateDomainInput,
  UpdateDomainPayload,
} from "./domain.types";

@Resolver(() => Domain)
export class DomainResolver {
  @Authorized("read")
  @Query(() => DomainConnection, { description: "The tenant's sending domains, newest first." })
  domains(@Ctx() ctx: RequestContext, @Args(() => ConnectionArgs) args: ConnectionArgs) {
    return domainService.list(ctx, args);
  }

  @Authorized("read")
  @Query(() => Domain, { nullable: true, description: "One sending domain by id; null when there is none." })
  domain(@Ctx() ctx: RequestContext, @Arg("id", () => ID) id: string) {
    const uuid = uuidOf(id, "Domain");
    return uuid ? domainService.findById(ctx, uuid) : null;
  }

  @Authorized("write")
  @Mutation(() => CreateDomainPayload, { description: "Add a sending domain." })
  createDomain(@Ctx() ctx: RequestContext, @Arg("input", () => CreateDomainInput) input: CreateDomainInput) {
    return payload(async () => ({ domain: await domainService.create(ctx, input) }), { domain: null });
  }

  @Authorized("write")
  @Mutation(() => UpdateDomainPayload, { description: "Change a sending domain." })
  updateDomain(@Ctx() ctx: RequestContext, @Arg("input", () => UpdateDomainInput) input: UpdateDomainInput) {
    return payload(async () => ({ domain: await domainService.update(ctx, uuidOf(input.id, "Domain"), input) }), {
      domain: null,
    });
  }

  @Authorized("write")
  @Mutation(() => DeleteDomainPayload, { description: "Delete a sending domain that no inbox or campaign uses." })
  deleteDomain(@Ctx() ctx: RequestContext, @Arg("input", () => DeleteDomainInput) input: DeleteDomainInput) {
    return payload(
      async () => ({ deletedDomainId: (await domainService.delete(ctx, uuidOf(input.id, "Domain"))).id }),
      { deletedDomainId: null },
    );
  }
}
