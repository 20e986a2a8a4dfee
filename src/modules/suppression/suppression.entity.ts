import { Column, Entity } from "typeorm";
import { Field, ObjectType, registerEnumType } from "type-graphql";
import { TenantRecord } from "../../platform/db/tenant-record";
import { Node } from "../../platform/graphql/node";
import { BounceReasonEnum } from "../../platform/graphql/enums";
import type { BounceReason } from "../../core/bounce";
import {
  SUPPRESSION_REASONS,
  SUPPRESSION_SCOPES,
  type SuppressionReason,
  type SuppressionScope,
} from "../../core/suppression-policy";

export const SuppressionReasonEnum = Object.fromEntries(SUPPRESSION_REASONS.map((r) => [r, r])) as Record<
  SuppressionReason,
  SuppressionReason
>;
registerEnumType(SuppressionReasonEnum, {
  name: "SuppressionReason",
  description: "Why an address or domain is suppressed.",
  valuesConfig: {
    HARD_BOUNCE: {
      description: "A bounce proved the address bad (user unknown, mailbox moved, domain accepts no mail).",
    },
    UNKNOWN_DOMAIN: {
      description: "The recipient domain does not exist or has no mail server: the whole domain is suppressed.",
    },
    SOFT_BOUNCE_LIMIT: {
      description: "Too many recipient-side soft bounces within the tenant's window, with no delivery since.",
    },
    RETRIES_EXPIRED: {
      description:
        "A recipient-side temporary failure that the sender stopped retrying (queue expired, the ESP gave up).",
    },
    COMPLAINT: { description: "The recipient reported a message as spam." },
    MANUAL: { description: "Added through addSuppressions." },
  },
});

export const SuppressionScopeEnum = Object.fromEntries(SUPPRESSION_SCOPES.map((s) => [s, s])) as Record<
  SuppressionScope,
  SuppressionScope
>;
registerEnumType(SuppressionScopeEnum, {
  name: "SuppressionScope",
  description: "What a suppression covers.",
  valuesConfig: {
    ADDRESS: { description: "One recipient address." },
    DOMAIN: { description: "Every address at a domain." },
  },
});

@Entity({ name: "suppressions" })
@ObjectType("Suppression", {
  implements: Node,
  description:
    "An address or domain the tenant must not mail, why, the event that caused it, and its removal when removed.",
})
export class Suppression extends TenantRecord implements Node {
  @Field(() => SuppressionScopeEnum, { description: "ADDRESS or DOMAIN." })
  @Column({ type: "text" })
  scope: SuppressionScope;

  @Field(() => String, { description: "The suppressed address (lower-case, ASCII domain) or domain." })
  @Column({ type: "text" })
  value: string;

  @Field(() => SuppressionReasonEnum, { description: "Why it is suppressed." })
  @Column({ type: "text" })
  reason: SuppressionReason;

  @Field(() => BounceReasonEnum, {
    nullable: true,
    description: "The classifier's reason of the event that caused it, when an event did.",
  })
  @Column({ type: "text", name: "bounce_reason", nullable: true })
  bounceReason: BounceReason | null;

  @Column({ type: "uuid", name: "event_id", nullable: true })
  eventId: string | null;

  @Field(() => String, { nullable: true, description: "Free text given when it was added." })
  @Column({ type: "text", nullable: true })
  note: string | null;

  @Field(() => Date, { nullable: true, description: "When it stops applying on its own; null for never." })
  @Column({ type: "timestamptz", name: "expires_at", nullable: true })
  expiresAt: Date | null;

  @Column({ type: "uuid", name: "created_by_key_id", nullable: true })
  createdByKeyId: string | null;

  @Field(() => Date, {
    nullable: true,
    description: "When it was removed (or retired on expiry); null while it stands.",
  })
  @Column({ type: "timestamptz", name: "removed_at", nullable: true })
  removedAt: Date | null;

  @Column({ type: "uuid", name: "removed_by_key_id", nullable: true })
  removedByKeyId: string | null;

  @Field(() => String, { nullable: true, description: "Why it was removed, as given by whoever removed it." })
  @Column({ type: "text", name: "removal_note", nullable: true })
  removalNote: string | null;

  @Field(() => Boolean, { description: "True while it applies: not removed and not expired." })
  get active(): boolean {
    return this.removedAt === null && (this.expiresAt === null || this.expiresAt.getTime() > Date.now());
  }
}
