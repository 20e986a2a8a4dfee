// Shared by the ingest, suppression, webhook, replay and crash specs: a sending setup made
// through the public API, and direct reads of the database (as the superuser, so row-level
// security does not hide anything) to compare counters with a recount of bounce_events.
import { Client } from "pg";
import { ok, type Gql } from "../support/graphql-client";
import { COUNTED_AS_SQL } from "../../src/core/counted-as";

export interface Setup {
  domainId: string;
  inboxId: string;
  campaignId: string;
  campaign2Id: string;
}

let seq = 0;

/** A domain with one inbox and two campaigns, created over HTTP. */
export async function createSetup(gql: Gql, label = "ingest"): Promise<Setup> {
  const name = `${label}-${process.pid}-${++seq}.example`;
  const domain = ok(
    await gql(
      `mutation($input: CreateDomainInput!) { createDomain(input: $input) { domain { id } userErrors { code message } } }`,
      { input: { name } },
    ),
    "createDomain",
  ).domain;
  const inbox = ok(
    await gql(
      `mutation($input: CreateInboxInput!) { createInbox(input: $input) { inbox { id } userErrors { code message } } }`,
      { input: { domainId: domain.id, address: `alex@${name}` } },
    ),
    "createInbox",
  ).inbox;
  const mk = async (n: string) =>
    ok(
      await gql(
        `mutation($input: CreateCampaignInput!) { createCampaign(input: $input) { campaign { id } userErrors { code message } } }`,
        { input: { name: n, domainId: domain.id, inboxIds: [inbox.id], status: "ACTIVE" } },
      ),
      "createCampaign",
    ).campaign.id as string;
  return { domainId: domain.id, inboxId: inbox.id, campaignId: await mk("Q1"), campaign2Id: await mk("Q2") };
}

export function uuidFromGlobal(id: string): string {
  return Buffer.from(id, "base64url").toString("utf8").split(":")[1];
}

export async function sql<T = any>(url: string, text: string, params: unknown[] = []): Promise<T[]> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(text, params)).rows as T[];
  } finally {
    await c.end();
  }
}

export interface CounterRow {
  campaign_id: string | null;
  inbox_id: string | null;
  recipient_provider: string;
  day: string;
  delivered: number;
  hard_bounces: number;
  soft_bounces: number;
  complaints: number;
}

/** Every counter bucket's bounce-side counts, sorted, next to the same recount of bounce_events. */
export async function countersAndRecount(
  url: string,
  tenantUuid: string,
): Promise<{ counters: CounterRow[]; recount: CounterRow[] }> {
  const counters = await sql<CounterRow>(
    url,
    `SELECT campaign_id, inbox_id, recipient_provider, to_char(day, 'YYYY-MM-DD') AS day,
            delivered::int, hard_bounces::int, soft_bounces::int, complaints::int
       FROM delivery_counters WHERE tenant_id = $1 AND (delivered + hard_bounces + soft_bounces + complaints) > 0
      ORDER BY 1, 2, 3, 4`,
    [tenantUuid],
  );
  const recount = await sql<CounterRow>(
    url,
    `SELECT campaign_id, inbox_id, recipient_provider, to_char((occurred_at AT TIME ZONE 'UTC')::date, 'YYYY-MM-DD') AS day,
            count(*) FILTER (WHERE c = 'DELIVERED')::int AS delivered,
            count(*) FILTER (WHERE c = 'HARD_BOUNCE')::int AS hard_bounces,
            count(*) FILTER (WHERE c = 'SOFT_BOUNCE')::int AS soft_bounces,
            count(*) FILTER (WHERE c = 'COMPLAINT')::int AS complaints
       FROM (SELECT *, ${COUNTED_AS_SQL} AS c FROM bounce_events WHERE tenant_id = $1) e
      WHERE c <> 'NOT_COUNTED'
      GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`,
    [tenantUuid],
  );
  return { counters, recount };
}

export const EVENT_FIELDS = `id source recipient recipientDomain recipientProvider reason bounceType hardBounce fault variant status replyCode diagnosticCode ruleVersion evidence occurredAt campaign { id } inbox { id }`;

export interface DsnRecipient {
  address: string;
  status: string;
  diagnostic: string;
  action?: "failed" | "delayed" | "delivered";
}

/** An RFC 3464 delivery status notification, with the original message's headers returned. */
export function dsnMessage(args: {
  messageId: string;
  recipients: DsnRecipient[];
  originalHeaders?: Record<string, string>;
  date?: Date;
}): string {
  const boundary = `b-${args.messageId.replace(/[^a-z0-9]/gi, "")}`;
  const date = (args.date ?? new Date()).toUTCString();
  const perRecipient = args.recipients
    .map((r) =>
      [
        `Final-Recipient: rfc822; ${r.address}`,
        `Action: ${r.action ?? "failed"}`,
        `Status: ${r.status}`,
        `Remote-MTA: dns; mx.${r.address.split("@")[1]}`,
        `Diagnostic-Code: smtp; ${r.diagnostic}`,
        `Last-Attempt-Date: ${date}`,
      ].join("\r\n"),
    )
    .join("\r\n\r\n");
  const original = Object.entries({
    From: "alex@sender.example",
    To: args.recipients[0]?.address ?? "",
    Subject: "Hello",
    "Message-ID": `<orig-${args.messageId}>`,
    ...(args.originalHeaders ?? {}),
  })
    .map(([k, v]) => `${k}: ${v}`)
    .join("\r\n");
  return [
    `From: Mail Delivery System <MAILER-DAEMON@mta.sender.example>`,
    `To: bounces@sender.example`,
    `Subject: Undelivered Mail Returned to Sender`,
    `Date: ${date}`,
    `Message-ID: <${args.messageId}>`,
    `MIME-Version: 1.0`,
    `Content-Type: multipart/report; report-type=delivery-status; boundary="${boundary}"`,
    ``,
    `--${boundary}`,
    `Content-Type: text/plain; charset=us-ascii`,
    ``,
    `This is the mail system at host mta.sender.example. Your message could not be delivered.`,
    ``,
    `--${boundary}`,
    `Content-Type: message/delivery-status`,
    ``,
    `Reporting-MTA: dns; mta.sender.example`,
    `Arrival-Date: ${date}`,
    ``,
    perRecipient,
    ``,
    `--${boundary}`,
    `Content-Type: text/rfc822-headers`,
    ``,
    original,
    ``,
    `--${boundary}--`,
    ``,
  ].join("\r\n");
}

/** An ARF (RFC 5965) spam complaint about a message sent to `recipient`. */
export function arfMessage(args: {
  messageId: string;
  recipient: string;
  originalHeaders?: Record<string, string>;
}): string {
  const boundary = `arf-${args.messageId.replace(/[^a-z0-9]/gi, "")}`;
  const original = Object.entries({
    From: "alex@sender.example",
    To: args.recipient,
    Subject: "Hello",
    "Message-ID": `<orig-${args.messageId}>`,
    ...(args.originalHeaders ?? {}),
  })
    .map(([k, v]) => `${k}: ${v}`)
    .join("\r\n");
  return [
    `From: feedback@fbl.mailbox.example`,
    `To: abuse@sender.example`,
    `Subject: Complaint about message`,
    `Date: ${new Date().toUTCString()}`,
    `Message-ID: <${args.messageId}>`,
    `MIME-Version: 1.0`,
    `Content-Type: multipart/report; report-type=feedback-report; boundary="${boundary}"`,
    ``,
    `--${boundary}`,
    `Content-Type: text/plain`,
    ``,
    `This is an email abuse report.`,
    ``,
    `--${boundary}`,
    `Content-Type: message/feedback-report`,
    ``,
    `Feedback-Type: abuse`,
    `User-Agent: FBL/1.0`,
    `Version: 1`,
    `Original-Rcpt-To: <${args.recipient}>`,
    `Arrival-Date: ${new Date().toUTCString()}`,
    ``,
    `--${boundary}`,
    `Content-Type: text/rfc822-headers`,
    ``,
    original,
    ``,
    `--${boundary}--`,
    ``,
  ].join("\r\n");
}

export function autoReplyMessage(messageId: string): string {
  return [
    `From: Sam <sam@customer.example>`,
    `To: alex@sender.example`,
    `Subject: Out of office: Hello`,
    `Auto-Submitted: auto-replied`,
    `Date: ${new Date().toUTCString()}`,
    `Message-ID: <${messageId}>`,
    ``,
    `I am out of the office until Monday.`,
    ``,
  ].join("\r\n");
}
