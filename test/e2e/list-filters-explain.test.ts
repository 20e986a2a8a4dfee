import "reflect-metadata";
import { Client } from "pg";
import type { ObjectLiteral, SelectQueryBuilder } from "typeorm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countQuery, keysetQuery, type KeysetOrder } from "../../src/platform/db/keyset";
import { RequestContext } from "../../src/platform/context";
import { alertService } from "../../src/modules/alert/alert.service";
import { bounceEventOrder, bounceService } from "../../src/modules/bounce/bounce.service";
import { campaignService } from "../../src/modules/campaign/campaign.service";
import type { CampaignFilter, CampaignOrder } from "../../src/modules/campaign/campaign.pages";
import { suppressionService } from "../../src/modules/suppression/suppression.service";
import { startTestApp, type TestApp } from "../support/test-app";
import { createSetup, uuidFromGlobal } from "./ingest-support";

// Every filter of bounceEvents, suppressions, alerts and campaigns, and every order, is served by an
// index: the exact statements the services run (a page and its totalCount), EXPLAINed as the
// application role inside a tenant's transaction, on tables of a million rows each (ten
// tenants of 100,000), never scan a table. The rows are made by generate_series; the tables'
// own indexes are dropped for the load and re-created from their definitions (pg_indexes)
// right after, which is how a bulk load is done, and what keeps this setup fast.

const ROWS = 1_000_000;
const TENANTS = 10;

let app: TestApp;
let tenantUuid: string;
let campaignUuid: string;

async function superuser<T>(fn: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: app.database.url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** Loads one table: drops its non-constraint indexes, runs the insert, re-creates them, analyzes. */
async function load(table: string, insert: string): Promise<void> {
  await superuser(async (c) => {
    const { rows } = await c.query<{ indexname: string; indexdef: string }>(
      `SELECT indexname, indexdef FROM pg_indexes i WHERE tablename = $1
         AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conname = i.indexname)`,
      [table],
    );
    // The rows are valid by construction (real tenants and campaign): the load skips the
    // per-row foreign-key triggers (replica role), as a restore does.
    await c.query(
      "SET maintenance_work_mem = '256MB'; SET synchronous_commit = off; SET session_replication_role = replica",
    );
    for (const r of rows) await c.query(`DROP INDEX ${r.indexname}`);
    const t0 = Date.now();
    await c.query(insert);
    const t1 = Date.now();
    for (const r of rows) await c.query(r.indexdef);
    const t2 = Date.now();
    await c.query(`VACUUM ANALYZE ${table}`);
    console.log(`${table}: insert ${t1 - t0} ms, indexes ${t2 - t1} ms, vacuum ${Date.now() - t2} ms`);
  });
}

beforeAll(async () => {
  app = await startTestApp("explain");
  const t = await app.newTenant("explain");
  tenantUuid = uuidFromGlobal(t.tenantId);
  campaignUuid = uuidFromGlobal((await createSetup(t.gql, "explain")).campaignId);
  await superuser((c) =>
    c.query(`INSERT INTO tenants (name) SELECT 'bulk ' || g FROM generate_series(2, ${TENANTS}) g`),
  );
  // Row g belongs to the g-th tenant in turn (the test tenant among them); values cycle so
  // that each filter value matches a few percent of a tenant's rows, as in real lists.
  const head = `WITH t AS (SELECT array_agg(id ORDER BY (id = '${tenantUuid}') DESC, id) AS ids FROM tenants)`;
  const started = Date.now();
  await Promise.all([
    load(
      "bounce_events",
      `${head}
       INSERT INTO bounce_events (tenant_id, campaign_id, dedupe_key, source, recipient, recipient_domain, recipient_provider,
         reason, bounce_type, hard_bounce, fault, variant, likely_cause, first_action, rule_version, occurred_at, created_at)
       SELECT t.ids[1 + g % ${TENANTS}],
              CASE WHEN g % ${TENANTS} = 0 AND g % 100 = 0 THEN '${campaignUuid}'::uuid END,
              'bulk:' || g, 'API', 'lead' || g || '@d' || (g % 997) || '.example', 'd' || (g % 997) || '.example',
              (ARRAY['GMAIL','MICROSOFT','YAHOO','APPLE','OTHER'])[1 + (g / 10) % 5],
              (ARRAY['userunknown','mailboxfull','blocked','authfailure','hostunknown','spamdetected','expired','suspend','policyviolation','rejected','filtered','badreputation','delivered','feedback','undefined'])[1 + (g / 10) % 15],
              (ARRAY['HARD','SOFT','UNDETERMINED'])[1 + (g / 10) % 3], (g / 10) % 3 = 0,
              (ARRAY['RECIPIENT_ADDRESS','RECIPIENT_MAILBOX','SENDER_AUTHENTICATION','SENDER_REPUTATION','CONTENT','POLICY','NETWORK','PROTOCOL','UNKNOWN'])[1 + (g / 10) % 9],
              'NOT_550', '', '', 'bulk', now() - g * interval '7 seconds', now() - g * interval '5 seconds'
         FROM t, generate_series(1, ${ROWS}) g`,
    ),
    load(
      "suppressions",
      `${head}
       INSERT INTO suppressions (tenant_id, scope, value, reason, created_at)
       SELECT t.ids[1 + g % ${TENANTS}], CASE WHEN g % 50 = 0 THEN 'DOMAIN' ELSE 'ADDRESS' END,
              CASE WHEN g % 50 = 0 THEN 'd' || g || '.example' ELSE 'user' || g || '@d' || (g % 1000) || '.example' END,
              (ARRAY['HARD_BOUNCE','UNKNOWN_DOMAIN','SOFT_BOUNCE_LIMIT','RETRIES_EXPIRED','COMPLAINT','MANUAL'])[1 + (g / 10) % 6],
              now() - g * interval '5 seconds'
         FROM t, generate_series(1, ${ROWS}) g`,
    ),
    load(
      "alerts",
      `${head}
       INSERT INTO alerts (tenant_id, kind, severity, message, action, created_at, acknowledged_at)
       SELECT t.ids[1 + g % ${TENANTS}],
              (ARRAY['BOUNCE_RATE_WARNING','BOUNCE_RATE_BLOCKING','BOUNCE_RATE_RECOVERED','COMPLAINT_RATE_WARNING','COMPLAINT_RATE_CRITICAL','COMPLAINT_RATE_RECOVERED','SENDER_AUTHENTICATION_FAILURES','BLOCKLIST_REJECTIONS','CATCH_ALL_BLOCKS','DNS_AUTHENTICATION_REGRESSED','WARMUP_RAMP_EXCEEDED'])[1 + (g / 10) % 11],
              (ARRAY['INFO','WARNING','CRITICAL'])[1 + (g / 10) % 3], 'bulk', 'bulk',
              now() - g * interval '5 seconds', CASE WHEN (g / 10) % 10 = 0 THEN now() END
         FROM t, generate_series(1, ${ROWS}) g`,
    ),
    load(
      "campaigns",
      `${head}
       INSERT INTO campaigns (tenant_id, domain_id, name, status, created_at, sent, bounced)
       SELECT t.ids[1 + g % ${TENANTS}], md5('domain ' || (g / 10) % 37)::uuid,
              (ARRAY['Launch','Spring','Relaunch','Follow-up','Summer'])[1 + (g / 10) % 5] || ' ' || g,
              (ARRAY['DRAFT','ACTIVE','PAUSED','COMPLETED'])[1 + (g / 10) % 4],
              now() - g * interval '5 seconds', CASE WHEN g % 7 = 0 THEN 0 ELSE 1000 END, g % 97
         FROM t, generate_series(1, ${ROWS}) g`,
    ),
  ]);
  console.log(`loaded ${4 * ROWS} rows in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}, 240_000);
afterAll(() => app?.close());

interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  Plans?: PlanNode[];
}

function nodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodes)];
}

/** The plan of a statement as the app runs it: the app role, the tenant's transaction, real parameters. */
async function planOf(qb: SelectQueryBuilder<ObjectLiteral>, ctx: RequestContext): Promise<PlanNode[]> {
  const [text, params] = qb.getQueryAndParameters();
  return planOfSql(text, params, ctx);
}

async function planOfSql(text: string, params: unknown[], ctx: RequestContext): Promise<PlanNode[]> {
  const em = await ctx.db();
  const [row] = await em.query(`EXPLAIN (FORMAT JSON) ${text}`, params);
  return nodes(row["QUERY PLAN"][0].Plan as PlanNode);
}

async function expectIndexed(
  build: (ctx: RequestContext) => Promise<SelectQueryBuilder<ObjectLiteral>>,
  alias: string,
  order?: KeysetOrder,
): Promise<string[]> {
  const ctx = new RequestContext(app.running.app, { tenantId: tenantUuid, keyId: "test", scopes: ["read"] });
  try {
    const page = await planOf(keysetQuery(await build(ctx), alias, { first: 50 }, order), ctx);
    const count = await planOf(countQuery(await build(ctx)), ctx);
    for (const plan of [page, count]) {
      expect(plan.filter((n) => n["Node Type"] === "Seq Scan").map((n) => n["Relation Name"])).toEqual([]);
    }
    return [...page, ...count].flatMap((n) => (n["Index Name"] ? [n["Index Name"]] : []));
  } finally {
    await ctx.tx.rollback();
  }
}

const DAY = 86_400_000;
const since = () => new Date(Date.now() - 2 * DAY);
const until = () => new Date(Date.now() - DAY);

describe("bounceEvents on a million rows: no filter or order scans the table", () => {
  // Each filter, and the index its page or its totalCount goes through.
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ["no filter", {}, "bounce_events_tenant_created_idx"],
    ["occurred date range", { occurredFrom: since(), occurredTo: until() }, "bounce_events_tenant_occurred_idx"],
    ["reason", { reason: "hostunknown" }, "bounce_events_tenant_reason_idx"],
    ["fault", { fault: "SENDER_REPUTATION" }, "bounce_events_tenant_fault_idx"],
    ["provider", { provider: "YAHOO" }, "bounce_events_tenant_provider_idx"],
    ["campaign", { campaignUuid: "CAMPAIGN" }, "bounce_events_tenant_campaign_idx"],
    ["inbox", { inboxUuid: "00000000-0000-0000-0000-000000000001" }, "bounce_events_tenant_inbox_idx"],
    ["recipient", { recipient: "lead10@d10.example" }, "bounce_events_tenant_recipient_idx"],
    ["hard/soft", { bounceType: "HARD" }, "bounce_events_tenant_bounce_type_idx"],
  ];
  it.each(cases)("%s", async (_label, filter, index) => {
    const f = { ...filter, campaignUuid: filter.campaignUuid ? campaignUuid : undefined };
    expect(await expectIndexed((ctx) => bounceService.listQuery(ctx, f), "b")).toContain(index);
  });
  it.each([
    ["OCCURRED_AT", "ASC", "bounce_events_tenant_occurred_idx"],
    ["OCCURRED_AT", "DESC", "bounce_events_tenant_occurred_idx"],
    ["CREATED_AT", "ASC", "bounce_events_tenant_created_idx"],
  ] as const)("ordered by %s %s", async (field, direction, index) => {
    const used = await expectIndexed(
      (ctx) => bounceService.listQuery(ctx, {}),
      "b",
      bounceEventOrder({ field, direction }),
    );
    expect(used).toContain(index);
  });
});

describe("suppressions on a million rows", () => {
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ["active (no filter)", {}, "suppressions_tenant_created_idx"],
    ["domain", { domain: "d17.example" }, "suppressions_tenant_domain_idx"],
    ["address prefix", { addressPrefix: "user12" }, "suppressions_tenant_value_prefix_idx"],
    ["reason", { reason: "COMPLAINT" }, "suppressions_tenant_reason_idx"],
    ["created date range", { createdFrom: since(), createdTo: until() }, "suppressions_tenant_created_idx"],
    ["exact value", { value: "user10@d10.example" }, "suppressions_tenant_value_(prefix_)?idx"],
  ];
  it.each(cases)("%s", async (_label, filter, index) => {
    // Either index on the value serves an exact value.
    expect((await expectIndexed((ctx) => suppressionService.listQuery(ctx, filter), "s")).join(" ")).toMatch(
      new RegExp(`\\b${index}\\b`),
    );
  });
});

describe("alerts on a million rows", () => {
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ["no filter", {}, "alerts_tenant_created_idx"],
    ["kind", { kind: "CATCH_ALL_BLOCKS" }, "alerts_tenant_kind_idx"],
    ["severity", { severity: "CRITICAL" }, "alerts_tenant_severity_idx"],
    ["acknowledged", { acknowledged: true }, "alerts_tenant_acknowledged_idx"],
    ["open", { acknowledged: false }, "alerts_tenant_open_idx"],
    ["since", { since: since() }, "alerts_tenant_created_idx"],
  ];
  it.each(cases)("%s", async (_label, filter, index) => {
    expect(await expectIndexed((ctx) => alertService.listQuery(ctx, filter), "a")).toContain(index);
  });
});

describe("campaigns on a million rows", () => {
  const DESC = (field: CampaignOrder["field"]): CampaignOrder => ({ field, direction: "DESC" });
  /** The indexes a page of the list and its totalCount go through, none scanning the table. */
  async function indexesOf(filter: CampaignFilter, order: CampaignOrder): Promise<string[]> {
    const ctx = new RequestContext(app.running.app, { tenantId: tenantUuid, keyId: "test", scopes: ["read"] });
    try {
      const page = campaignService.pageStatement(ctx, { first: 50, order, filter });
      const count = campaignService.countStatement(ctx, filter);
      const plans = [await planOfSql(page.sql, page.values, ctx), await planOfSql(count.sql, count.values, ctx)];
      for (const plan of plans)
        expect(plan.filter((n) => n["Node Type"] === "Seq Scan").map((n) => n["Relation Name"])).toEqual([]);
      return plans.flat().flatMap((n) => (n["Index Name"] ? [n["Index Name"]] : []));
    } finally {
      await ctx.tx.rollback();
    }
  }
  const cases: Array<[string, CampaignFilter, CampaignOrder, string]> = [
    ["no filter, newest first", {}, DESC("CREATED_AT"), "campaigns_tenant_created_idx"],
    ["no filter, by bounce rate", {}, DESC("BOUNCE_RATE"), "campaigns_tenant_bounce_rate_idx"],
    [
      "no filter, by bounce rate ascending",
      {},
      { field: "BOUNCE_RATE", direction: "ASC" },
      "campaigns_tenant_bounce_rate_idx",
    ],
    ["status", { status: "PAUSED" }, DESC("CREATED_AT"), "campaigns_tenant_status_idx"],
    ["domain", { domainUuid: "DOMAIN" }, DESC("CREATED_AT"), "campaigns_tenant_domain_created_idx"],
    ["name prefix", { namePrefix: "Relaunch 12" }, DESC("CREATED_AT"), "campaigns_tenant_name_prefix_idx"],
    [
      "created date range",
      { createdFrom: since(), createdTo: until() },
      DESC("CREATED_AT"),
      "campaigns_tenant_created_idx",
    ],
    ["status, by bounce rate", { status: "ACTIVE" }, DESC("BOUNCE_RATE"), "campaigns_tenant_(status|bounce_rate)_idx"],
    [
      "name prefix, by bounce rate",
      { namePrefix: "summer 3" },
      DESC("BOUNCE_RATE"),
      "campaigns_tenant_name_prefix_idx",
    ],
  ];
  it.each(cases)("%s", async (_label, filter, order, index) => {
    const f = filter.domainUuid ? { ...filter, domainUuid: await domainOfBulk() } : filter;
    expect((await indexesOf(f, order)).join(" ")).toMatch(new RegExp(`\\b${index}\\b`));
  });
});

/** One of the bulk campaigns' domains (md5('domain 5')). */
async function domainOfBulk(): Promise<string> {
  return superuser(async (c) => (await c.query<{ d: string }>(`SELECT md5('domain 5')::uuid AS d`)).rows[0]!.d);
}
