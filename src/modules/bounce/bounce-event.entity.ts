import { Column, Entity } from "typeorm";
import { Field, Int, ObjectType } from "type-graphql";
import { Node } from "../../platform/graphql/node";
import { TenantRecord } from "../../platform/db/tenant-record";
import {
  Bounce550VariantEnum,
  BounceFaultEnum,
  BounceReasonEnum,
  BounceSourceEnum,
  BounceTypeEnum,
  MailboxProviderEnum,
  type BounceSource,
} from "../../platform/graphql/enums";
import type { Bounce550Variant, BounceFault, BounceReason, BounceType } from "../../core/bounce";
import type { MailboxProvider } from "../../core/providers";
import { AuthResults } from "./bounce-diagnosis.types";

@Entity({ name: "bounce_events" })
@ObjectType("BounceEvent", {
  implements: Node,
  description: "A stored bounce, complaint or delivery report for one recipient, with its diagnosis.",
})
export class BounceEvent extends TenantRecord implements Node {
  @Column({ type: "uuid", name: "campaign_id", nullable: true })
  campaignId: string | null;

  @Column({ type: "uuid", name: "inbox_id", nullable: true })
  inboxId: string | null;

  @Column({ type: "text", name: "dedupe_key" })
  dedupeKey: string;

  @Field(() => BounceSourceEnum, { description: "The channel it arrived through." })
  @Column({ type: "text" })
  source: BounceSource;

  @Field(() => String, { description: "The recipient address." })
  @Column({ type: "text" })
  recipient: string;

  @Field(() => String, { description: "The recipient's domain." })
  @Column({ type: "text", name: "recipient_domain" })
  recipientDomain: string;

  @Field(() => MailboxProviderEnum, { description: "The recipient's mailbox provider." })
  @Column({ type: "text", name: "recipient_provider" })
  recipientProvider: MailboxProvider;

  @Field(() => BounceReasonEnum, { description: "Why it failed, in Sisimai's vocabulary." })
  @Column({ type: "text" })
  reason: BounceReason;

  @Field(() => BounceTypeEnum, { description: "HARD (permanent), SOFT (transient) or UNDETERMINED." })
  @Column({ type: "text", name: "bounce_type" })
  bounceType: BounceType;

  @Field(() => Boolean, { description: "True only when the address itself is bad (it was suppressed)." })
  @Column({ type: "boolean", name: "hard_bounce" })
  hardBounce: boolean;

  @Field(() => BounceFaultEnum, { description: "Whose problem it is." })
  @Column({ type: "text" })
  fault: BounceFault;

  @Field(() => Bounce550VariantEnum, { description: "The 550 decision-matrix row, or NOT_550." })
  @Column({ type: "text" })
  variant: Bounce550Variant;

  @Field(() => String, { nullable: true, description: "RFC 3463 enhanced status code, e.g. 5.1.1." })
  @Column({ type: "text", nullable: true })
  status: string | null;

  @Field(() => Int, { nullable: true, description: "SMTP reply code, e.g. 550." })
  @Column({ type: "integer", name: "reply_code", nullable: true })
  replyCode: number | null;

  @Field(() => String, { nullable: true, description: "The receiving server's own words." })
  @Column({ type: "text", name: "diagnostic_code", nullable: true })
  diagnosticCode: string | null;

  @Field(() => String, { nullable: true, description: "The server that rejected the message." })
  @Column({ type: "text", name: "remote_mta", nullable: true })
  remoteMta: string | null;

  @Field(() => String, { nullable: true, description: "The server that wrote the bounce." })
  @Column({ type: "text", name: "reporting_mta", nullable: true })
  reportingMta: string | null;

  @Field(() => String, { nullable: true, description: "ARF Feedback-Type for spam complaints." })
  @Column({ type: "text", name: "feedback_type", nullable: true })
  feedbackType: string | null;

  @Field(() => AuthResults, { nullable: true, description: "Authentication results found in the bounce, if any." })
  @Column({ type: "jsonb", name: "auth_results", nullable: true })
  authResults: AuthResults | null;

  @Field(() => String, { description: "The likely cause, in plain words." })
  @Column({ type: "text", name: "likely_cause" })
  likelyCause: string;

  @Field(() => String, { description: "The first thing to do about it." })
  @Column({ type: "text", name: "first_action" })
  firstAction: string;

  @Field(() => [String], { description: "Which rules or fields decided the reason." })
  @Column({ type: "text", array: true })
  evidence: string[];

  @Field(() => String, { description: "Version of the classification rules applied at ingestion." })
  @Column({ type: "text", name: "rule_version" })
  ruleVersion: string;

  @Field(() => String, { nullable: true, description: "Message-ID of the original message, when known." })
  @Column({ type: "text", name: "message_id", nullable: true })
  messageId: string | null;

  @Column({ type: "jsonb", name: "vendor_fields", nullable: true })
  vendorFields: unknown;

  @Field(() => Date, { description: "When the bounce happened (as reported), else when it was received." })
  @Column({ type: "timestamptz", name: "occurred_at" })
  occurredAt: Date;

  /** Sending domain, filled in for real-time delivery only (not a column). */
  domainId?: string | null;
}
