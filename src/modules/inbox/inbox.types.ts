import { Field, ID, InputType, Int, ObjectType } from "type-graphql";
import { connectionType } from "../../platform/graphql/connection";
import { UserError } from "../../platform/graphql/user-error";
import { Inbox, InboxProviderEnum, type InboxProvider } from "./inbox.entity";

export const InboxConnection = connectionType("Inbox", Inbox);

@InputType("CreateInboxInput", { description: "A sending inbox to add." })
export class CreateInboxInput {
  @Field(() => ID, { description: "The sending domain the address belongs to." })
  domainId: string;

  @Field(() => String, {
    description: "The sending address; its domain must be the given domain or a subdomain of it.",
  })
  address: string;

  @Field(() => InboxProviderEnum, { nullable: true, description: "Who hosts the inbox; OTHER when omitted." })
  provider?: InboxProvider | null;

  @Field(() => Date, { nullable: true, description: "When warm-up began." })
  warmupStartedAt?: Date | null;

  @Field(() => Int, {
    nullable: true,
    description: "Most messages per day once warmed up, 1 to 100,000; 50 when omitted.",
  })
  dailyLimit?: number | null;
}

@InputType("UpdateInboxInput", { description: "Changes to an inbox; omitted fields keep their value." })
export class UpdateInboxInput {
  @Field(() => ID, { description: "The inbox to change." })
  id: string;

  @Field(() => InboxProviderEnum, { nullable: true, description: "Who hosts the inbox." })
  provider?: InboxProvider | null;

  @Field(() => Date, { nullable: true, description: "When warm-up began; null clears it." })
  warmupStartedAt?: Date | null;

  @Field(() => Int, { nullable: true, description: "Most messages per day once warmed up, 1 to 100,000." })
  dailyLimit?: number | null;
}

@InputType("DeleteInboxInput", { description: "The inbox to delete." })
export class DeleteInboxInput {
  @Field(() => ID, { description: "The inbox to delete; it is removed from its campaigns." })
  id: string;
}

@ObjectType("CreateInboxPayload", { description: "Result of createInbox." })
export class CreateInboxPayload {
  @Field(() => Inbox, { nullable: true, description: "The new inbox; null when userErrors is not empty." })
  inbox: Inbox | null;

  @Field(() => [UserError], { description: "Problems with the input; empty on success." })
  userErrors: UserError[];
}

@ObjectType("UpdateInboxPayload", { description: "Result of updateInbox." })
export class UpdateInboxPayload {
  @Field(() => Inbox, { nullable: true, description: "The inbox as changed; null when userErrors is not empty." })
  inbox: Inbox | null;

  @Field(() => [UserError], { description: "Problems with the input; empty on success." })
  userErrors: UserError[];
}

@ObjectType("DeleteInboxPayload", { description: "Result of deleteInbox." })
export class DeleteInboxPayload {
  @Field(() => ID, { nullable: true, description: "Id of the deleted inbox; null when userErrors is not empty." })
  deletedInboxId: string | null;

  @Field(() => [UserError], { description: "Problems with the input; empty on success." })
  userErrors: UserError[];
}
