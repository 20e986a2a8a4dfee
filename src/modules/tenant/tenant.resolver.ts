import { Arg, Authorized, Ctx, Field, InputType, Mutation, ObjectType, Query, Resolver } from "type-graphql";
import type { RequestContext } from "../../platform/context";
import { payload } from "../../platform/graphql/payload";
import { UserError } from "../../platform/graphql/user-error";
import { Tenant } from "./tenant.entity";
import { TenantSettingsInput } from "./tenant-settings";
import { tenantService } from "./tenant.service";

@InputType("UpdateTenantSettingsInput", { description: "Tenant settings to change." })
export class UpdateTenantSettingsInput {
  @Field(() => TenantSettingsInput, { description: "The settings to change; omitted ones keep their value." })
  settings: TenantSettingsInput;
}

@ObjectType("UpdateTenantSettingsPayload", { description: "Result of updateTenantSettings." })
export class UpdateTenantSettingsPayload {
  @Field(() => Tenant, {
    nullable: true,
    description: "The tenant with its new settings; null when userErrors is not empty.",
  })
  tenant: Tenant | null;

  @Field(() => [UserError], { description: "Problems with the input; empty on success." })
  userErrors: UserError[];
}

@Resolver(() => Tenant)
export class TenantResolver {
  @Authorized("read")
  @Query(() => Tenant, { description: "The tenant the API key belongs to." })
  viewer(@Ctx() ctx: RequestContext) {
    return tenantService.current(ctx);
  }

  @Authorized("admin")
  @Mutation(() => UpdateTenantSettingsPayload, { description: "Change the tenant's settings (admin scope)." })
  updateTenantSettings(
    @Ctx() ctx: RequestContext,
    @Arg("input", () => UpdateTenantSettingsInput) input: UpdateTenantSettingsInput,
  ) {
    return payload(async () => ({ tenant: await tenantService.updateSettings(ctx, input.settings) }), { tenant: null });
  }
}
