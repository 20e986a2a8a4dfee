import { Field, ID, InputType, ObjectType } from "type-graphql";
import type { AlertKind, AlertSeverity } from "../../core/alert-rules";
import { connectionType } from "../../platform/graphql/connection";
import { UserError } from "../../platform/graphql/user-error";
import { Alert, AlertKindEnum, AlertSeverityEnum } from "./alert.entity";

export const AlertConnection = connectionType("Alert", Alert);

@InputType("AlertFilter", { description: "Narrows a list of alerts; all given conditions must hold." })
export class AlertFilterInput {
  @Field(() => Date, {
    nullable: true,
    description: "Only alerts created at or after this time (catch-up after a reconnect).",
  })
  since?: Date | null;

  @Field(() => AlertSeverityEnum, { nullable: true, description: "Only alerts of this severity." })
  severity?: AlertSeverity | null;

  @Field(() => AlertKindEnum, { nullable: true, description: "Only alerts of this kind." })
  kind?: AlertKind | null;

  @Field(() => Boolean, { nullable: true, description: "true: only acknowledged alerts; false: only open ones." })
  acknowledged?: boolean | null;

  @Field(() => ID, { nullable: true, description: "Only this campaign's alerts." })
  campaignId?: string | null;
}

@InputType("AcknowledgeAlertInput", { description: "The alert to acknowledge." })
export class AcknowledgeAlertInput {
  @Field(() => ID, { description: "The alert." })
  id: string;
}

@ObjectType("AcknowledgeAlertPayload", { description: "Result of acknowledgeAlert." })
export class AcknowledgeAlertPayload {
  @Field(() => Alert, { nullable: true, description: "The acknowledged alert; null when userErrors is not empty." })
  alert: Alert | null;

  @Field(() => [UserError], { description: "Problems with the input; empty on success." })
  userErrors: UserError[];
}

@InputType("AlertRaisedFilter", { description: "Which alerts a subscriber wants." })
export class AlertRaisedFilterInput {
  @Field(() => AlertSeverityEnum, { nullable: true, description: "Only alerts at least this severe." })
  minSeverity?: AlertSeverity | null;

  @Field(() => [AlertKindEnum], { nullable: true, description: "Only these kinds." })
  kinds?: AlertKind[] | null;

  @Field(() => ID, { nullable: true, description: "Only this campaign's alerts." })
  campaignId?: string | null;
}

@InputType("BounceReceivedFilter", { description: "Which bounces a subscriber wants." })
export class BounceReceivedFilterInput {
  @Field(() => ID, { nullable: true, description: "Only this campaign's bounces." })
  campaignId?: string | null;

  @Field(() => ID, { nullable: true, description: "Only bounces of mail sent from this inbox." })
  inboxId?: string | null;

  @Field(() => ID, { nullable: true, description: "Only bounces of mail sent from this domain." })
  domainId?: string | null;

  @Field(() => Boolean, { nullable: true, description: "Only permanent failures (bounceType HARD: the 550s)." })
  onlyPermanent?: boolean | null;
}
