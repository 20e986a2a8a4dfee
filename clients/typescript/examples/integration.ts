import { ReboundError, type ReboundClient } from "../src/client";
import { graphql } from "../src/gql";

// The integration a cold-email product writes against Rebound, through the API alone: create a
// sending domain, an inbox and a campaign; record 1,000 sends; ingest bounces; read the
// benchmarks and the suppressions; export them as CSV; and receive a bounce in real time.

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

const Suppressions = graphql(`
  query Suppressions($first: Int!, $after: String) {
    suppressions(first: $first, after: $after) {
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
  stats: { sent: number; hardBounces: number; softBounces: number; pauseRecommended: boolean };
  suppressionValues: string[];
  suppressionsCsvRows: number;
  bounceEventsCsvRows: number;
  realtimeBounce: { recipient: string; reason: string };
  usage: { requests: number; ingestedEvents: number; sends: number };
}

/** Fails with the payload's userErrors, or returns the value a successful payload guarantees. */
function succeeded<T>(
  payload: { userErrors: ReadonlyArray<{ code: string; message: string }> },
  value: T | null | undefined,
  what: string,
): T {
  const error = payload.userErrors[0];
  if (error) throw new Error(`${what}: ${error.code}: ${error.message}`);
  if (value === null || value === undefined) throw new Error(`${what}: no result and no userErrors`);
  return value;
}

/** CSV records after the header (fields hold no line breaks in this flow). */
const csvRows = (text: string) => text.split("\r\n").filter((line) => line !== "").length - 1;

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
  const domain = succeeded(domainPayload, domainPayload.domain, "createDomain");
  const inboxPayload = (
    await client.request(CreateInbox, {
      input: { domainId: domain.id, address: `ana@${domain.name}`, warmupStartedAt: "2026-01-10T00:00:00Z" },
    })
  ).createInbox;
  const inbox = succeeded(inboxPayload, inboxPayload.inbox, "createInbox");
  const campaignPayload = (
    await client.request(CreateCampaign, {
      input: { name: `Launch ${run}`, domainId: domain.id, inboxIds: [inbox.id], status: "ACTIVE" },
    })
  ).createCampaign;
  const campaign = succeeded(campaignPayload, campaignPayload.campaign, "createCampaign");
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
  const recorded = succeeded(sends, sends.recorded, "recordSends");
  log(`recorded ${recorded} sends`);

  // 3. The real-time feed, opened before the bounces arrive.
  const feed = client.subscribe(BounceFeed, { filter: { campaignId: campaign.id } });
  const firstBounce = feed.next();
  await new Promise((resolve) => setTimeout(resolve, 1_000));

  // 4. Bounces as the sending pipeline sees them: SMTP replies, each with the pipeline's own id.
  const hard = Array.from({ length: 24 }, (_, i) => ({
    recipient: `lead${i}.${run}@gmail.com`,
    smtpResponse: `550 5.1.1 <lead${i}.${run}@gmail.com>: The email account that you tried to reach does not exist.`,
  }));
  const soft = Array.from({ length: 6 }, (_, i) => ({
    recipient: `lead${i}.${run}@outlook.com`,
    smtpResponse: "452 4.2.2 The recipient's mailbox is full. Try again later.",
  }));
  const events = [...hard, ...soft].map((e, i) => ({
    ...e,
    campaignId: campaign.id,
    inboxId: inbox.id,
    eventKey: `bounce-${run}-${i}`,
  }));
  const ingested = (await client.request(IngestBounces, { input: { events } })).ingestBounces;
  const inserted = succeeded(ingested, ingested.inserted, "ingestBounces");
  const suppressed = succeeded(ingested, ingested.suppressions, "ingestBounces").map((s) => s.value);
  log(`ingested ${inserted} bounces; ${suppressed.length} addresses suppressed`);

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

  // 6. Suppressions, every page.
  const suppressionValues: string[] = [];
  for (let after: string | null = null; ;) {
    const page: Awaited<ReturnType<typeof listSuppressions>> = await listSuppressions(client, after);
    suppressionValues.push(...page.edges.map((e) => e.node.value));
    if (!page.pageInfo.hasNextPage || !page.pageInfo.endCursor) break;
    after = page.pageInfo.endCursor;
  }

  // 7. The same data as files.
  const suppressionsCsv = await client.exportCsv("suppressions");
  const bounceEventsCsv = await client.exportCsv("bounce-events", { from: "2026-01-01" });

  // 8. This month's usage and what is left of the budgets.
  const usage = (await client.request(Usage, {})).viewer.usage;
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
      hardBounces: health.stats.hardBounces,
      softBounces: health.stats.softBounces,
      pauseRecommended: health.stats.pauseRecommended,
    },
    suppressionValues,
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
