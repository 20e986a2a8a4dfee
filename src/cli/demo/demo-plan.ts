// What `rebound demo` puts in a tenant: two sending domains, three inboxes at different
// warm-up stages, four campaigns whose recipients and bounces land each one in a different
// benchmark zone, with bounces written the way the big mailbox providers word them. Pure data,
// a function of the day it is run, so that running the demo again sends the same things with
// the same idempotency keys and event keys and changes nothing.

export const DEMO_TENANT_NAME = "Rebound demo: Northwind Outreach";

const DAY = 86_400_000;

export interface DemoDomain {
  name: string;
  registeredDaysAgo: number;
}
export interface DemoInbox {
  address: string;
  domain: string;
  warmupDaysAgo: number;
  dailyLimit: number;
}
export interface DemoBounce {
  recipient: string;
  smtpResponse: string;
}
export interface DemoCampaign {
  name: string;
  domain: string;
  inboxes: string[];
  /** Recipients per provider domain (e.g. gmail.com: 300). */
  sends: Record<string, number>;
  /** Bounces by reply text and how many recipients of which domain get it. */
  bounces: Array<{ reply: string; domain: string; count: number }>;
  /** The zone the campaign is meant to show, for the demo's own summary. */
  shows: string;
}

// Replies as the providers word them (their published formats), not copied from any mail.
export const REPLIES = {
  gmailUnknown:
    "550-5.1.1 The email account that you tried to reach does not exist. Please try double-checking the recipient's email address for typos or unnecessary spaces. For more information, go to https://support.google.com/mail/?p=NoSuchUser",
  gmailUnauthenticated:
    "550-5.7.26 This mail is unauthenticated, which poses a security risk to the sender and Gmail users, and has been blocked. The sender must authenticate with at least one of SPF or DKIM.",
  gmailOverQuota:
    "452-4.2.2 The recipient's inbox is out of storage space. Please direct the recipient to https://support.google.com/mail/?p=OverQuotaTemp",
  outlookUnknown: "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup",
  outlookBlocked:
    "550 5.7.1 Unfortunately, messages from [203.0.113.25] weren't sent. Please contact your Internet service provider since part of their network is on our block list (S3150).",
  yahooUnknown: "554 delivery error: dd This user doesn't have a yahoo.com account - mta1012.mail.gq1.yahoo.com",
  yahooDeferred:
    "421 4.7.0 [TSS04] Messages from 203.0.113.25 temporarily deferred due to unexpected volume or user complaints",
  spamhaus: "554 5.7.1 Service unavailable; Client host [203.0.113.25] blocked using zen.spamhaus.org",
  bare550: "550 permanent failure",
  tryLater: "550 Requested action not taken: mailbox unavailable, try again later",
  mailboxUnavailable: "550 5.2.1 Mailbox unavailable: this account has been disabled",
} as const;

export const DEMO_DOMAINS: DemoDomain[] = [
  { name: "northwind-mail.example", registeredDaysAgo: 180 },
  { name: "northwind-growth.example", registeredDaysAgo: 6 },
];

export const DEMO_INBOXES: DemoInbox[] = [
  { address: "ana@northwind-mail.example", domain: "northwind-mail.example", warmupDaysAgo: 60, dailyLimit: 2000 },
  { address: "ben@northwind-mail.example", domain: "northwind-mail.example", warmupDaysAgo: 10, dailyLimit: 2000 },
  { address: "cleo@northwind-growth.example", domain: "northwind-growth.example", warmupDaysAgo: 3, dailyLimit: 40 },
];

export const DEMO_CAMPAIGNS: DemoCampaign[] = [
  {
    name: "Founders, Q1 (healthy)",
    domain: "northwind-mail.example",
    inboxes: ["ana@northwind-mail.example"],
    sends: { "gmail.com": 320, "outlook.com": 220, "yahoo.com": 160, "icloud.com": 60 },
    bounces: [
      { reply: REPLIES.gmailUnknown, domain: "gmail.com", count: 3 },
      { reply: REPLIES.outlookUnknown, domain: "outlook.com", count: 4 },
      { reply: REPLIES.yahooUnknown, domain: "yahoo.com", count: 2 },
      { reply: REPLIES.gmailOverQuota, domain: "gmail.com", count: 2 },
    ],
    shows: "ACCEPTABLE",
  },
  {
    name: "Agencies, re-engagement (warning)",
    domain: "northwind-mail.example",
    inboxes: ["ben@northwind-mail.example"],
    sends: { "gmail.com": 240, "outlook.com": 160, "yahoo.com": 110 },
    bounces: [
      { reply: REPLIES.gmailUnknown, domain: "gmail.com", count: 9 },
      { reply: REPLIES.outlookUnknown, domain: "outlook.com", count: 10 },
      { reply: REPLIES.yahooUnknown, domain: "yahoo.com", count: 2 },
      { reply: REPLIES.mailboxUnavailable, domain: "outlook.com", count: 1 },
      { reply: REPLIES.gmailUnauthenticated, domain: "gmail.com", count: 3 },
      { reply: REPLIES.yahooDeferred, domain: "yahoo.com", count: 4 },
    ],
    shows: "WARNING",
  },
  {
    name: "Bought list, trade show (blocking)",
    domain: "northwind-mail.example",
    inboxes: ["ana@northwind-mail.example", "ben@northwind-mail.example"],
    sends: { "gmail.com": 220, "outlook.com": 120, "yahoo.com": 130 },
    bounces: [
      { reply: REPLIES.gmailUnknown, domain: "gmail.com", count: 17 },
      { reply: REPLIES.outlookUnknown, domain: "outlook.com", count: 12 },
      { reply: REPLIES.yahooUnknown, domain: "yahoo.com", count: 10 },
      { reply: REPLIES.spamhaus, domain: "outlook.com", count: 3 },
      { reply: REPLIES.outlookBlocked, domain: "outlook.com", count: 2 },
      { reply: REPLIES.bare550, domain: "gmail.com", count: 4 },
      { reply: REPLIES.tryLater, domain: "yahoo.com", count: 2 },
    ],
    shows: "BLOCKING",
  },
  {
    name: "New domain pilot (too early to tell)",
    domain: "northwind-growth.example",
    inboxes: ["cleo@northwind-growth.example"],
    sends: { "gmail.com": 25, "outlook.com": 15 },
    bounces: [{ reply: REPLIES.gmailUnknown, domain: "gmail.com", count: 1 }],
    shows: "INSUFFICIENT_DATA",
  },
];

/** The n-th recipient of a campaign at a domain: stable, so a second run sends to the same people. */
export function demoRecipient(campaignIndex: number, domain: string, n: number): string {
  return `lead${campaignIndex + 1}-${String(n + 1).padStart(4, "0")}@${domain}`;
}

export interface DemoSendBatch {
  campaign: string;
  inbox: string;
  recipients: string[];
  sentAt: string;
  idempotencyKey: string;
}

/**
 * Sends spread over the last four days (today included), each day's share split across the
 * campaign's inboxes. `today` is midnight UTC of the run's day: keys carry it, so a run on the
 * next day records that day's sends once more, as a real pipeline would.
 */
export function demoSendBatches(today: Date): DemoSendBatch[] {
  const batches: DemoSendBatch[] = [];
  DEMO_CAMPAIGNS.forEach((campaign, ci) => {
    const recipients = Object.entries(campaign.sends).flatMap(([domain, count]) =>
      Array.from({ length: count }, (_, n) => demoRecipient(ci, domain, n)),
    );
    const days = 4;
    for (let d = 0; d < days; d++) {
      const dayRecipients = recipients.filter((_, i) => i % days === d);
      // Midnight UTC of each day: never in the future, and the same instant on every run that
      // day (an idempotency key replayed with different content is an error).
      const sentAt = new Date(today.getTime() - (days - 1 - d) * DAY);
      campaign.inboxes.forEach((inbox, ii) => {
        const share = dayRecipients.filter((_, i) => i % campaign.inboxes.length === ii);
        if (share.length === 0) return;
        batches.push({
          campaign: campaign.name,
          inbox,
          recipients: share,
          sentAt: sentAt.toISOString(),
          idempotencyKey: `demo:${today.toISOString().slice(0, 10)}:sends:${ci}:${d}:${ii}`,
        });
      });
    }
  });
  return batches;
}

export interface DemoBounceEvent {
  campaign: string;
  recipient: string;
  smtpResponse: string;
  occurredAt: string;
  eventKey: string;
}

/** Each campaign's bounces, on recipients it sent to, half an hour after the last day's sends. */
export function demoBounces(today: Date): DemoBounceEvent[] {
  const occurredAt = new Date(today.getTime() + 1_800_000).toISOString();
  return DEMO_CAMPAIGNS.flatMap((campaign, ci) => {
    const used: Record<string, number> = {};
    return campaign.bounces.flatMap(({ reply, domain, count }) =>
      Array.from({ length: count }, () => {
        const n = (used[domain] = (used[domain] ?? 0) + 1) * 7; // every 7th lead of that domain
        const recipient = demoRecipient(ci, domain, n % (campaign.sends[domain] ?? 1));
        return {
          campaign: campaign.name,
          recipient,
          smtpResponse: reply,
          occurredAt,
          eventKey: `demo:bounce:${ci}:${recipient}`,
        };
      }),
    );
  });
}

export function daysAgo(today: Date, days: number): string {
  return new Date(today.getTime() - days * DAY).toISOString();
}
