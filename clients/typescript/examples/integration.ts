import { ReboundError, type ReboundClient } from "../src/client";
import { graphql } from "../src/gql";

// The integration a cold-email product writes against Rebound, through the API alone: create a
// sending domain, an inbox and a campaign; record 1,000 sends; report what the sending pipeline
// saw (bounces, deferrals, deliveries and a spam complaint); read the benchmarks, a daily
// timeline and the suppressions with their total; export them as CSV; and receive a bounce in
// real time.

const CreateDomain = graphql(`
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
`);

const CreateInbox = graphql(`
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
`);

const CreateCampaign = graphql(`
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
`);

const RecordSends = graphql(`
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
`);

const IngestBounces = graphql(`
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
`);

const CampaignHealth = graphql(`
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
`);

const CampaignTimeline = graphql(`
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
`);

const Suppressions = graphql(`
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
`);

export const Usage = graphql(`
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
`);

const BounceFeed = graphql(`
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
`);

/** What the integration saw, for a caller (or a test) to check. */
export interface IntegrationSummary {
  campaignId: string;
  recorded: number;
  inserted: number;
  suppressed: string[];
  zone: string;
  benchmarks: Array<{ provider: string; sent: number; hardBounces: number; zone: string }>;
  stats: {
    sent: number;
    delivered: number;
    hardBounces: number;
    softBounces: number;
    complaints: number;
    pauseRecommended: boolean;
  };
  timelineDays: number;
  today: { start: string; sent: number; delivered: number; hardBounces: number; deferred: number; complaints: number };
  suppressionValues: string[];
  suppressionsTotal: number;
  suppressionsCsvRows: number;
  bounceEventsCsvRows: number;
  realtimeBounce: { recipient: string; reason: string };
  usage: { requests: number; ingestedEvents: number; sends: number };
}

/** The payload when it has no userErrors; else fails with the first one (its code is a UserErrorCode). */
function checked<P extends { userErrors: ReadonlyArray<{ code: string; message: string }> }>(
  payload: P,
  what: string,
): P {
  const error = payload.userErrors[0];
  if (error) throw new Error(`${what}: ${error.code}: ${error.message}`);
  return payload;
}

/** A success's object, which the API returns whenever userErrors is empty. */
function created<T>(value: T | null, what: string): T {
  if (value === null) throw new Error(`${what}: no result and no userErrors`);
  return value;
}

/** CSV records after the header (fields hold no line breaks in this flow). */
const csvRows = (text: string) => text.split("\r\n").filter((line) => line !== "").length - 1;

const HARD_BOUNCES = 24;
const DEFERRALS = 6;
const DELIVERIES = 900;

const PROVIDERS = [
  { domain: "gmail.com", count: 600 },
  { domain: "outlook.com", count: 250 },
  { domain: "yahoo.com", count: 150 },
];

export async function runIntegration(
  client: ReboundClient,
  log: (line: string) => void = () => undefined,
): Promise<IntegrationSummary> {
  const run = Date.now().toString(36);

  // 1. The sending setup.
  const domainPayload = (
    await client.request(CreateDomain, {
      input: { name: `mail-${run}.acme.example`, registeredAt: "2026-01-05T00:00:00Z" },
    })
  ).createDomain;
  const domain = created(checked(domainPayload, "createDomain").domain, "createDomain");
  const inboxPayload = (
    await client.request(CreateInbox, {
      input: { domainId: domain.id, address: `ana@${domain.name}`, warmupStartedAt: "2026-01-10T00:00:00Z" },
    })
  ).createInbox;
  const inbox = created(checked(inboxPayload, "createInbox").inbox, "createInbox");
  const campaignPayload = (
    await client.request(CreateCampaign, {
      input: { name: `Launch ${run}`, domainId: domain.id, inboxIds: [inbox.id], status: "ACTIVE" },
    })
  ).createCampaign;
  const campaign = created(checked(campaignPayload, "createCampaign").campaign, "createCampaign");
  log(`campaign ${campaign.name} (${campaign.id}) on ${domain.name}`);

  // 2. 1,000 sends, one call.
  const recipients = PROVIDERS.flatMap(({ domain: d, count }) =>
    Array.from({ length: count }, (_, i) => `lead${i}.${run}@${d}`),
  );
  const sends = (
    await client.request(RecordSends, {
      input: { campaignId: campaign.id, inboxId: inbox.id, recipients, idempotencyKey: `sends-${run}` },
    })
  ).recordSends;
  const recorded = checked(sends, "recordSends").recorded;
  log(`recorded ${recorded} sends`);

  // 3. The real-time feed, opened before the bounces arrive.
  const feed = client.subscribe(BounceFeed, { filter: { campaignId: campaign.id } });
  const firstBounce = feed.next();
  await new Promise((resolve) => setTimeout(resolve, 1_000));

  // 4. What the sending pipeline saw, reported through the API alone, each event with the
  //    pipeline's own id (a retried call stores nothing twice): final bounces, deferrals it is
  //    still retrying, deliveries, and a spam complaint from a feedback loop.
  const hard = Array.from({ length: HARD_BOUNCES }, (_, i) => ({
    kind: "BOUNCE" as const,
    recipient: `lead${i}.${run}@gmail.com`,
    smtpResponse: `550 5.1.1 <lead${i}.${run}@gmail.com>: The email account that you tried to reach does not exist.`,
  }));
  const deferred = Array.from({ length: DEFERRALS }, (_, i) => ({
    kind: "DEFERRAL" as const,
    recipient: `lead${i}.${run}@outlook.com`,
    smtpResponse: "452 4.2.2 The recipient's mailbox is full. Try again later.",
  }));
  const delivered = recipients
    .filter((r) => !hard.some((h) => h.recipient === r))
    .slice(0, DELIVERIES)
    .map((recipient) => ({ kind: "DELIVERY" as const, recipient, smtpResponse: "250 2.0.0 OK" }));
  const complaint = { kind: "COMPLAINT" as const, recipient: `lead0.${run}@yahoo.com` };
  const events = [...hard, ...deferred, ...delivered, complaint].map((e, i) => ({
    ...e,
    campaignId: campaign.id,
    inboxId: inbox.id,
    eventKey: `event-${run}-${i}`,
  }));
  const ingested = checked((await client.request(IngestBounces, { input: { events } })).ingestBounces, "ingestBounces");
  const inserted = ingested.inserted;
  const suppressed = ingested.suppressions.map((s) => s.value);
  log(`ingested ${inserted} events; ${suppressed.length} addresses suppressed`);

  const timeout = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error("no bounce arrived on the subscription within 10 s")), 10_000).unref(),
  );
  const received = await Promise.race([firstBounce, timeout]);
  await feed.return?.();
  if (received.done) throw new Error("the bounce feed ended before its first event");
  const realtimeBounce = received.value.bounceReceived;
  log(`real time: ${realtimeBounce.recipient} ${realtimeBounce.reason} → ${realtimeBounce.firstAction}`);

  // 5. Health: benchmarks per recipient provider, and the campaign's stats.
  const health = (await client.request(CampaignHealth, { id: campaign.id })).campaign;
  if (!health) throw new Error(`campaign ${campaign.id} not found`);
  for (const b of health.benchmarks) log(`  ${b.provider}: ${b.hardBounces}/${b.sent} → ${b.zone}`);

  // 6. A week of daily buckets for a chart (every day present, zeros too).
  const today = new Date(`${new Date().toISOString().slice(0, 10)}T00:00:00Z`);
  const day = 86_400_000;
  const week = await client.request(CampaignTimeline, {
    id: campaign.id,
    from: new Date(today.getTime() - 6 * day).toISOString(),
    to: new Date(today.getTime() + day).toISOString(),
  });
  const timeline = week.campaign?.timeline ?? [];
  for (const b of timeline)
    log(
      `  ${b.start.slice(0, 10)}: sent ${b.sent}, delivered ${b.delivered}, hard ${b.hardBounces}, deferred ${b.deferred}, complaints ${b.complaints}`,
    );
  const lastDay = timeline[timeline.length - 1];
  if (!lastDay) throw new Error("the timeline has no buckets");

  // 7. Suppressions, every page, and how many there are.
  const suppressionValues: string[] = [];
  let suppressionsTotal: number;
  for (let after: string | null = null; ;) {
    const page: Awaited<ReturnType<typeof listSuppressions>> = await listSuppressions(client, after);
    suppressionsTotal = page.totalCount;
    suppressionValues.push(...page.edges.map((e) => e.node.value));
    if (!page.pageInfo.hasNextPage || !page.pageInfo.endCursor) break;
    after = page.pageInfo.endCursor;
  }

  // 8. The same data as files.
  const suppressionsCsv = await client.exportCsv("suppressions");
  const bounceEventsCsv = await client.exportCsv("bounce-events", { from: "2026-01-01" });

  // 9. This month's usage and what is left of the budgets.
  const usage = (await client.request(Usage, {})).viewer.usage;
  log(`suppressions: ${suppressionsTotal} in all`);
  log(`usage: ${usage.requests} requests, ${usage.ingestedEvents} events, ${usage.sends} sends`);

  return {
    campaignId: campaign.id,
    recorded,
    inserted,
    suppressed,
    zone: health.zone,
    benchmarks: health.benchmarks.map(({ provider, sent, hardBounces, zone }) => ({
      provider,
      sent,
      hardBounces,
      zone,
    })),
    stats: {
      sent: health.stats.sent,
      delivered: health.stats.delivered,
      hardBounces: health.stats.hardBounces,
      softBounces: health.stats.softBounces,
      complaints: health.stats.complaints,
      pauseRecommended: health.stats.pauseRecommended,
    },
    timelineDays: timeline.length,
    today: {
      start: lastDay.start,
      sent: lastDay.sent,
      delivered: lastDay.delivered,
      hardBounces: lastDay.hardBounces,
      deferred: lastDay.deferred,
      complaints: lastDay.complaints,
    },
    suppressionValues,
    suppressionsTotal,
    suppressionsCsvRows: csvRows(suppressionsCsv),
    bounceEventsCsvRows: csvRows(bounceEventsCsv),
    realtimeBounce: { recipient: realtimeBounce.recipient, reason: realtimeBounce.reason },
    usage: { requests: usage.requests, ingestedEvents: usage.ingestedEvents, sends: usage.sends },
  };
}

async function listSuppressions(client: ReboundClient, after: string | null) {
  return (await client.request(Suppressions, { first: 100, after })).suppressions;
}

export { ReboundError };
