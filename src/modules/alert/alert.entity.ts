import { Column, Entity } from "typeorm";
import { Field, ObjectType, registerEnumType } from "type-graphql";
import { GraphQLJSONObject } from "graphql-scalars";
import { ALERT_KINDS, ALERT_SEVERITIES, type AlertKind, type AlertSeverity } from "../../core/alert-rules";
import { Node } from "../../platform/graphql/node";
import { TenantRecord } from "../../platform/db/tenant-record";

export const AlertKindEnum = Object.fromEntries(ALERT_KINDS.map((k) => [k, k])) as Record<AlertKind, AlertKind>;
registerEnumType(AlertKindEnum, {
  name: "AlertKind",
  description: "What an alert is about.",
  valuesConfig: {
    BOUNCE_RATE_WARNING: { description: "A campaign or inbox entered the WARNING zone, overall or for a provider." },
    BOUNCE_RATE_BLOCKING: { description: "A campaign or inbox entered the BLOCKING zone: pause and investigate." },
    BOUNCE_RATE_RECOVERED: { description: "A bounce rate crossed back down to a lower zone." },
    COMPLAINT_RATE_WARNING: { description: "Spam complaints above 0.1 % of sends." },
    COMPLAINT_RATE_CRITICAL: { description: "Spam complaints at or above 0.3 % of sends." },
    COMPLAINT_RATE_RECOVERED: { description: "The complaint rate crossed back down." },
    SENDER_AUTHENTICATION_FAILURES: {
      description: "A burst of SPF/DKIM/DMARC rejections (5.7.26, 5.7.1 with failing auth).",
    },
    BLOCKLIST_REJECTIONS: {
      description: "A burst of blocklist or reputation rejections (5.4.1, blocked, bad reputation).",
    },
    CATCH_ALL_BLOCKS: { description: "A burst of bare 550 permanent failures with no sub-code." },
    DNS_AUTHENTICATION_REGRESSED: {
      description: "A domain's SPF, DKIM, DMARC or related check got worse in the last audit.",
    },
    WARMUP_RAMP_EXCEEDED: { description: "An inbox sent more today than its warm-up ramp allows." },
    WEBHOOK_ENDPOINT_DISABLED: {
      description: "An outgoing webhook subscription was disabled: its endpoint failed for days or answered 410 Gone.",
    },
  },
});

export const AlertSeverityEnum = Object.fromEntries(ALERT_SEVERITIES.map((s) => [s, s])) as Record<
  AlertSeverity,
  AlertSeverity
>;
registerEnumType(AlertSeverityEnum, {
  name: "AlertSeverity",
  description: "How urgent an alert is: INFO < WARNING < CRITICAL.",
});

@Entity({ name: "alerts" })
@ObjectType("Alert", {
  implements: Node,
  description:
    "Something a sender should know now: a threshold crossed, a burst of sender-side rejections, a DNS regression.",
})
export class Alert extends TenantRecord implements Node {
  @Field(() => AlertKindEnum, { description: "What the alert is about." })
  @Column({ type: "text" })
  kind: AlertKind;

  @Field(() => AlertSeverityEnum, { description: "INFO, WARNING or CRITICAL." })
  @Column({ type: "text" })
  severity: AlertSeverity;

  @Column({ type: "uuid", name: "campaign_id", nullable: true })
  campaignId: string | null;

  @Column({ type: "uuid", name: "inbox_id", nullable: true })
  inboxId: string | null;

  @Column({ type: "uuid", name: "domain_id", nullable: true })
  domainId: string | null;

  @Field(() => String, { description: "What happened, in plain words." })
  @Column({ type: "text" })
  message: string;

  @Field(() => String, { description: "The recommended action." })
  @Column({ type: "text" })
  action: string;

  @Field(() => GraphQLJSONObject, { description: "Counts, rates, thresholds and the events that tipped it." })
  @Column({ type: "jsonb" })
  evidence: Record<string, unknown>;

  @Field(() => Date, { nullable: true, description: "When someone acknowledged it; null while open." })
  @Column({ type: "timestamptz", name: "acknowledged_at", nullable: true })
  acknowledgedAt: Date | null;
}
