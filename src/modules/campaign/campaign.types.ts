import { Field, ID, InputType, ObjectType, registerEnumType } from "type-graphql";
import { connectionType, OrderDirectionEnum, type OrderDirection } from "../../platform/graphql/connection";
import { UserError } from "../../platform/graphql/user-error";
import { Campaign, CampaignStatusEnum, type CampaignStatus } from "./campaign.entity";

export const CampaignConnection = connectionType("Campaign", Campaign);

@InputType("CampaignFilter", {
  description: "Narrows a list of campaigns; all given conditions must hold. Every condition is index-backed.",
})
export class CampaignFilterInput {
  @Field(() => CampaignStatusEnum, { nullable: true, description: "Only campaigns in this status." })
  status?: CampaignStatus | null;

  @Field(() => ID, { nullable: true, description: "Only campaigns of this sending domain." })
  domainId?: string | null;

  @Field(() => String, {
    nullable: true,
    description: "Only campaigns whose name starts with this, any case (at most 200 characters), e.g. launch.",
  })
  namePrefix?: string | null;

  @Field(() => Date, { nullable: true, description: "Only campaigns created at or after this time." })
  createdFrom?: Date | null;

  @Field(() => Date, {
    nullable: true,
    description: "Only campaigns created before this time; not before createdFrom (BAD_USER_INPUT).",
  })
  createdTo?: Date | null;
}

export const CampaignOrderFieldEnum = { CREATED_AT: "CREATED_AT", BOUNCE_RATE: "BOUNCE_RATE" } as const;
registerEnumType(CampaignOrderFieldEnum, {
  name: "CampaignOrderField",
  description: "What a list of campaigns is ordered by.",
  valuesConfig: {
    CREATED_AT: { description: "When the campaign was created." },
    BOUNCE_RATE: {
      description:
        "Lifetime bounce rate, (hard + soft bounces) / sends, all providers together. A campaign that sent nothing has no rate and ranks below every rate (last when DESC).",
    },
  },
});

@InputType("CampaignOrder", { description: "The order of a list of campaigns; ties are broken by id." })
export class CampaignOrderInput {
  @Field(() => CampaignOrderFieldEnum, { description: "What to order by." })
  field: keyof typeof CampaignOrderFieldEnum;

  @Field(() => OrderDirectionEnum, { description: "Which way: DESC is newest, or highest rate, first." })
  direction: OrderDirection;
}

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
