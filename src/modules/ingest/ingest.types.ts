import { Field, ID, InputType, Int, ObjectType, registerEnumType } from "type-graphql";
import { BOUNCE_EVENT_KINDS, type BounceEventKind } from "./ingest.service";
import { MailboxProviderEnum, MessageKindEnum } from "../../platform/graphql/enums";
import type { MessageKind } from "../../core/bounce/diagnosis";
import { UserError } from "../../platform/graphql/user-error";
import type { MailboxProvider } from "../../core/providers";
import { BounceEvent } from "../bounce";
import { Suppression } from "../suppression";

const IDEMPOTENCY_KEY_DESCRIPTION =
  "Optional client key (1 to 255 characters, e.g. a UUID) that makes a retry safe: the same key with the same input returns the first call's result; with different input it is the userError IDEMPOTENCY_KEY_REUSED.";

@InputType("RecordSendsInput", {
  description: "Messages a campaign's inbox sent: the denominator of every bounce rate.",
})
export class RecordSendsInput {
  @Field(() => ID, { description: "The campaign that sent them." })
  campaignId: string;

  @Field(() => ID, { description: "The inbox that sent them; it must belong to the campaign's domain." })
  inboxId: string;

  @Field(() => [String], { description: "The recipient addresses, one per message sent (at most 10,000 per call)." })
  recipients: string[];

  @Field(() => Date, {
    nullable: true,
    description: "When they were sent (their UTC day is the counter's day); now when omitted.",
  })
  sentAt?: Date | null;

  @Field(() => String, { nullable: true, description: IDEMPOTENCY_KEY_DESCRIPTION })
  idempotencyKey?: string | null;
}

@ObjectType("ProviderSendCount", { description: "How many recipients of a recordSends call a mailbox provider hosts." })
export class ProviderSendCount {
  @Field(() => MailboxProviderEnum, { description: "The recipients' mailbox provider (from the address's domain)." })
  provider: MailboxProvider;

  @Field(() => Int, { description: "Recipients recorded for it." })
  count: number;
}

@ObjectType("RecordSendsPayload", { description: "Result of recordSends." })
export class RecordSendsPayload {
  @Field(() => Int, { description: "Recipients recorded as sent (0 when userErrors is not empty)." })
  recorded: number;

  @Field(() => [ProviderSendCount], {
    description: "The recorded recipients per mailbox provider (empty when userErrors is not empty).",
  })
  byProvider: ProviderSendCount[];

  @Field(() => Boolean, {
    description:
      "True when this answer is the stored result of an earlier call with the same idempotencyKey (nothing was done again); false otherwise, and when userErrors is not empty.",
  })
  replayed: boolean;

  @Field(() => [UserError], {
    description: "Problems with the input; empty on success. Nothing is recorded when there are any.",
  })
  userErrors: UserError[];
}

export const BounceEventKindEnum = Object.fromEntries(BOUNCE_EVENT_KINDS.map((k) => [k, k])) as Record<
  BounceEventKind,
  BounceEventKind
>;
registerEnumType(BounceEventKindEnum, {
  name: "BounceEventKind",
  description:
    "What a reported event is, as ESP webhooks say it; counted exactly as the same event from an ESP webhook is.",
  valuesConfig: {
    BOUNCE: {
      description:
        "The message finally failed: the sender stopped trying. The classifier decides hard or soft from the reply; a soft BOUNCE means retries expired and suppresses the address at once.",
    },
    DEFERRAL: {
      description:
        "A temporary failure while the sender keeps retrying: classified from the reply (usually a soft bounce) and counted toward the soft-bounce policy.",
    },
    DELIVERY: { description: "The receiving server accepted the message: counted as delivered. No reply needed." },
    COMPLAINT: {
      description: "The recipient reported the message as spam: counted as a complaint and suppresses the address.",
    },
  },
});

@InputType("BounceEventInput", {
  description:
    "One event of a sent message as a sending pipeline saw it: a bounce, a deferral, a delivery or a complaint.",
})
export class BounceEventInput {
  @Field(() => BounceEventKindEnum, {
    nullable: true,
    defaultValue: "BOUNCE",
    description:
      "What happened (default BOUNCE). BOUNCE and DEFERRAL need smtpResponse, status or diagnosticCode; the classifier decides the reason either way.",
  })
  kind?: BounceEventKind | null;

  @Field(() => String, { description: "The recipient address." })
  recipient: string;

  @Field(() => ID, { nullable: true, description: "The campaign of the message, when known." })
  campaignId?: string | null;

  @Field(() => ID, { nullable: true, description: "The inbox that sent the message, when known." })
  inboxId?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'The receiving server\'s reply, verbatim, e.g. "550 5.1.1 <a@b.com>: User unknown". Multi-line replies welcome.',
  })
  smtpResponse?: string | null;

  @Field(() => String, {
    nullable: true,
    description: "RFC 3463 enhanced status code, e.g. 5.1.1, when reported separately.",
  })
  status?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Diagnostic text, e.g. a DSN\'s Diagnostic-Code ("smtp; 550 ...").',
  })
  diagnosticCode?: string | null;

  @Field(() => String, { nullable: true, description: "The server that answered, when known." })
  remoteMta?: string | null;

  @Field(() => Date, { nullable: true, description: "When it happened; now when omitted." })
  occurredAt?: Date | null;

  @Field(() => String, {
    nullable: true,
    description:
      "Your id of this event (1 to 255 characters), its dedupe key: sending it again stores nothing new. Without it, the event's content is its identity.",
  })
  eventKey?: string | null;
}

@InputType("IngestBouncesInput", { description: "A batch of structured bounce events (at most 1,000)." })
export class IngestBouncesInput {
  @Field(() => [BounceEventInput], { description: "The events, at most 1,000. The batch is all or nothing." })
  events: BounceEventInput[];

  @Field(() => String, { nullable: true, description: IDEMPOTENCY_KEY_DESCRIPTION })
  idempotencyKey?: string | null;
}

const REPLAYED_DESCRIPTION =
  "True when this answer is the stored result of an earlier call with the same idempotencyKey (nothing was done again); false otherwise, and when userErrors is not empty.";

@ObjectType("IngestBouncesPayload", { description: "Result of ingestBounces." })
export class IngestBouncesPayload {
  @Field(() => Int, { description: "Events stored by this call (0 when userErrors is not empty)." })
  inserted: number;

  @Field(() => Int, {
    description: "Events already stored before (same dedupe key), so nothing changed for them.",
  })
  duplicates: number;

  @Field(() => [BounceEvent], {
    description:
      "The stored event of each input event, in input order (the earlier row for a duplicate); empty when userErrors is not empty.",
  })
  events: BounceEvent[];

  @Field(() => [Suppression], { description: "Suppressions this call created." })
  suppressions: Suppression[];

  @Field(() => Boolean, { description: REPLAYED_DESCRIPTION })
  replayed: boolean;

  @Field(() => [UserError], {
    description: "Problems with the input; empty on success. Nothing is stored when there are any.",
  })
  userErrors: UserError[];
}

@InputType("IngestBounceMessageInput", { description: "A whole bounce email as it arrived at the bounce address." })
export class IngestBounceMessageInput {
  @Field(() => String, {
    description: "The raw message, headers and body (DSN, MTA bounce, ARF complaint or auto-reply).",
  })
  raw: string;

  @Field(() => ID, {
    nullable: true,
    description: "The campaign; when omitted, read from the tenant's campaign header in the returned original message.",
  })
  campaignId?: string | null;

  @Field(() => ID, { nullable: true, description: "The inbox that sent the original message, when known." })
  inboxId?: string | null;

  @Field(() => String, { nullable: true, description: IDEMPOTENCY_KEY_DESCRIPTION })
  idempotencyKey?: string | null;
}

@ObjectType("IngestTruncation", {
  description: "What part of a message's recipients was stored, when not all of them were.",
})
export class IngestTruncation {
  @Field(() => Int, { description: "Recipients the message reports on." })
  found: number;

  @Field(() => Int, { description: "Recipients stored as events (at most 1,000 per message, valid addresses only)." })
  stored: number;

  @Field(() => String, { description: "Why the others were not stored, in plain words." })
  message: string;
}

@ObjectType("IngestBounceMessagePayload", { description: "Result of ingestBounceMessage." })
export class IngestBounceMessagePayload {
  @Field(() => MessageKindEnum, {
    description:
      "What the message is (VACATION: an auto-reply, nothing stored); UNKNOWN when userErrors is not empty and the message was not read.",
  })
  messageKind: MessageKind;

  @Field(() => Int, { description: "Events stored by this call (one per recipient reported)." })
  inserted: number;

  @Field(() => Int, { description: "Events of this message already stored before." })
  duplicates: number;

  @Field(() => [BounceEvent], {
    description: "The stored event of each recipient the message reports on; empty when userErrors is not empty.",
  })
  events: BounceEvent[];

  @Field(() => [Suppression], { description: "Suppressions this call created." })
  suppressions: Suppression[];

  @Field(() => IngestTruncation, {
    nullable: true,
    description:
      "Set when not every recipient the message reports on was stored: how many were, and why. Null when all were.",
  })
  truncated: IngestTruncation | null;

  @Field(() => Boolean, { description: REPLAYED_DESCRIPTION })
  replayed: boolean;

  @Field(() => [UserError], { description: "Problems with the input; empty on success." })
  userErrors: UserError[];
}
