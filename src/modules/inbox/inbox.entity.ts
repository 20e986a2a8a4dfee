import { Column, Entity, UpdateDateColumn } from "typeorm";
import { Field, Int, ObjectType, registerEnumType } from "type-graphql";
import { Node } from "../../platform/graphql/node";
import { TenantRecord } from "../../platform/db/tenant-record";

export const INBOX_PROVIDERS = ["GOOGLE_WORKSPACE", "MICROSOFT_365", "OTHER"] as const;
export type InboxProvider = (typeof INBOX_PROVIDERS)[number];
export const InboxProviderEnum = Object.fromEntries(INBOX_PROVIDERS.map((p) => [p, p])) as Record<
  InboxProvider,
  InboxProvider
>;
registerEnumType(InboxProviderEnum, {
  name: "InboxProvider",
  description: "Who hosts the sending inbox.",
});

@Entity({ name: "inboxes" })
@ObjectType("Inbox", {
  implements: Node,
  description: "A sending mailbox (an address at one of the tenant's domains).",
})
export class Inbox extends TenantRecord implements Node {
  @Column({ type: "uuid", name: "domain_id" })
  domainId: string;

  @Field(() => String, { description: "The sending address, e.g. alex@acme-mail.com (domain in punycode)." })
  @Column({ type: "text" })
  address: string;

  @Field(() => InboxProviderEnum, { description: "Who hosts the inbox." })
  @Column({ type: "text" })
  provider: InboxProvider;

  @Field(() => Date, { nullable: true, description: "When warm-up began; null if it has not." })
  @Column({ type: "timestamptz", name: "warmup_started_at", nullable: true })
  warmupStartedAt: Date | null;

  @Field(() => Int, { description: "Most messages the inbox may send per day once warmed up." })
  @Column({ type: "integer", name: "daily_limit" })
  dailyLimit: number;

  @Field(() => Date, { description: "When the inbox was last changed." })
  @UpdateDateColumn({ type: "timestamptz", name: "updated_at" })
  updatedAt: Date;
}
