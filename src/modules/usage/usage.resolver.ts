import { Authorized, Ctx, FieldResolver, Resolver } from "type-graphql";
import type { RequestContext } from "../../platform/context";
import { Tenant } from "../tenant";
import { usageService } from "./usage.service";
import { TenantUsage } from "./usage.types";

@Resolver(() => Tenant)
export class TenantUsageResolver {
  @Authorized("read")
  @FieldResolver(() => TenantUsage, {
    description: "This month's requests, ingested events and sends, the limits in force and the budgets left.",
  })
  usage(@Ctx() ctx: RequestContext) {
    return usageService.usage(ctx);
  }
}
