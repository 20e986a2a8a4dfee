import { Field, Int, ObjectType } from "type-graphql";
import type { MessageKind } from "../../core/bounce/diagnosis";
import { MessageKindEnum } from "../../platform/graphql/enums";
import type {
  AuthResults as CoreAuthResults,
  BounceDiagnosis as CoreDiagnosis,
  MessageAnalysis,
} from "../../core/bounce";
import {
  Bounce550VariantEnum,
  BounceFaultEnum,
  BounceReasonEnum,
  BounceTypeEnum,
  MailboxProviderEnum,
} from "../../platform/graphql/enums";

@ObjectType("AuthResults", {
  description: "SPF, DKIM and DMARC results from an Authentication-Results header found in the bounce.",
})
export class AuthResults implements CoreAuthResults {
  @Field(() => String, { nullable: true, description: "SPF result, e.g. pass, fail, softfail." })
  spf: string | null;

  @Field(() => String, { nullable: true, description: "DKIM result, e.g. pass, fail." })
  dkim: string | null;

  @Field(() => String, { nullable: true, description: "DMARC result, e.g. pass, fail." })
  dmarc: string | null;
}

@ObjectType("BounceDiagnosis", { description: "What went wrong for one recipient, whose fault it is, and what to do." })
export class BounceDiagnosis {
  @Field(() => String, { description: "The recipient address that failed." })
  recipient: string;

  @Field(() => String, { description: "The recipient's domain." })
  recipientDomain: string;

  @Field(() => MailboxProviderEnum, { description: "The recipient's mailbox provider." })
  recipientProvider: string;

  @Field(() => Int, { nullable: true, description: "SMTP reply code, e.g. 550." })
  replyCode: number | null;

  @Field(() => String, { nullable: true, description: "RFC 3463 enhanced status code, e.g. 5.1.1." })
  status: string | null;

  @Field(() => BounceTypeEnum, { description: "HARD (permanent), SOFT (transient) or UNDETERMINED." })
  bounceType: string;

  @Field(() => BounceReasonEnum, { description: "Why it failed, in Sisimai's vocabulary." })
  reason: string;

  @Field(() => Boolean, { description: "True only when the address itself is bad and must be suppressed." })
  hardBounce: boolean;

  @Field(() => BounceFaultEnum, { description: "Whose problem it is." })
  fault: string;

  @Field(() => Bounce550VariantEnum, { description: "The 550 decision-matrix row, or NOT_550." })
  variant: string;

  @Field(() => String, { description: "The likely cause, in plain words." })
  likelyCause: string;

  @Field(() => String, { description: "The first thing to do about it." })
  firstAction: string;

  @Field(() => String, { nullable: true, description: "The receiving server's own words." })
  diagnosticCode: string | null;

  @Field(() => String, { nullable: true, description: "The server that rejected the message." })
  remoteMta: string | null;

  @Field(() => String, { nullable: true, description: "The server that wrote the bounce." })
  reportingMta: string | null;

  @Field(() => AuthResults, { nullable: true, description: "Authentication results found in the bounce, if any." })
  authResults: AuthResults | null;

  @Field(() => String, { nullable: true, description: "ARF Feedback-Type (abuse, fraud...) for spam complaints." })
  feedbackType: string | null;

  @Field(() => [String], { description: "Which rules or fields decided the reason." })
  evidence: string[];

  @Field(() => String, { description: "Version of the classification rules that produced this." })
  ruleVersion: string;

  static from(d: CoreDiagnosis): BounceDiagnosis {
    return Object.assign(new BounceDiagnosis(), d, {
      authResults: d.authResults ? Object.assign(new AuthResults(), d.authResults) : null,
    });
  }
}

@ObjectType("BounceAnalysis", { description: "The diagnosis of one bounce message or SMTP reply. Nothing is stored." })
export class BounceAnalysis {
  @Field(() => MessageKindEnum, {
    description:
      "What the message is: a bounce, a spam complaint (FEEDBACK), an auto-reply (VACATION), a delivery report, or UNKNOWN.",
  })
  kind: MessageKind;

  @Field(() => String, { nullable: true, description: "Message-ID of the bounce message itself." })
  messageId: string | null;

  @Field(() => [BounceDiagnosis], { description: "One diagnosis per recipient the message reports on." })
  diagnoses: BounceDiagnosis[];

  @Field(() => String, { nullable: true, description: "Why nothing could be read, when diagnoses is empty." })
  error: string | null;

  static from(a: MessageAnalysis): BounceAnalysis {
    return Object.assign(new BounceAnalysis(), a, { diagnoses: a.diagnoses.map(BounceDiagnosis.from) });
  }
}
