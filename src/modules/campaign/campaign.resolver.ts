import type { GraphQLResolveInfo } from "graphql";
import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Info, Mutation, Query, Resolver, Root } from "type-graphql";
import type { RequestContext } from "../../platform/context";
import { ConnectionArgs } from "../../platform/graphql/connection";
import { selectedFields } from "../../platform/graphql/selection";
import { uuidOf } from "../../platform/graphql/global-id";
import { payload } from "../../platform/graphql/payload";
import { Domain } from "../domain";
import { domainService } from "../domain";
import { Inbox } from "../inbox";
import { Campaign } from "./campaign.entity";
import { campaignService } from "./campaign.service";
import {
  CampaignConnection,
  CampaignFilterInput,
  CampaignOrderInput,
  CreateCampaignInput,
  CreateCampaignPayload,
  DeleteCampaignInput,
  DeleteCampaignPayload,
  UpdateCampaignInput,
  UpdateCampaignPayload,
} from "./campaign.types";
import { inboxesByCampaign } from "./campaign.service";

const NO_MATCH = "00000000-0000-0000-0000-000000000000";

@Resolver(() => Campaign)
export class CampaignResolver {
  @Authorized("read")
  @Query(() => CampaignConnection, {
    description: "The tenant's campaigns, newest first unless orderBy says otherwise.",
  })
  campaigns(
    @Ctx() ctx: RequestContext,
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Info() info: GraphQLResolveInfo,
    @Arg("filter", () => CampaignFilterInput, { nullable: true, description: "Conditions the campaigns must meet." })
    filter?: CampaignFilterInput | null,
    @Arg("orderBy", () => CampaignOrderInput, {
      nullable: true,
      description: "The order; default { field: CREATED_AT, direction: DESC }.",
    })
    orderBy?: CampaignOrderInput | null,
  ) {
    return campaignService.list(ctx, args, selectedFields(info, ["edges", "node"]), orderBy ?? undefined, {
      status: filter?.status,
      // An id that names nothing of this tenant matches nothing (never "no filter").
      domainUuid: filter?.domainId ? (uuidOf(filter.domainId, "Domain") ?? NO_MATCH) : null,
      namePrefix: filter?.namePrefix,
      createdFrom: filter?.createdFrom,
      createdTo: filter?.createdTo,
    });
  }

  @Authorized("read")
  @Query(() => Campaign, { nullable: true, description: "One campaign by id; null when there is none." })
  campaign(@Ctx() ctx: RequestContext, @Arg("id", () => ID) id: string) {
    const uuid = uuidOf(id, "Campaign");
    return uuid ? campaignService.findById(ctx, uuid) : null;
  }

  @FieldResolver(() => Domain, { description: "The sending domain." })
  domain(@Ctx() ctx: RequestContext, @Root() campaign: Campaign) {
    return domainService.findById(ctx, campaign.domainId);
  }

  @FieldResolver(() => [Inbox], { description: "The inboxes that send the campaign." })
  inboxes(@Ctx() ctx: RequestContext, @Root() campaign: Campaign) {
    return inboxesByCampaign(ctx).load(campaign.uuid);
  }

  @Authorized("write")
  @Mutation(() => CreateCampaignPayload, { description: "Add a campaign." })
  createCampaign(@Ctx() ctx: RequestContext, @Arg("input", () => CreateCampaignInput) input: CreateCampaignInput) {
    return payload(async () => ({ campaign: await campaignService.create(ctx, input) }), { campaign: null });
  }

  @Authorized("write")
  @Mutation(() => UpdateCampaignPayload, { description: "Change a campaign's name, status or inboxes." })
  updateCampaign(@Ctx() ctx: RequestContext, @Arg("input", () => UpdateCampaignInput) input: UpdateCampaignInput) {
    return payload(async () => ({ campaign: await campaignService.update(ctx, uuidOf(input.id, "Campaign"), input) }), {
      campaign: null,
    });
  }

  @Authorized("write")
  @Mutation(() => DeleteCampaignPayload, { description: "Delete a campaign; its bounce events are kept without it." })
  deleteCampaign(@Ctx() ctx: RequestContext, @Arg("input", () => DeleteCampaignInput) input: DeleteCampaignInput) {
    return payload(
      async () => ({ deletedCampaignId: (await campaignService.delete(ctx, uuidOf(input.id, "Campaign"))).id }),
      { deletedCampaignId: null },
    );
  }
}
