import { Field, ID, InputType, Int, ObjectType, registerEnumType } from "type-graphql";
import { connectionType } from "../../platform/graphql/connection";
import { UserError } from "../../platform/graphql/user-error";
import { Suppression, SuppressionReasonEnum, SuppressionScopeEnum } from "./suppression.entity";
import type { SuppressionReason, SuppressionScope } from "../../core/suppression-policy";
import type { RecipientVerdict } from "./suppression.service";

export const SuppressionConnection = connectionType("Suppression", Suppression);

@InputType("SuppressionFilter", { description: "Narrows a list of suppressions; all given conditions must hold." })
export class SuppressionFilterInput {
  @Field(() => String, { nullable: true, description: "Only this address or domain (any case)." })
  value?: string | null;

  @Field(() => SuppressionScopeEnum, { nullable: true, description: "Only ADDRESS or only DOMAIN suppressions." })
  scope?: SuppressionScope | null;

  @Field(() => SuppressionReasonEnum, { nullable: true, description: "Only suppressions with this reason." })
  reason?: SuppressionReason | null;

  @Field(() => String, {
    nullable: true,
    description:
      "Only suppressions of this recipient domain: addresses at it (a@gmail.com for gmail.com) and the domain's own suppression.",
  })
  domain?: string | null;

  @Field(() => String, {
    nullable: true,
    description: "Only suppressions whose value starts with this (case-insensitive), e.g. jane. or sales@.",
  })
  addressPrefix?: string | null;

  @Field(() => Date, { nullable: true, description: "Only suppressions created at or after this time." })
  createdFrom?: Date | null;

  @Field(() => Date, { nullable: true, description: "Only suppressions created before this time." })
  createdTo?: Date | null;

  @Field(() => Boolean, {
    nullable: true,
    description: "Also list removed and expired suppressions (the audit trail). Default false.",
  })
  includeRemoved?: boolean | null;
}

@InputType("AddSuppressionsInput", { description: "Addresses and domains to suppress by hand." })
export class AddSuppressionsInput {
  @Field(() => [String], {
    nullable: true,
    description: "Addresses to suppress. With domains, at most 10,000 per call.",
  })
  addresses?: string[] | null;

  @Field(() => [String], { nullable: true, description: "Domains to suppress entirely, e.g. example.com." })
  domains?: string[] | null;

  @Field(() => Date, { nullable: true, description: "When the suppressions stop applying; null for never." })
  expiresAt?: Date | null;

  @Field(() => String, { nullable: true, description: "Why, for the audit trail (at most 500 characters)." })
  note?: string | null;
}

@ObjectType("AddSuppressionsPayload", { description: "Result of addSuppressions." })
export class AddSuppressionsPayload {
  @Field(() => [Suppression], {
    description:
      "The active suppression of each value given, new or already there; empty when userErrors is not empty.",
  })
  suppressions: Suppression[];

  @Field(() => Int, { description: "How many were new (the others were already suppressed); 0 on userErrors." })
  inserted: number;

  @Field(() => [UserError], { description: "Problems with the input; empty on success." })
  userErrors: UserError[];
}

@InputType("RemoveSuppressionInput", { description: "The suppression to lift." })
export class RemoveSuppressionInput {
  @Field(() => ID, { description: "The suppression to remove." })
  id: string;

  @Field(() => String, {
    nullable: true,
    description: "Why it is lifted, for the audit trail (at most 500 characters).",
  })
  note?: string | null;
}

@ObjectType("RemoveSuppressionPayload", { description: "Result of removeSuppression." })
export class RemoveSuppressionPayload {
  @Field(() => Suppression, {
    nullable: true,
    description: "The suppression, now removed, with who removed it and when; null when userErrors is not empty.",
  })
  suppression: Suppression | null;

  @Field(() => [UserError], { description: "Problems with the input; empty on success." })
  userErrors: UserError[];
}

export const RecipientVerdictEnum = {
  OK: "OK",
  SUPPRESSED: "SUPPRESSED",
  INVALID: "INVALID",
  RISKY: "RISKY",
} as const satisfies Record<RecipientVerdict, RecipientVerdict>;
registerEnumType(RecipientVerdictEnum, {
  name: "RecipientVerdict",
  description: "May this address be mailed?",
  valuesConfig: {
    OK: { description: "Nothing known against it." },
    SUPPRESSED: { description: "The address or its domain is suppressed: do not send." },
    INVALID: { description: "Not a valid email address." },
    RISKY: { description: "Valid, but likely a typo, a role mailbox, or it soft-bounced recently." },
  },
});

@ObjectType("RecipientCheck", { description: "The pre-send verdict for one address." })
export class RecipientCheck {
  @Field(() => String, { description: "The address as given." })
  address: string;

  @Field(() => String, {
    nullable: true,
    description: "The canonical form (lower-case, ASCII domain); null when invalid.",
  })
  normalized: string | null;

  @Field(() => RecipientVerdictEnum, { description: "OK, SUPPRESSED, INVALID or RISKY." })
  verdict: RecipientVerdict;

  @Field(() => String, { nullable: true, description: "Why the verdict is not OK, in plain words." })
  reason: string | null;

  @Field(() => String, {
    nullable: true,
    description: "A corrected address when the domain looks like a typo (gmial.com → gmail.com).",
  })
  suggestion: string | null;

  @Field(() => Suppression, { nullable: true, description: "The suppression that applies, when SUPPRESSED." })
  suppression: Suppression | null;
}
