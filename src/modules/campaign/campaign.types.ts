import { Field, ID, InputType, ObjectType } from "type-graphql";
import { connectionType } from "../../platform/graphql/connection";
import { UserError } from "../../platform/graphql/user-error";
import { Campaign, CampaignStatusEnum, type CampaignStatus } from "./campaign.entity";

export const CampaignConnection = connectionType("Campaign", Campaign);

@InputType("CreateCampaignInput", { description: "A campaign to add." })
export class CreateCampaignInput {
  @Field(() => String, { description: "Display name, 1 to 200 characters." })
  name: string;

  @Field(() => ID, { description: "The sending domain." })
  domainId: string;

  @Field(() => [ID], { nullable: true, description: "Inboxes that send it; each must belong to the domain." })
  inboxIds?: string[] | null;

  @Field(() => CampaignStatusEnum, { nullable: true, description: "Initial status; DRAFT when omitted." })
  status?: CampaignStatus | null;
}

@InputType("UpdateCampaignInput", { description: "Changes to a campaign; omitted fields keep their value." })
export class UpdateCampaignInput {
  @Field(() => ID, { description: "The campaign to change." })
  id: string;

  @Field(() => String, { nullable: true, description: "New name." })
  name?: string | null;

  @Field(() => CampaignStatusEnum, {
    nullable: true,
    description: "New status. A COMPLETED campaign cannot change status.",
  })
  status?: CampaignStatus | null;

  @Field(() => [ID], { nullable: true, description: "Replaces the campaign's inboxes." })
  inboxIds?: string[] | null;
}

@InputType("DeleteCampaignInput", { description: "The campaign to delete." })
export class DeleteCampaignInput {
  @Field(() => ID, { description: "The campaign to delete. Its bounce events are kept, without the campaign." })
  id: string;
}

@ObjectType("CreateCampaignPayload", { description: "Result of createCampaign." })
export class CreateCampaignPayload {
  @Field(() => Campaign, { nullable: true, description: "The new campaign; null when userErrors is not empty." })
  campaign: Campaign | null;

  @Field(() => [UserError], { description: "Problems with the input; empty on success." })
  userErrors: UserError[];
}

@ObjectType("UpdateCampaignPayload", { description: "Result of updateCampaign." })
export class UpdateCampaignPayload {
  @Field(() => Campaign, { nullable: true, description: "The campaign as changed; null when userErrors is not empty." })
  campaign: Campaign | null;

  @Field(() => [UserError], { description: "Problems with the input; empty on success." })
  userErrors: UserError[];
}

@ObjectType("DeleteCampaignPayload", { description: "Result of deleteCampaign." })
export class DeleteCampaignPayload {
  @Field(() => ID, { nullable: true, description: "Id of the deleted campaign; null when userErrors is not empty." })
  deletedCampaignId: string | null;

  @Field(() => [UserError], { description: "Problems with the input; empty on success." })
  userErrors: UserError[];
}
