import { Column, Entity, UpdateDateColumn } from "typeorm";
import { Field, ObjectType, registerEnumType } from "type-graphql";
import { Node } from "../../platform/graphql/node";
import { TenantRecord } from "../../platform/db/tenant-record";

export const CAMPAIGN_STATUSES = ["DRAFT", "ACTIVE", "PAUSED", "COMPLETED"] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];
export const CampaignStatusEnum = Object.fromEntries(CAMPAIGN_STATUSES.map((s) => [s, s])) as Record<
  CampaignStatus,
  CampaignStatus
>;
registerEnumType(CampaignStatusEnum, {
  name: "CampaignStatus",
  description: "Where a campaign is in its life: DRAFT, ACTIVE (sending), PAUSED, COMPLETED (final).",
});

@Entity({ name: "campaigns" })
// simpleResolvers: its own fields are read straight off the entity (the id through its getter);
// the fields other modules add (stats, readiness...) keep their resolvers.
@ObjectType("Campaign", {
  implements: Node,
  simpleResolvers: true,
  description: "A cold-email campaign: a domain, its inboxes, and the sends and bounces recorded for it.",
})
export class Campaign extends TenantRecord implements Node {
  @Column({ type: "uuid", name: "domain_id" })
  domainId: string;

  @Field(() => String, { description: "Display name." })
  @Column({ type: "text" })
  name: string;

  @Field(() => CampaignStatusEnum, { description: "DRAFT, ACTIVE, PAUSED or COMPLETED." })
  @Column({ type: "text" })
  status: CampaignStatus;

  @Field(() => Date, { description: "When the campaign was last changed." })
  @UpdateDateColumn({ type: "timestamptz", name: "updated_at" })
  updatedAt: Date;
}
