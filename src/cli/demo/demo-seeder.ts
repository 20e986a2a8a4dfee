import type { Call } from "./demo-api";
import {
  DEMO_CAMPAIGNS,
  DEMO_DOMAINS,
  DEMO_INBOXES,
  REPLIES,
  daysAgo,
  demoBounces,
  demoSendBatches,
} from "./demo-plan";

// Puts the demo plan into a tenant through the public API. Everything it creates is found
// again by name on the next run, and every send batch and bounce carries an idempotency key or
// event key, so a second run stores nothing new.

type Ids = Map<string, string>;

async function existing(
  call: Call,
  field: "domains" | "inboxes" | "campaigns",
  label: "name" | "address",
): Promise<Ids> {
  const data = await call<Record<string, { edges: Array<{ node: Record<string, string> }> }>>(
    `{ ${field}(first: 100) { edges { node { id ${label} } } } }`,
  );
  return new Map(data[field].edges.map(({ node }) => [node[label], node.id]));
}

async function ensureSetup(call: Call, today: Date) {
  const domains = await existing(call, "domains", "name");
  for (const d of DEMO_DOMAINS) {
    if (domains.has(d.name)) continue;
    const data = await call<{ createDomain: { domain: { id: string } } }>(
      `mutation($input: CreateDomainInput!) { createDomain(input: $input) { domain { id } userErrors { code message } } }`,
      {
        input: { name: d.name, registeredAt: daysAgo(today, d.registeredDaysAgo) },
      },
    );
    domains.set(d.name, data.createDomain.domain.id);
  }
  const inboxes = await existing(call, "inboxes", "address");
  for (const i of DEMO_INBOXES) {
    if (inboxes.has(i.address)) continue;
    const data = await call<{ createInbox: { inbox: { id: string } } }>(
      `mutation($input: CreateInboxInput!) { createInbox(input: $input) { inbox { id } userErrors { code message } } }`,
      {
        input: {
          domainId: domains.get(i.domain),
          address: i.address,
          warmupStartedAt: daysAgo(today, i.warmupDaysAgo),
          dailyLimit: i.dailyLimit,
        },
      },
    );
    inboxes.set(i.address, data.createInbox.inbox.id);
  }
  const campaigns = await existing(call, "campaigns", "name");
  for (const c of DEMO_CAMPAIGNS) {
    if (campaigns.has(c.name)) continue;
    const data = await call<{ createCampaign: { campaign: { id: string } } }>(
      `mutation($input: CreateCampaignInput!) { createCampaign(input: $input) { campaign { id } userErrors { code message } } }`,
      {
        input: {
          name: c.name,
          domainId: domains.get(c.domain),
          inboxIds: c.inboxes.map((a) => inboxes.get(a)),
          status: "ACTIVE",
        },
      },
    );
    campaigns.set(c.name, data.createCampaign.campaign.id);
  }
  return { domains, inboxes, campaigns };
}

/** A delivery status notification (RFC 3464) as a receiving MTA would return it. */
function dsn(campaignId: string, recipient: string, today: Date): string {
  const date = new Date(today.getTime() + 2_400_000).toUTCString();
  return [
    "From: Mail Delivery System <MAILER-DAEMON@mx1.northwind-mail.example>",
    "To: ana@northwind-mail.example",
    `Subject: Undelivered Mail Returned to Sender`,
    `Date: ${date}`,
    `Message-ID: <dsn-${recipient.replace(/[^a-z0-9]/gi, "")}@mx1.northwind-mail.example>`,
    "MIME-Version: 1.0",
    'Content-Type: multipart/report; report-type=delivery-status; boundary="rebound-demo-boundary"',
    "",
    "--rebound-demo-boundary",
    "Content-Type: text/plain; charset=us-ascii",
    "",
    `I'm sorry to have to inform you that your message could not be delivered to one or more recipients.`,
    "",
    `<${recipient}>: host gmail-smtp-in.l.google.com[192.0.2.27] said: ${REPLIES.gmailUnknown} (in reply to RCPT TO command)`,
    "",
    "--rebound-demo-boundary",
    "Content-Type: message/delivery-status",
    "",
    "Reporting-MTA: dns; mx1.northwind-mail.example",
    `Arrival-Date: ${date}`,
    "",
    `Final-Recipient: rfc822; ${recipient}`,
    `Original-Recipient: rfc822; ${recipient}`,
    "Action: failed",
    "Status: 5.1.1",
    "Remote-MTA: dns; gmail-smtp-in.l.google.com",
    `Diagnostic-Code: smtp; ${REPLIES.gmailUnknown}`,
    "",
    "--rebound-demo-boundary",
    "Content-Type: text/rfc822-headers",
    "",
    "From: Ana <ana@northwind-mail.example>",
    `To: <${recipient}>`,
    "Subject: Quick question about your trade-show leads",
    `X-Rebound-Campaign: ${campaignId}`,
    "",
    "--rebound-demo-boundary--",
    "",
  ].join("\r\n");
}

/** Seeds the plan; returns how many bounces this run stored (0 when it had run before). */
export async function seedDemo(call: Call, today: Date): Promise<number> {
  const { inboxes, campaigns } = await ensureSetup(call, today);
  for (const batch of demoSendBatches(today)) {
    await call<unknown>(
      `mutation($input: RecordSendsInput!) { recordSends(input: $input) { recorded userErrors { code message } } }`,
      {
        input: {
          campaignId: campaigns.get(batch.campaign),
          inboxId: inboxes.get(batch.inbox),
          recipients: batch.recipients,
          sentAt: batch.sentAt,
          idempotencyKey: batch.idempotencyKey,
        },
      },
    );
  }
  let bouncesInserted = 0;
  for (const campaign of DEMO_CAMPAIGNS) {
    const events = demoBounces(today)
      .filter((b) => b.campaign === campaign.name)
      .map(({ recipient, smtpResponse, occurredAt, eventKey }) => ({
        recipient,
        smtpResponse,
        occurredAt,
        eventKey,
        campaignId: campaigns.get(campaign.name),
      }));
    const data = await call<{ ingestBounces: { inserted: number } }>(
      `mutation($input: IngestBouncesInput!) { ingestBounces(input: $input) { inserted userErrors { code message } } }`,
      { input: { events } },
    );
    bouncesInserted += data.ingestBounces.inserted;
  }
  // One bounce arrives as the raw DSN a mail server returns; Rebound finds its campaign from
  // the X-Rebound-Campaign header of the returned original.
  const blocking = campaigns.get(DEMO_CAMPAIGNS[2].name)!;
  const data = await call<{ ingestBounceMessage: { inserted: number } }>(
    `mutation($input: IngestBounceMessageInput!) { ingestBounceMessage(input: $input) { inserted userErrors { code message } } }`,
    {
      input: { raw: dsn(blocking, "lead3-0200@gmail.com", today) },
    },
  );
  return bouncesInserted + data.ingestBounceMessage.inserted;
}

const LIVE_REPLIES = [
  REPLIES.gmailUnknown,
  REPLIES.outlookUnknown,
  REPLIES.yahooUnknown,
  REPLIES.gmailOverQuota,
  REPLIES.gmailUnknown,
  REPLIES.gmailUnauthenticated,
];
const LIVE_DOMAINS = ["gmail.com", "outlook.com", "yahoo.com", "gmail.com", "gmail.com", "gmail.com"];

/**
 * A bounce every intervalMs on the "warning" campaign, mostly unknown users, until the signal
 * aborts: its rates climb, and within a minute or so Gmail and the campaign cross into
 * BLOCKING, which raises alerts. Each event has its own key: a live run adds data.
 */
export async function trickleBounces(
  call: Call,
  onEvent: (line: string) => void,
  signal: AbortSignal,
  intervalMs = 1_000,
): Promise<number> {
  const campaigns = await existing(call, "campaigns", "name");
  const campaignId = campaigns.get(DEMO_CAMPAIGNS[1].name);
  const run = Date.now().toString(36);
  let n = 0;
  while (!signal.aborted) {
    const reply = LIVE_REPLIES[n % LIVE_REPLIES.length];
    const recipient = `live-${run}-${n}@${LIVE_DOMAINS[n % LIVE_DOMAINS.length]}`;
    const data = await call<{
      ingestBounces: { events: Array<{ reason: string; bounceType: string; fault: string }> };
    }>(
      `mutation($input: IngestBouncesInput!) { ingestBounces(input: $input) { inserted events { reason bounceType fault } userErrors { code message } } }`,
      { input: { events: [{ recipient, campaignId, smtpResponse: reply, eventKey: `demo:live:${run}:${n}` }] } },
    );
    const event = data.ingestBounces.events[0];
    onEvent(`${recipient}  ${event.reason} ${event.bounceType} ${event.fault}`);
    n++;
    await new Promise((resolve) => {
      const timer = setTimeout(resolve, intervalMs);
      signal.addEventListener(
        "abort",
        () => {
          clearTimeout(timer);
          resolve(undefined);
        },
        { once: true },
      );
    });
  }
  return n;
}
