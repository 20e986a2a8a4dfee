/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
/** Where a hard-bounce rate sits against its provider's benchmark. */
export type BenchmarkZone =
  /** Below the warning bound (e.g. under 3 % for Gmail). */
  | 'ACCEPTABLE'
  /** Strictly above the blocking bound (e.g. over 5 % for Gmail): the provider is likely to block; pause and investigate. */
  | 'BLOCKING'
  /** Fewer sends than the tenant's minSendsForZone: too few to judge. */
  | 'INSUFFICIENT_DATA'
  /** From the warning bound up to the blocking bound inclusive (e.g. 3–5 % for Gmail): fix the list before it gets worse. */
  | 'WARNING';

/** Which row of the 550 decision matrix the bounce matches, or NOT_550. */
export type Bounce550Variant =
  | 'ACCESS_DENIED'
  | 'ADDRESS_REJECTED'
  | 'CATCH_ALL_BLOCK'
  | 'MAILBOX_UNAVAILABLE'
  | 'MIXED_SIGNAL'
  | 'NOT_550'
  | 'USER_UNKNOWN';

/** One event of a sent message as a sending pipeline saw it: a bounce, a deferral, a delivery or a complaint. */
export type BounceEventInput = {
  /** The campaign of the message, when known. */
  campaignId?: string | number | null | undefined;
  /** Diagnostic text, e.g. a DSN's Diagnostic-Code ("smtp; 550 ..."). */
  diagnosticCode?: string | null | undefined;
  /** Your id of this event (1 to 255 characters), its dedupe key: sending it again stores nothing new. Without it, the event's content is its identity. */
  eventKey?: string | null | undefined;
  /** The inbox that sent the message, when known. */
  inboxId?: string | number | null | undefined;
  /** What happened (default BOUNCE). BOUNCE and DEFERRAL need smtpResponse, status or diagnosticCode; the classifier decides the reason either way. */
  kind?: BounceEventKind | null | undefined;
  /** When it happened; now when omitted. */
  occurredAt?: string | null | undefined;
  /** The recipient address. */
  recipient: string;
  /** The server that answered, when known. */
  remoteMta?: string | null | undefined;
  /** The receiving server's reply, verbatim, e.g. "550 5.1.1 <a@b.com>: User unknown". Multi-line replies welcome. */
  smtpResponse?: string | null | undefined;
  /** RFC 3463 enhanced status code, e.g. 5.1.1, when reported separately. */
  status?: string | null | undefined;
};

/** What a reported event is, as ESP webhooks say it; counted exactly as the same event from an ESP webhook is. */
export type BounceEventKind =
  /** The message finally failed: the sender stopped trying. The classifier decides hard or soft from the reply; a soft BOUNCE means retries expired and suppresses the address at once. */
  | 'BOUNCE'
  /** The recipient reported the message as spam: counted as a complaint and suppresses the address. */
  | 'COMPLAINT'
  /** A temporary failure while the sender keeps retrying: classified from the reply (usually a soft bounce) and counted toward the soft-bounce policy. */
  | 'DEFERRAL'
  /** The receiving server accepted the message: counted as delivered. No reply needed. */
  | 'DELIVERY';

/** Whose problem the bounce is. Only RECIPIENT_ADDRESS faults suppress the address; SENDER_* faults raise sender health alerts instead. */
export type BounceFault =
  | 'CONTENT'
  | 'NETWORK'
  | 'POLICY'
  | 'PROTOCOL'
  | 'RECIPIENT_ADDRESS'
  | 'RECIPIENT_MAILBOX'
  | 'SENDER_AUTHENTICATION'
  | 'SENDER_REPUTATION'
  | 'UNKNOWN';

/** Why a message failed, in Sisimai's reason vocabulary (upper-cased). */
export type BounceReason =
  /** SPF, DKIM or DMARC failed at the receiver (5.7.26 and kin). The sender must fix authentication. */
  | 'AUTHFAILURE'
  /** The receiver rejected mail for the sender's reputation. A sender problem. */
  | 'BADREPUTATION'
  /** The sending IP or domain is blocked or blocklisted. A sender problem, not a bad address. */
  | 'BLOCKED'
  /** Sisimai reason "contenterror". */
  | 'CONTENTERROR'
  /** The message was delivered. */
  | 'DELIVERED'
  /** Sisimai reason "exceedlimit". */
  | 'EXCEEDLIMIT'
  /** Delivery was retried until it gave up (the message expired in the queue). */
  | 'EXPIRED'
  /** Sisimai reason "failedstarttls". */
  | 'FAILEDSTARTTLS'
  /** A spam complaint (ARF feedback report). */
  | 'FEEDBACK'
  /** The mail was rejected by a recipient-side filter. */
  | 'FILTERED'
  /** The recipient has moved to another address (5.1.6). Suppress the address. */
  | 'HASMOVED'
  /** The recipient domain does not exist or has no mail server. Suppress the address. */
  | 'HOSTUNKNOWN'
  /** The mailbox is over quota. The address is good; retry later. */
  | 'MAILBOXFULL'
  /** Sisimai reason "mailererror". */
  | 'MAILERERROR'
  /** Sisimai reason "mesgtoobig". */
  | 'MESGTOOBIG'
  /** Sisimai reason "networkerror". */
  | 'NETWORKERROR'
  /** Sisimai reason "norelaying". */
  | 'NORELAYING'
  /** The domain accepts no mail (null MX, 5.1.10 / 556). Suppress when permanent. */
  | 'NOTACCEPT'
  /** Sisimai reason "notcompliantrfc". */
  | 'NOTCOMPLIANTRFC'
  /** Sisimai reason "onhold". */
  | 'ONHOLD'
  /** The message broke a receiver policy. A sender problem. */
  | 'POLICYVIOLATION'
  /** The receiver rejected the envelope sender. */
  | 'REJECTED'
  /** Sisimai reason "requireptr". */
  | 'REQUIREPTR'
  /** Sisimai reason "securityerror". */
  | 'SECURITYERROR'
  /** The message was judged to be spam. A content or reputation problem. */
  | 'SPAMDETECTED'
  /** Sisimai reason "speeding". */
  | 'SPEEDING'
  /** Sisimai reason "suppressed". */
  | 'SUPPRESSED'
  /** The mailbox is disabled or suspended. Not the sender's fault; do not keep mailing it. */
  | 'SUSPEND'
  /** Sisimai reason "syntaxerror". */
  | 'SYNTAXERROR'
  /** Sisimai reason "systemerror". */
  | 'SYSTEMERROR'
  /** Sisimai reason "systemfull". */
  | 'SYSTEMFULL'
  /** Sisimai reason "toomanyconn". */
  | 'TOOMANYCONN'
  /** No reason could be determined. */
  | 'UNDEFINED'
  /** The mailbox does not exist (5.1.1). The address is bad: suppress it. */
  | 'USERUNKNOWN'
  /** An auto-reply, not a bounce. */
  | 'VACATION'
  /** Sisimai reason "virusdetected". */
  | 'VIRUSDETECTED';

/** Which bounces a subscriber wants. */
export type BounceReceivedFilter = {
  /** Only this campaign's bounces. */
  campaignId?: string | number | null | undefined;
  /** Only bounces of mail sent from this domain. */
  domainId?: string | number | null | undefined;
  /** Only bounces of mail sent from this inbox. */
  inboxId?: string | number | null | undefined;
  /** Only permanent failures (bounceType HARD: the 550s). */
  onlyPermanent?: boolean | null | undefined;
};

/** Where a campaign is in its life: DRAFT, ACTIVE (sending), PAUSED, COMPLETED (final). */
export type CampaignStatus =
  | 'ACTIVE'
  | 'COMPLETED'
  | 'DRAFT'
  | 'PAUSED';

/** A campaign to add. */
export type CreateCampaignInput = {
  /** The sending domain. */
  domainId: string | number;
  /** Inboxes that send it; each must belong to the domain. */
  inboxIds?: Array<string | number> | null | undefined;
  /** Display name, 1 to 200 characters. */
  name: string;
  /** Initial status; DRAFT when omitted. */
  status?: CampaignStatus | null | undefined;
};

/** A sending domain to add. */
export type CreateDomainInput = {
  /** Domain name; internationalised names are accepted and stored in punycode. */
  name: string;
  /** Registration date, for domain age checks. */
  registeredAt?: string | null | undefined;
};

/** A sending inbox to add. */
export type CreateInboxInput = {
  /** The sending address; its domain must be the given domain or a subdomain of it. */
  address: string;
  /** Most messages per day once warmed up, 1 to 100,000; 50 when omitted. */
  dailyLimit?: number | null | undefined;
  /** The sending domain the address belongs to. */
  domainId: string | number;
  /** Who hosts the inbox; OTHER when omitted. */
  provider?: InboxProvider | null | undefined;
  /** When warm-up began. */
  warmupStartedAt?: string | null | undefined;
};

/** Who hosts the sending inbox. */
export type InboxProvider =
  | 'GOOGLE_WORKSPACE'
  | 'MICROSOFT_365'
  | 'OTHER';

/** A batch of structured bounce events (at most 1,000). */
export type IngestBouncesInput = {
  /** The events, at most 1,000. The batch is all or nothing. */
  events: Array<BounceEventInput>;
  /** Optional client key (1 to 255 characters, e.g. a UUID) that makes a retry safe: the same key with the same input returns the first call's result; with different input it is the userError IDEMPOTENCY_KEY_REUSED. */
  idempotencyKey?: string | null | undefined;
};

/** The recipient's mailbox provider (from the address's domain, for custom domains from its MX hosts), which decides the bounce-rate benchmark that applies. The one enum wherever a provider appears. */
export type MailboxProvider =
  /** iCloud recipients (general industry thresholds, 2 % / 5 %). */
  | 'APPLE'
  /** Gmail and Google Workspace recipients (benchmark 3 % / 5 %). */
  | 'GMAIL'
  /** Outlook.com, Hotmail and Microsoft 365 recipients (5 % / 8 %). */
  | 'MICROSOFT'
  /** Every other recipient (general industry thresholds, 2 % / 5 %). */
  | 'OTHER'
  /** Yahoo and AOL recipients (3 % / 5 %). */
  | 'YAHOO';

/** Messages a campaign's inbox sent: the denominator of every bounce rate. */
export type RecordSendsInput = {
  /** The campaign that sent them. */
  campaignId: string | number;
  /** Optional client key (1 to 255 characters, e.g. a UUID) that makes a retry safe: the same key with the same input returns the first call's result; with different input it is the userError IDEMPOTENCY_KEY_REUSED. */
  idempotencyKey?: string | null | undefined;
  /** The inbox that sent them; it must belong to the campaign's domain. */
  inboxId: string | number;
  /** The recipient addresses, one per message sent (at most 10,000 per call). */
  recipients: Array<string>;
  /** When they were sent (their UTC day is the counter's day); now when omitted. */
  sentAt?: string | null | undefined;
};

/** Why an address or domain is suppressed. */
export type SuppressionReason =
  /** The recipient reported a message as spam. */
  | 'COMPLAINT'
  /** A bounce proved the address bad (user unknown, mailbox moved, domain accepts no mail). */
  | 'HARD_BOUNCE'
  /** Added through addSuppressions. */
  | 'MANUAL'
  /** A recipient-side temporary failure that the sender stopped retrying (queue expired, the ESP gave up). */
  | 'RETRIES_EXPIRED'
  /** Too many recipient-side soft bounces within the tenant's window, with no delivery since. */
  | 'SOFT_BOUNCE_LIMIT'
  /** The recipient domain does not exist or has no mail server: the whole domain is suppressed. */
  | 'UNKNOWN_DOMAIN';

/** What a suppression covers. */
export type SuppressionScope =
  /** One recipient address. */
  | 'ADDRESS'
  /** Every address at a domain. */
  | 'DOMAIN';

/** Why an input was refused (userErrors[].code). Every module's codes; new codes may be added in later versions, so keep a default branch. */
export type UserErrorCode =
  /** The inbox address is not at its domain or one of its subdomains. */
  | 'ADDRESS_DOMAIN_MISMATCH'
  /** The suppression was already removed. */
  | 'ALREADY_REMOVED'
  /** Inboxes or campaigns still use the domain; delete or move them first. */
  | 'DOMAIN_IN_USE'
  /** Neither an address nor a domain was given. */
  | 'EMPTY'
  /** The raw message is empty. */
  | 'EMPTY_MESSAGE'
  /** The idempotencyKey was used before with different input (or another operation). */
  | 'IDEMPOTENCY_KEY_REUSED'
  /** The inbox does not belong to the campaign's sending domain. */
  | 'INBOX_DOMAIN_MISMATCH'
  /** The URL is not https (http is allowed only with REBOUND_WEBHOOK_ALLOW_PRIVATE=1). */
  | 'INSECURE_URL'
  /** The daily limit is outside 1 to 100,000. */
  | 'INVALID_DAILY_LIMIT'
  /** The description is longer than allowed. */
  | 'INVALID_DESCRIPTION'
  /** Not a domain name (at least two labels, no spaces, @, : or /). */
  | 'INVALID_DOMAIN'
  /** Not an email address. */
  | 'INVALID_EMAIL'
  /** An event type that cannot be subscribed to (TEST: use sendTestWebhook). */
  | 'INVALID_EVENT'
  /** The eventKey is empty or too long. */
  | 'INVALID_EVENT_KEY'
  /** expiresAt is not in the future. */
  | 'INVALID_EXPIRY'
  /** The idempotencyKey is empty or too long. */
  | 'INVALID_IDEMPOTENCY_KEY'
  /** Not an IPv4 or IPv6 address that can send mail. */
  | 'INVALID_IP'
  /** The name is empty or longer than allowed. */
  | 'INVALID_NAME'
  /** The note is longer than allowed. */
  | 'INVALID_NOTE'
  /** occurredAt is out of the accepted range (2000-01-01 to one day after now). */
  | 'INVALID_OCCURRED_AT'
  /** Not one of the providers this field accepts. */
  | 'INVALID_PROVIDER'
  /** Not a SendGrid Signed Event Webhook verification key. */
  | 'INVALID_PUBLIC_KEY'
  /** An API key needs at least one scope. */
  | 'INVALID_SCOPES'
  /** Not a DKIM selector (letters, digits, - and _, dot-separated). */
  | 'INVALID_SELECTOR'
  /** sentAt is in the future or out of the accepted range. */
  | 'INVALID_SENT_AT'
  /** A setting is out of its range or malformed (the message names the setting and its range). */
  | 'INVALID_SETTING'
  /** The Mailgun signing key has the wrong length. */
  | 'INVALID_SIGNING_KEY'
  /** Not a campaign status. */
  | 'INVALID_STATUS'
  /** The campaign cannot move to that status (a COMPLETED campaign stays completed). */
  | 'INVALID_STATUS_TRANSITION'
  /** Not an SNS TopicArn. */
  | 'INVALID_TOPIC_ARN'
  /** Not an absolute URL, longer than allowed, or carrying a user name or password. */
  | 'INVALID_URL'
  /** The Postmark basic-auth user name is empty, too long or holds a colon. */
  | 'INVALID_USERNAME'
  /** The message could not be classified before its deadline; nothing was stored. */
  | 'MESSAGE_TOO_COMPLEX'
  /** A BOUNCE or DEFERRAL event without smtpResponse, status or diagnosticCode. */
  | 'MISSING_DIAGNOSIS'
  /** No bounce, complaint or delivery report could be read from the message. */
  | 'NOT_A_BOUNCE'
  /** A setting that the endpoint's provider does not use. */
  | 'NOT_FOR_PROVIDER'
  /** No object with that id (another tenant's object reads the same); or a campaign, inbox or other reference that does not exist. */
  | 'NOT_FOUND'
  /** No event type was chosen. */
  | 'NO_EVENTS'
  /** The URL names a private, loopback, link-local or cloud metadata address (link-local and metadata are never allowed). */
  | 'PRIVATE_ADDRESS'
  /** A setting the endpoint's provider needs is missing. */
  | 'REQUIRED'
  /** Another object already has this unique value (a domain name, an inbox address). */
  | 'TAKEN'
  /** More addresses than one call may check. */
  | 'TOO_MANY_ADDRESSES'
  /** More events than one ingestBounces call takes; split the batch. */
  | 'TOO_MANY_EVENTS'
  /** More recipients than one recordSends call takes; split the list. */
  | 'TOO_MANY_RECIPIENTS'
  /** More DKIM selectors than one domain may list. */
  | 'TOO_MANY_SELECTORS'
  /** More sending IPs than one domain may list. */
  | 'TOO_MANY_SENDING_IPS'
  /** More addresses and domains than one call takes. */
  | 'TOO_MANY_SUPPRESSIONS'
  /** More SNS TopicArns than one endpoint may accept. */
  | 'TOO_MANY_TOPICS'
  /** The Postmark basic-auth password is too short (or too long). */
  | 'WEAK_PASSWORD';

export type CreateDomainMutationVariables = Exact<{
  input: CreateDomainInput;
}>;


export type CreateDomainMutation = { createDomain: { domain: { id: string, name: string } | null, userErrors: Array<{ field: Array<string> | null, message: string, code: UserErrorCode }> } };

export type CreateInboxMutationVariables = Exact<{
  input: CreateInboxInput;
}>;


export type CreateInboxMutation = { createInbox: { inbox: { id: string, address: string } | null, userErrors: Array<{ field: Array<string> | null, message: string, code: UserErrorCode }> } };

export type CreateCampaignMutationVariables = Exact<{
  input: CreateCampaignInput;
}>;


export type CreateCampaignMutation = { createCampaign: { campaign: { id: string, name: string, status: CampaignStatus } | null, userErrors: Array<{ field: Array<string> | null, message: string, code: UserErrorCode }> } };

export type RecordSendsMutationVariables = Exact<{
  input: RecordSendsInput;
}>;


export type RecordSendsMutation = { recordSends: { recorded: number, byProvider: Array<{ provider: MailboxProvider, count: number }>, userErrors: Array<{ field: Array<string> | null, message: string, code: UserErrorCode }> } };

export type IngestBouncesMutationVariables = Exact<{
  input: IngestBouncesInput;
}>;


export type IngestBouncesMutation = { ingestBounces: { inserted: number, duplicates: number, replayed: boolean, events: Array<{ id: string, recipient: string, reason: BounceReason, fault: BounceFault, hardBounce: boolean }>, suppressions: Array<{ value: string, reason: SuppressionReason }>, userErrors: Array<{ field: Array<string> | null, message: string, code: UserErrorCode }> } };

export type CampaignHealthQueryVariables = Exact<{
  id: string | number;
}>;


export type CampaignHealthQuery = { campaign: { name: string, zone: BenchmarkZone, stats: { sent: number, delivered: number, hardBounces: number, softBounces: number, complaints: number, hardBounceRate: number | null, complaintRate: number | null, pauseRecommended: boolean }, benchmarks: Array<{ provider: MailboxProvider, sent: number, hardBounces: number, rate: number | null, zone: BenchmarkZone }> } | null };

export type CampaignTimelineQueryVariables = Exact<{
  id: string | number;
  from: string;
  to: string;
}>;


export type CampaignTimelineQuery = { campaign: { timeline: Array<{ start: string, sent: number, delivered: number, hardBounces: number, softBounces: number, deferred: number, complaints: number, hardBounceRate: number | null, complaintRate: number | null }> } | null };

export type SuppressionsQueryVariables = Exact<{
  first: number;
  after?: string | null | undefined;
}>;


export type SuppressionsQuery = { suppressions: { totalCount: number, edges: Array<{ node: { value: string, scope: SuppressionScope, reason: SuppressionReason } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } };

export type UsageQueryVariables = Exact<{ [key: string]: never; }>;


export type UsageQuery = { viewer: { name: string, usage: { requests: number, ingestedEvents: number, sends: number, budgets: { keyCost: { limit: number, remaining: number }, ingestEvents: { limit: number, remaining: number } } } } };

export type BounceFeedSubscriptionVariables = Exact<{
  filter?: BounceReceivedFilter | null | undefined;
}>;


export type BounceFeedSubscription = { bounceReceived: { id: string, recipient: string, reason: BounceReason, fault: BounceFault, variant: Bounce550Variant, firstAction: string } };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}

export const CreateDomainDocument = new TypedDocumentString(`
    mutation CreateDomain($input: CreateDomainInput!) {
  createDomain(input: $input) {
    domain {
      id
      name
    }
    userErrors {
      field
      message
      code
    }
  }
}
    `) as unknown as TypedDocumentString<CreateDomainMutation, CreateDomainMutationVariables>;
export const CreateInboxDocument = new TypedDocumentString(`
    mutation CreateInbox($input: CreateInboxInput!) {
  createInbox(input: $input) {
    inbox {
      id
      address
    }
    userErrors {
      field
      message
      code
    }
  }
}
    `) as unknown as TypedDocumentString<CreateInboxMutation, CreateInboxMutationVariables>;
export const CreateCampaignDocument = new TypedDocumentString(`
    mutation CreateCampaign($input: CreateCampaignInput!) {
  createCampaign(input: $input) {
    campaign {
      id
      name
      status
    }
    userErrors {
      field
      message
      code
    }
  }
}
    `) as unknown as TypedDocumentString<CreateCampaignMutation, CreateCampaignMutationVariables>;
export const RecordSendsDocument = new TypedDocumentString(`
    mutation RecordSends($input: RecordSendsInput!) {
  recordSends(input: $input) {
    recorded
    byProvider {
      provider
      count
    }
    userErrors {
      field
      message
      code
    }
  }
}
    `) as unknown as TypedDocumentString<RecordSendsMutation, RecordSendsMutationVariables>;
export const IngestBouncesDocument = new TypedDocumentString(`
    mutation IngestBounces($input: IngestBouncesInput!) {
  ingestBounces(input: $input) {
    inserted
    duplicates
    replayed
    events {
      id
      recipient
      reason
      fault
      hardBounce
    }
    suppressions {
      value
      reason
    }
    userErrors {
      field
      message
      code
    }
  }
}
    `) as unknown as TypedDocumentString<IngestBouncesMutation, IngestBouncesMutationVariables>;
export const CampaignHealthDocument = new TypedDocumentString(`
    query CampaignHealth($id: ID!) {
  campaign(id: $id) {
    name
    zone
    stats {
      sent
      delivered
      hardBounces
      softBounces
      complaints
      hardBounceRate
      complaintRate
      pauseRecommended
    }
    benchmarks {
      provider
      sent
      hardBounces
      rate
      zone
    }
  }
}
    `) as unknown as TypedDocumentString<CampaignHealthQuery, CampaignHealthQueryVariables>;
export const CampaignTimelineDocument = new TypedDocumentString(`
    query CampaignTimeline($id: ID!, $from: DateTimeISO!, $to: DateTimeISO!) {
  campaign(id: $id) {
    timeline(from: $from, to: $to, interval: DAY) {
      start
      sent
      delivered
      hardBounces
      softBounces
      deferred
      complaints
      hardBounceRate
      complaintRate
    }
  }
}
    `) as unknown as TypedDocumentString<CampaignTimelineQuery, CampaignTimelineQueryVariables>;
export const SuppressionsDocument = new TypedDocumentString(`
    query Suppressions($first: Int!, $after: String) {
  suppressions(first: $first, after: $after) {
    totalCount
    edges {
      node {
        value
        scope
        reason
      }
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}
    `) as unknown as TypedDocumentString<SuppressionsQuery, SuppressionsQueryVariables>;
export const UsageDocument = new TypedDocumentString(`
    query Usage {
  viewer {
    name
    usage {
      requests
      ingestedEvents
      sends
      budgets {
        keyCost {
          limit
          remaining
        }
        ingestEvents {
          limit
          remaining
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<UsageQuery, UsageQueryVariables>;
export const BounceFeedDocument = new TypedDocumentString(`
    subscription BounceFeed($filter: BounceReceivedFilter) {
  bounceReceived(filter: $filter) {
    id
    recipient
    reason
    fault
    variant
    firstAction
  }
}
    `) as unknown as TypedDocumentString<BounceFeedSubscription, BounceFeedSubscriptionVariables>;