import type { RequestContext } from "../../platform/context";
import { checkPageSize } from "../../platform/graphql/connection";
import type { Campaign, CampaignPageRequest, CampaignPageStatement } from "../campaign";
import { campaignOf, campaignPageSql } from "../campaign";
import { addCounts, emptyTotals, type DeliveryTotals } from "../delivery";
import type { TenantSettingsValues } from "../tenant";
import { type AuditSummary, type RecipientCheckSummary } from "./health-view";
import { decodeFactsDocument, emptyFactsDocument, type FactsDocument } from "./health-facts.document";

// The dashboard's facts: what the health loaders batch and the service shows, read in one
// statement per page (see campaignFactsOf). Data access only; decisions are the core's.

export interface PreviousCampaign {
  uuid: string;
  name: string;
  /** Its lifetime sends and hard bounces (readiness compares with its bounce rate). */
  sent: number;
  hardBounces: number;
}

/** What readiness judges a campaign on besides the clock and the tenant's settings. */
export interface ReadinessRecords {
  campaignUuid: string;
  /** The campaign's sending domain; null only if it vanished (campaigns restrict its deletion). */
  domain: { name: string; registeredAt: Date | null } | null;
  /** Its sending inboxes, in the campaign's order. */
  inboxes: Array<{ address: string; warmupStartedAt: Date | null; dailyLimit: number }>;
  previous: PreviousCampaign | null;
  recipientCheck: RecipientCheckSummary | null;
  /** The domain's last audit, as far as the checklist needs it; null when never audited. */
  audit: AuditSummary | null;
}

/** What one statement answers for a page of campaigns (see campaignFactsOf). */
export interface CampaignFacts {
  /** Lifetime totals of every campaign asked for and of the readiness campaigns' previous ones. */
  totals: Map<string, DeliveryTotals>;
  readiness: Map<string, ReadinessRecords>;
  /** The tenant's stored settings, when asked for (null otherwise). */
  settings: Partial<TenantSettingsValues> | null;
}

/** Epoch milliseconds of a timestamp, truncated as the driver truncates microseconds. */
function epochMs(column: string): string {
  return `floor(extract(epoch FROM ${column}) * 1000)::float8`;
}

// campaignFactsOf's statement. One row holding one JSON document of arrays: the driver makes
// one string and V8's JSON.parse builds the arrays, where ~700 rows of twelve text columns
// cost a row object, twelve strings and a type parser each (most of this read's CPU, and
// garbage that lives across the round trip). Timestamps travel as epoch milliseconds, counts
// as numbers. The document comes as text and is parsed when the statement's answer is used,
// not by the driver as the row arrives: a 50 KB answer spans several socket reads, and the
// driver's parsed objects waited for the rest across other requests' work, so every
// scavenge in between copied thousands of them (the string is one flat copy).
// $1 is the tenant and $4 whether to read its settings. The campaigns are the CTEs kt (whose
// totals) and kr (whose readiness facts): keys given ($2, $3), or a page read in the same
// statement (its totals always, its readiness facts when $2; $3 the page size; from $5 on the
// values of the page's filter and cursor).
const KEYS_GIVEN = `kt AS (SELECT unnest($2::uuid[]) AS id), kr AS (SELECT unnest($3::uuid[]) AS id)`;

/** The page's first placeholder: the ones before are the facts statement's own. */
const PAGE_PARAMS_FROM = 5;

function keysOfPage(page: CampaignPageStatement): string {
  // The page is the campaign module's (rows, order, cursor): its SQL, embedded.
  return `g AS (${page.sql}),
       k AS (SELECT id FROM g ORDER BY ${page.order} LIMIT $3::int),
       kt AS (SELECT id FROM k), kr AS (SELECT id FROM k WHERE $2::boolean)`;
}

function factsStatement(keys: string, page: CampaignPageStatement | null): string {
  const pageRows = !page
    ? "null"
    : `(SELECT json_agg(json_build_array(id, domain_id, name, status, ${epochMs("created_at")}, ${epochMs("updated_at")}, bounce_rate) ORDER BY ${page.order}) FROM g)`;
  // The parts and their rows' positions are health-facts.document.ts's (its decoder reads them).
  return `WITH ${keys},
       r AS (
         SELECT c.id, c.domain_id, p.id AS previous_id, p.name AS previous_name
           FROM campaigns c
           LEFT JOIN LATERAL (
             SELECT p.id, p.name FROM campaigns p
              WHERE p.tenant_id = c.tenant_id AND p.domain_id = c.domain_id AND (p.created_at, p.id) < (c.created_at, c.id)
              ORDER BY p.created_at DESC, p.id DESC LIMIT 1) p ON true
          WHERE c.tenant_id = $1 AND c.id IN (SELECT id FROM kr))
       SELECT json_build_object(
         'page', ${pageRows},
         'totals', (SELECT json_agg(json_build_array(campaign_id, recipient_provider, sent, delivered, hard_bounces, soft_bounces, complaints))
                 FROM campaign_delivery_totals
                WHERE tenant_id = $1 AND campaign_id IN (SELECT id FROM kt UNION SELECT previous_id FROM r)),
         'previous', (SELECT json_agg(json_build_array(id, previous_id, previous_name)) FROM r WHERE previous_id IS NOT NULL),
         'recipientChecks', (SELECT json_agg(json_build_array(campaign_id, checked, ok, risky, invalid, suppressed, ${epochMs("checked_at")}))
                 FROM campaign_recipient_checks WHERE tenant_id = $1 AND campaign_id IN (SELECT id FROM kr)),
         -- In the campaign's order (position, then inbox id), as CampaignService.inboxesOf lists them.
         'inboxes', (SELECT json_agg(json_build_array(ci.campaign_id, i.address, i.daily_limit, ${epochMs("i.warmup_started_at")}) ORDER BY ci.campaign_id, ci.position, i.id)
                 FROM campaign_inboxes ci JOIN inboxes i ON i.tenant_id = ci.tenant_id AND i.id = ci.inbox_id
                WHERE ci.tenant_id = $1 AND ci.campaign_id IN (SELECT id FROM kr)),
         'domains', (SELECT json_agg(json_build_array(d.id, d.name, ${epochMs("d.registered_at")}))
                 FROM domains d WHERE d.tenant_id = $1 AND d.id IN (SELECT domain_id FROM r)),
         -- Stored with the audit (DomainAuditService.store), never cut out of the report here.
         'audits', (SELECT json_agg(json_build_array(a.domain_id, a.summary))
                 FROM domain_audits a WHERE a.tenant_id = $1 AND a.domain_id IN (SELECT domain_id FROM r) AND a.summary IS NOT NULL),
         'campaignDomains', (SELECT json_agg(json_build_array(id, domain_id)) FROM r),
         'settings', (SELECT json_build_object('stored', settings) FROM tenants WHERE $4 AND id = $1)
       )::text AS facts`;
}

// Built once (per shape of page: order, filters, cursor): the prepared statement's name is
// looked up by its text, and a text built per call would be hashed (~3 KB) per call.
const FACTS_OF_KEYS = factsStatement(KEYS_GIVEN, null);
const factsWithPage = new Map<string, string>();

function factsWithPageOf(page: CampaignPageStatement): string {
  let text = factsWithPage.get(page.sql);
  if (!text) factsWithPage.set(page.sql, (text = factsStatement(keysOfPage(page), page)));
  return text;
}

/** The facts of the decoded document, every key asked for present (zeros, empty records). */
function factsOf(
  doc: FactsDocument,
  totalsOf: readonly string[],
  readinessOf: readonly string[],
  withSettings: boolean,
): CampaignFacts {
  const facts: CampaignFacts = { totals: new Map(), readiness: new Map(), settings: null };
  for (const k of totalsOf) facts.totals.set(k, emptyTotals());
  for (const k of readinessOf)
    facts.readiness.set(k, {
      campaignUuid: k,
      domain: null,
      inboxes: [],
      previous: null,
      recipientCheck: null,
      audit: null,
    });
  for (const t of doc.totals) {
    let totals = facts.totals.get(t.campaignId);
    if (!totals) facts.totals.set(t.campaignId, (totals = emptyTotals()));
    addCounts(totals, t.provider, t.sent, t.delivered, t.hardBounces, t.softBounces, t.complaints);
  }
  for (const { campaignId, ...check } of doc.recipientChecks) facts.readiness.get(campaignId)!.recipientCheck = check;
  for (const { campaignId, ...inbox } of doc.inboxes) facts.readiness.get(campaignId)!.inboxes.push(inbox);
  // Previous campaigns' totals came in the same document (a campaign with no row sent nothing).
  for (const p of doc.previous) {
    const t = facts.totals.get(p.previousId)?.total;
    facts.readiness.get(p.campaignId)!.previous = {
      uuid: p.previousId,
      name: p.previousName,
      sent: t?.sent ?? 0,
      hardBounces: t?.hardBounces ?? 0,
    };
  }
  const domains = new Map(doc.domains.map((d) => [d.id, { name: d.name, registeredAt: d.registeredAt }]));
  const audits = new Map(doc.audits.map((a) => [a.domainId, a.summary]));
  for (const { campaignId, domainId } of doc.campaignDomains) {
    const r = facts.readiness.get(campaignId)!;
    r.domain = domains.get(domainId) ?? null;
    r.audit = audits.get(domainId) ?? null;
  }
  if (withSettings) {
    if (!doc.settings) throw new Error("authenticated tenant has no row");
    facts.settings = doc.settings.stored ?? {};
  }
  return facts;
}

export class HealthFactsRepository {
  /**
   * Everything a page of campaigns shows of its health, in one statement: the lifetime totals
   * of `totalsOf`; for `readinessOf`, the campaign created just before each on the same domain
   * (with its totals), the last recipient check, the domain (name, registration) and a summary
   * of its stored audit, and the sending inboxes; and the tenant's settings when asked.
   *
   * One round trip instead of one per kind of fact: each statement costs a socket write and a
   * wait, and objects kept alive across waits cost the garbage collector more than the rows.
   * It reads tables of other modules (campaigns, campaign_inboxes, inboxes, domains, tenants,
   * the send module's totals) read-only, as their services would, with the tenant filter
   * beside row-level security; the batched services have no "previous campaign on the same
   * domain" or "inboxes of many campaigns, as facts" to call instead.
   */
  async campaignFactsOf(
    ctx: RequestContext,
    totalsOf: readonly string[],
    readinessOf: readonly string[],
    withSettings: boolean,
  ): Promise<CampaignFacts> {
    const totalsKeys = [...new Set(totalsOf)];
    const readinessKeys = [...new Set(readinessOf)];
    if (totalsKeys.length === 0 && readinessKeys.length === 0 && !withSettings)
      return factsOf(emptyFactsDocument(), totalsKeys, readinessKeys, false);
    const rows = await ctx.tx.prepared<{ facts: string }>(FACTS_OF_KEYS, [
      ctx.tenantId,
      totalsKeys,
      readinessKeys,
      withSettings,
    ]);
    return factsOf(decodeFactsDocument(rows[0].facts), totalsKeys, readinessKeys, withSettings);
  }

  /**
   * A page of the tenant's campaigns (first + 1 rows in CampaignService.list's keyset order,
   * the extra one only telling that a next page exists) together with the page's facts as
   * campaignFactsOf reads them, in the same statement: the dashboard's page and its health
   * in one round trip. Totals always come for the page's campaigns (as the loaders' batch
   * reads them); readiness facts when `withReadiness`.
   */
  async campaignPageWithFacts(
    ctx: RequestContext,
    args: CampaignPageRequest,
    withReadiness: boolean,
    withSettings: boolean,
  ): Promise<{ rows: Campaign[]; facts: CampaignFacts }> {
    checkPageSize(args.first);
    const page = campaignPageSql(args, { tenant: "$1", first: "$3", firstParam: PAGE_PARAMS_FROM });
    const tenantId = ctx.tenantId;
    const values: unknown[] = [tenantId, withReadiness, args.first, withSettings, ...page.values];
    const result = await ctx.tx.prepared<{ facts: string }>(factsWithPageOf(page), values);
    const doc = decodeFactsDocument(result[0].facts);
    const rows = doc.page.map((c) =>
      campaignOf({
        tenantId,
        uuid: c.id,
        domainId: c.domainId,
        name: c.name,
        status: c.status,
        createdAt: c.createdAt,
        updatedAt: c.updatedAt,
        bounceRate: c.bounceRate,
      }),
    );
    const keys = rows.slice(0, args.first).map((c) => c.uuid);
    return { rows, facts: factsOf(doc, keys, withReadiness ? keys : [], withSettings) };
  }

  async recipientChecksFor(
    ctx: RequestContext,
    campaignUuids: readonly string[],
  ): Promise<Map<string, RecipientCheckSummary>> {
    const result = new Map<string, RecipientCheckSummary>();
    if (campaignUuids.length === 0) return result;
    const em = await ctx.db();
    const rows: Array<{
      campaign_id: string;
      checked: number;
      ok: number;
      risky: number;
      invalid: number;
      suppressed: number;
      checked_at: Date;
    }> = await em.query(
      `SELECT campaign_id, checked, ok, risky, invalid, suppressed, checked_at FROM campaign_recipient_checks
        WHERE tenant_id = $1 AND campaign_id = ANY($2::uuid[])`,
      [ctx.tenantId, [...new Set(campaignUuids)]],
    );
    for (const r of rows)
      result.set(r.campaign_id, {
        checked: r.checked,
        ok: r.ok,
        risky: r.risky,
        invalid: r.invalid,
        suppressed: r.suppressed,
        checkedAt: new Date(r.checked_at),
      });
    return result;
  }
}

export const healthFacts = new HealthFactsRepository();
