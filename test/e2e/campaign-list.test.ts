import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ok, type Gql } from "../support/graphql-client";
import { startTestApp, type TestApp } from "../support/test-app";
import { sql, uuidFromGlobal } from "./ingest-support";

// Query.campaigns as an integrator reads it: orderBy (CREATED_AT, BOUNCE_RATE, both ways)
// paged two at a time through every page, each filter, totalCount, another tenant's
// campaigns, and bad input. Every answer is compared with what the stored rows say (read as
// the superuser): the order by bounce rate with the lifetime totals ingest keeps. Each list is
// read twice: plainly (the campaign module's statement) and with the dashboard's health
// fields selected (the health module's page reader, which embeds the same page).

let app: TestApp;
let gql: Gql;
let other: Gql;
let tenantUuid: string;
let domain1: string;
let domain2: string;
let otherDomain: string;
const ids = new Map<string, string>();

const INGEST = `mutation($input: IngestBouncesInput!) { ingestBounces(input: $input) { inserted userErrors { code message } } }`;
const SENDS = `mutation($input: RecordSendsInput!) { recordSends(input: $input) { recorded userErrors { code message } } }`;

async function domainWithInbox(g: Gql, name: string): Promise<{ domainId: string; inboxId: string }> {
  const domainId = ok(
    await g(`mutation($n: String!) { createDomain(input: { name: $n }) { domain { id } userErrors { code } } }`, {
      n: name,
    }),
    "createDomain",
  ).domain.id as string;
  const inboxId = ok(
    await g(
      `mutation($d: ID!, $a: String!) { createInbox(input: { domainId: $d, address: $a }) { inbox { id } userErrors { code } } }`,
      { d: domainId, a: `sender@${name}` },
    ),
    "createInbox",
  ).inbox.id as string;
  return { domainId, inboxId };
}

async function campaign(g: Gql, name: string, domainId: string, inboxId: string, status: string): Promise<string> {
  return ok(
    await g(
      `mutation($input: CreateCampaignInput!) { createCampaign(input: $input) { campaign { id } userErrors { code message } } }`,
      { input: { name, domainId, inboxIds: [inboxId], status } },
    ),
    "createCampaign",
  ).campaign.id as string;
}

/** Sends to `sent` recipients, then `hard` hard bounces and `soft` deferrals among them. */
async function traffic(
  g: Gql,
  campaignId: string,
  inboxId: string,
  label: string,
  sent: number,
  hard: number,
  soft: number,
) {
  const recipients = Array.from({ length: sent }, (_, i) => `${label}${i}@gmail.com`);
  if (sent > 0) ok(await g(SENDS, { input: { campaignId, inboxId, recipients } }), "recordSends");
  const events = [
    ...recipients.slice(0, hard).map((r) => ({
      recipient: r,
      campaignId,
      smtpResponse: `550 5.1.1 <${r}>: Recipient address rejected: User unknown`,
      eventKey: `${label}-hard-${r}`,
    })),
    ...recipients.slice(hard, hard + soft).map((r) => ({
      recipient: r,
      kind: "DEFERRAL",
      campaignId,
      smtpResponse: `452 4.2.2 The email account that you tried to reach is over quota.`,
      eventKey: `${label}-soft-${r}`,
    })),
  ];
  if (events.length > 0) ok(await g(INGEST, { input: { events } }), "ingestBounces");
}

beforeAll(async () => {
  app = await startTestApp("campaignlist");
  const t = await app.newTenant("campaign lists");
  gql = t.gql;
  tenantUuid = uuidFromGlobal(t.tenantId);
  other = (await app.newTenant("campaign lists other")).gql;
  const d1 = await domainWithInbox(gql, "one.campaigns.example");
  const d2 = await domainWithInbox(gql, "two.campaigns.example");
  domain1 = d1.domainId;
  domain2 = d2.domainId;
  // name, domain, status, sends, hard bounces, deferrals
  const plan: Array<[string, typeof d1, string, number, number, number]> = [
    ["Launch 1", d1, "ACTIVE", 10, 2, 0], // 0.2
    ["launch 2", d1, "ACTIVE", 10, 3, 2], // 0.5
    ["LAUNCH 3", d2, "PAUSED", 4, 1, 1], // 0.5, a tie with "launch 2"
    ["Relaunch", d2, "ACTIVE", 10, 0, 0], // 0
    ["Spring sale", d1, "DRAFT", 0, 0, 0], // nothing sent
    ["Spring follow-up", d2, "DRAFT", 0, 0, 0], // nothing sent, a tie
    ["Summer", d1, "COMPLETED", 8, 0, 1], // 0.125
    ["Ünïcode launch", d2, "ACTIVE", 5, 5, 0], // 1
    ["Autumn", d1, "ACTIVE", 10, 0, 0], // 0, a tie with "Relaunch"
  ];
  for (const [name, d, status, sent, hard, soft] of plan) {
    const id = await campaign(gql, name, d.domainId, d.inboxId, status);
    ids.set(name, id);
    await traffic(gql, id, d.inboxId, `c${ids.size}-`, sent, hard, soft);
  }
  // Creation times a week apart, three of them equal (ties broken by id).
  const days = [1, 2, 3, 4, 4, 4, 7, 8, 9];
  for (const [i, name] of plan.map((p) => p[0]).entries())
    await sql(app.database.url, `UPDATE campaigns SET created_at = $2 WHERE id = $1`, [
      uuidFromGlobal(ids.get(name)!),
      new Date(Date.UTC(2026, 9, days[i]!)),
    ]);
  // Another tenant's campaigns, named alike and with traffic.
  const o = await domainWithInbox(other, "other.campaigns.example");
  otherDomain = o.domainId;
  for (const name of ["Launch other", "Spring other"]) {
    const id = await campaign(other, name, o.domainId, o.inboxId, "ACTIVE");
    await traffic(other, id, o.inboxId, `o-${name.length}-`, 10, 9, 0);
  }
}, 120_000);
afterAll(() => app?.close());

interface Page {
  totalCount: number;
  edges: Array<{ cursor: string; node: { id: string; name: string } }>;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/** Every campaign of a list, two per page, with its totalCount (the same on every page). */
async function listAll(
  g: Gql,
  args: { filter?: Record<string, unknown>; orderBy?: Record<string, unknown> },
  withHealth: boolean,
): Promise<{ names: string[]; ids: string[]; totalCount: number }> {
  const fields = withHealth ? "stats { sent }" : "";
  const names: string[] = [];
  const found: string[] = [];
  const totals = new Set<number>();
  let after: string | null = null;
  for (let pages = 0; pages < 20; pages++) {
    const page: Page = ok(
      await g(
        `query($after: String, $filter: CampaignFilter, $orderBy: CampaignOrder) {
           campaigns(first: 2, after: $after, filter: $filter, orderBy: $orderBy) {
             totalCount edges { cursor node { id name ${fields} } } pageInfo { hasNextPage endCursor } } }`,
        { after, ...args },
      ),
    ).campaigns;
    totals.add(page.totalCount);
    for (const e of page.edges) {
      names.push(e.node.name);
      found.push(e.node.id);
    }
    if (!page.pageInfo.hasNextPage) break;
    after = page.pageInfo.endCursor;
  }
  expect(totals.size).toBe(1);
  return { names, ids: found, totalCount: [...totals][0]! };
}

/** The names of the tenant's campaigns meeting `where`, in `order`, as the stored rows say. */
async function expected(where: string, order: string, params: unknown[] = []): Promise<string[]> {
  const rows = await sql<{ name: string }>(
    app.database.url,
    `SELECT c.name FROM campaigns c
       LEFT JOIN (SELECT campaign_id, sum(sent) AS sent, sum(hard_bounces + soft_bounces) AS bounced
                    FROM campaign_delivery_totals GROUP BY campaign_id) t ON t.campaign_id = c.id
      WHERE c.tenant_id = $1 AND ${where}
      ORDER BY ${order}`,
    [tenantUuid, ...params],
  );
  return rows.map((r) => r.name);
}

// The rate from the lifetime totals, unsent campaigns below every rate.
const RATE = "(CASE WHEN coalesce(t.sent, 0) > 0 THEN t.bounced::float8 / t.sent ELSE -1 END)";

describe.each([false, true])("campaigns (health fields selected: %s)", (withHealth) => {
  it("orders newest first by default and by creation both ways, ties by id, every row once", async () => {
    const byDefault = await listAll(gql, {}, withHealth);
    expect(byDefault.names).toEqual(await expected("true", "c.created_at DESC, c.id DESC"));
    expect(byDefault.totalCount).toBe(9);
    const asc = await listAll(gql, { orderBy: { field: "CREATED_AT", direction: "ASC" } }, withHealth);
    expect(asc.names).toEqual(await expected("true", "c.created_at ASC, c.id ASC"));
    expect(new Set(asc.ids).size).toBe(9);
    const desc = await listAll(gql, { orderBy: { field: "CREATED_AT", direction: "DESC" } }, withHealth);
    expect(desc.names).toEqual(byDefault.names);
  });

  it("orders by lifetime bounce rate both ways, ties by id, campaigns that sent nothing lowest", async () => {
    const desc = await listAll(gql, { orderBy: { field: "BOUNCE_RATE", direction: "DESC" } }, withHealth);
    expect(desc.names).toEqual(await expected("true", `${RATE} DESC, c.id DESC`));
    expect(desc.names[0]).toBe("Ünïcode launch");
    expect(desc.names.slice(-2).sort()).toEqual(["Spring follow-up", "Spring sale"]);
    expect(desc.totalCount).toBe(9);
    const asc = await listAll(gql, { orderBy: { field: "BOUNCE_RATE", direction: "ASC" } }, withHealth);
    expect(asc.names).toEqual(await expected("true", `${RATE} ASC, c.id ASC`));
    expect(asc.names).toEqual([...desc.names].reverse());
  });

  it("filters by status, domain, name prefix (any case) and creation range, with exact totals", async () => {
    const cases: Array<[Record<string, unknown>, string, unknown[]]> = [
      [{ status: "ACTIVE" }, "c.status = 'ACTIVE'", []],
      [{ domainId: domain2 }, "c.domain_id = $2", [uuidFromGlobal(domain2)]],
      [{ namePrefix: "LAUN" }, "c.name IN ('Launch 1', 'launch 2', 'LAUNCH 3')", []],
      [{ namePrefix: "ünï" }, "c.name = 'Ünïcode launch'", []],
      [{ namePrefix: "spring f" }, "c.name = 'Spring follow-up'", []],
      [
        { createdFrom: "2026-10-02T00:00:00Z", createdTo: "2026-10-07T00:00:00Z" },
        "c.created_at >= '2026-10-02' AND c.created_at < '2026-10-07'",
        [],
      ],
      [
        { status: "ACTIVE", domainId: domain1, namePrefix: "launch" },
        "c.status = 'ACTIVE' AND c.domain_id = $2 AND c.name IN ('Launch 1', 'launch 2')",
        [uuidFromGlobal(domain1)],
      ],
    ];
    for (const [filter, where, params] of cases) {
      for (const [orderBy, order] of [
        [{ field: "CREATED_AT", direction: "DESC" }, "c.created_at DESC, c.id DESC"],
        [{ field: "BOUNCE_RATE", direction: "DESC" }, `${RATE} DESC, c.id DESC`],
      ] as const) {
        const want = await expected(where, order, params);
        expect(want.length).toBeGreaterThan(0);
        const got = await listAll(gql, { filter, orderBy }, withHealth);
        expect({ filter, names: got.names }).toEqual({ filter, names: want });
        expect(got.totalCount).toBe(want.length);
      }
    }
  });

  it("never shows another tenant's campaigns: its domain matches nothing here", async () => {
    const all = await listAll(gql, { filter: { namePrefix: "launch" } }, withHealth);
    expect(all.names).not.toContain("Launch other");
    const theirs = await listAll(gql, { filter: { domainId: otherDomain } }, withHealth);
    expect(theirs).toEqual({ names: [], ids: [], totalCount: 0 });
    const own = await listAll(other, { orderBy: { field: "BOUNCE_RATE", direction: "DESC" } }, withHealth);
    expect(own.names.sort()).toEqual(["Launch other", "Spring other"]);
  });
});

describe("campaigns refuses input no page can answer", () => {
  async function code(variables: Record<string, unknown>): Promise<unknown> {
    const res = await gql(
      `query($after: String, $filter: CampaignFilter, $orderBy: CampaignOrder) {
         campaigns(first: 2, after: $after, filter: $filter, orderBy: $orderBy) { edges { node { id } } } }`,
      variables,
    );
    return res.errors?.[0]?.extensions?.code;
  }

  it("an inverted creation range, an over-long prefix, a cursor of another order", async () => {
    expect(await code({ filter: { createdFrom: "2026-10-05T00:00:00Z", createdTo: "2026-10-01T00:00:00Z" } })).toBe(
      "BAD_USER_INPUT",
    );
    expect(await code({ filter: { namePrefix: "x".repeat(201) } })).toBe("BAD_USER_INPUT");
    const page = ok(await gql(`{ campaigns(first: 1) { pageInfo { endCursor } } }`)).campaigns;
    expect(await code({ after: page.pageInfo.endCursor, orderBy: { field: "BOUNCE_RATE", direction: "DESC" } })).toBe(
      "BAD_USER_INPUT",
    );
    expect(await code({ orderBy: { field: "NAME", direction: "DESC" } })).toBe("BAD_USER_INPUT");
  });
});

describe("the stored bounce rate", () => {
  it("is each campaign's lifetime (hard + soft) / sent from the counters ingest keeps", async () => {
    const rows = await sql<{ name: string; stored: number; totals: number }>(
      app.database.url,
      `SELECT c.name, c.bounce_rate AS stored, ${RATE} AS totals FROM campaigns c
         LEFT JOIN (SELECT campaign_id, sum(sent) AS sent, sum(hard_bounces + soft_bounces) AS bounced
                      FROM campaign_delivery_totals GROUP BY campaign_id) t ON t.campaign_id = c.id`,
    );
    expect(rows.length).toBe(11);
    for (const r of rows) expect({ name: r.name, rate: r.stored }).toEqual({ name: r.name, rate: r.totals });
    const byName = new Map(rows.map((r) => [r.name, r.stored]));
    expect(byName.get("launch 2")).toBe(0.5);
    expect(byName.get("Summer")).toBe(0.125);
    expect(byName.get("Spring sale")).toBe(-1);
  });
});
