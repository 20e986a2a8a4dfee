import { ok, type Gql } from "./graphql-client";

/** A domain, an inbox and an ACTIVE campaign, ready to record sends and ingest bounces. */
export async function createSendingSetup(gql: Gql, name = "acme-mail.example") {
  const domain = ok(
    await gql(
      `mutation($n: String!) { createDomain(input: { name: $n, registeredAt: "2026-01-01T00:00:00Z" }) { domain { id } userErrors { code } } }`,
      { n: name },
    ),
    "createDomain",
  ).domain;
  const inbox = ok(
    await gql(
      `mutation($d: ID!, $a: String!) { createInbox(input: { domainId: $d, address: $a, warmupStartedAt: "2026-01-01T00:00:00Z", dailyLimit: 100000 }) { inbox { id } userErrors { code } } }`,
      { d: domain.id, a: `sender@${name}` },
    ),
    "createInbox",
  ).inbox;
  const campaign = ok(
    await gql(
      `mutation($d: ID!, $i: ID!) { createCampaign(input: { name: "Launch", domainId: $d, inboxIds: [$i], status: ACTIVE }) { campaign { id } userErrors { code } } }`,
      { d: domain.id, i: inbox.id },
    ),
    "createCampaign",
  ).campaign;
  return { domainId: domain.id as string, inboxId: inbox.id as string, campaignId: campaign.id as string };
}

export async function recordSends(gql: Gql, campaignId: string, inboxId: string, recipients: string[]) {
  return ok(
    await gql(
      `mutation($input: RecordSendsInput!) { recordSends(input: $input) { recorded userErrors { code message } } }`,
      { input: { campaignId, inboxId, recipients } },
    ),
    "recordSends",
  );
}

export async function ingest(gql: Gql, events: Array<Record<string, unknown>>) {
  return ok(
    await gql(
      `mutation($input: IngestBouncesInput!) { ingestBounces(input: $input) { inserted duplicates events { id recipient reason bounceType } userErrors { code message } } }`,
      { input: { events } },
    ),
    "ingestBounces",
  );
}
