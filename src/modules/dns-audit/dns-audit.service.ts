import { sendingIpProblem } from "../../core/input-checks";
import { auditDomain, type DomainAuditReport } from "../../platform/dns/audit";
import { parseDomainName } from "../../core/domain-name";
import type { App, RequestContext } from "../../platform/context";
import { CommonErrorCode, fail } from "../../platform/graphql/user-error";
import { domainService } from "../domain";
import type { Domain } from "../domain";
import { inboxService } from "../inbox";
import { deliveryCounterService } from "../delivery";
import { runDomainAuditHooks, type DomainAuditEvent } from "./dns-audit.hooks";
import {
  auditSummary,
  peakDailyVolume,
  withInboxAlignment,
  type InboxAlignmentFacts,
  type StoredAudit,
} from "../health";
import { DnsAuditErrorCode } from "./dns-audit.errors";

// The DNS authentication audit's shell: what to audit (per-domain settings, per-inbox
// alignment), doing it (DNS through app.dns), and keeping the last result per domain.
// Reads never do DNS: they read domain_audits. Tables owned here: domain_audits,
// domain_auth_settings, inbox_alignment.

export interface StoredDomainAudit {
  domainUuid: string;
  checkedAt: Date;
  audit: StoredAudit;
}

export interface DomainAuthSettingsValues {
  sendingIps: string[];
  dkimSelectors: string[];
}

export interface InboxAlignmentValues {
  returnPathDomain: string | null;
  dkimDomain: string | null;
}

/** What an audit of one domain needs, read from the database before any DNS is done. */
export interface AuditPlan {
  domain: Domain;
  settings: DomainAuthSettingsValues;
  inboxes: InboxAlignmentFacts[];
  dailyVolume: number | null;
}

const MAX_SENDING_IPS = 100;
const MAX_SELECTORS = 20;
const SELECTOR = /^[a-z0-9](?:[a-z0-9_-]{0,62})(?:\.[a-z0-9](?:[a-z0-9_-]{0,62}))*$/i;

function optionalDomain(value: string | null | undefined, field: string[]): string | null {
  if (value === undefined || value === null || value.trim() === "") return null;
  const parsed = parseDomainName(value);
  if (!parsed.ok) fail(CommonErrorCode[parsed.code], parsed.message, field);
  return parsed.ascii;
}

export class DomainAuditService {
  // ------------------------------------------------------------------------------ reads

  /** Last stored audits of many domains, one statement (the DataLoader's batch function). */
  async latestFor(ctx: RequestContext, domainUuids: readonly string[]): Promise<Map<string, StoredDomainAudit>> {
    const result = new Map<string, StoredDomainAudit>();
    if (domainUuids.length === 0) return result;
    const em = await ctx.db();
    const rows: Array<{ domain_id: string; report: StoredAudit; checked_at: Date }> = await em.query(
      `SELECT domain_id, report, checked_at FROM domain_audits
        WHERE tenant_id = $1 AND domain_id = ANY($2::uuid[]) AND report IS NOT NULL`,
      [ctx.tenantId, [...new Set(domainUuids)]],
    );
    for (const r of rows)
      result.set(r.domain_id, { domainUuid: r.domain_id, checkedAt: new Date(r.checked_at), audit: r.report });
    return result;
  }

  /** Audit settings of many domains, one statement; a domain without a row has none. */
  async settingsFor(
    ctx: RequestContext,
    domainUuids: readonly string[],
  ): Promise<Map<string, DomainAuthSettingsValues>> {
    const result = new Map<string, DomainAuthSettingsValues>(
      domainUuids.map((id) => [id, { sendingIps: [], dkimSelectors: [] }]),
    );
    if (domainUuids.length === 0) return result;
    const em = await ctx.db();
    const rows: Array<{ domain_id: string; sending_ips: string[]; dkim_selectors: string[] }> = await em.query(
      `SELECT domain_id, sending_ips, dkim_selectors FROM domain_auth_settings WHERE tenant_id = $1 AND domain_id = ANY($2::uuid[])`,
      [ctx.tenantId, [...new Set(domainUuids)]],
    );
    for (const r of rows) result.set(r.domain_id, { sendingIps: r.sending_ips, dkimSelectors: r.dkim_selectors });
    return result;
  }

  /** Alignment settings of many inboxes, one statement. */
  async alignmentFor(ctx: RequestContext, inboxUuids: readonly string[]): Promise<Map<string, InboxAlignmentValues>> {
    const result = new Map<string, InboxAlignmentValues>(
      inboxUuids.map((id) => [id, { returnPathDomain: null, dkimDomain: null }]),
    );
    if (inboxUuids.length === 0) return result;
    const em = await ctx.db();
    const rows: Array<{ inbox_id: string; return_path_domain: string | null; dkim_domain: string | null }> =
      await em.query(
        `SELECT inbox_id, return_path_domain, dkim_domain FROM inbox_alignment WHERE tenant_id = $1 AND inbox_id = ANY($2::uuid[])`,
        [ctx.tenantId, [...new Set(inboxUuids)]],
      );
    for (const r of rows) result.set(r.inbox_id, { returnPathDomain: r.return_path_domain, dkimDomain: r.dkim_domain });
    return result;
  }

  // ------------------------------------------------------------------------------ settings

  async updateSettings(
    ctx: RequestContext,
    domainUuid: string | null,
    input: { sendingIps?: string[] | null; dkimSelectors?: string[] | null },
  ): Promise<Domain> {
    const domain = await domainService.require(ctx, domainUuid, ["input", "domainId"]);
    const current = (await this.settingsFor(ctx, [domain.uuid])).get(domain.uuid)!;
    let sendingIps = current.sendingIps;
    if (input.sendingIps) {
      if (input.sendingIps.length > MAX_SENDING_IPS)
        fail(DnsAuditErrorCode.TOO_MANY_SENDING_IPS, `At most ${MAX_SENDING_IPS} sending IPs.`, [
          "input",
          "sendingIps",
        ]);
      sendingIps = [];
      input.sendingIps.forEach((raw, i) => {
        const ip = raw;
        const problem = sendingIpProblem(raw);
        if (problem)
          fail(DnsAuditErrorCode.INVALID_IP, `"${raw.slice(0, 60)}" ${problem}.`, ["input", "sendingIps", String(i)]);
        if (!sendingIps.includes(ip)) sendingIps.push(ip);
      });
    }
    let dkimSelectors = current.dkimSelectors;
    if (input.dkimSelectors) {
      if (input.dkimSelectors.length > MAX_SELECTORS)
        fail(DnsAuditErrorCode.TOO_MANY_SELECTORS, `At most ${MAX_SELECTORS} DKIM selectors.`, [
          "input",
          "dkimSelectors",
        ]);
      dkimSelectors = [];
      input.dkimSelectors.forEach((raw, i) => {
        const s = raw.trim().toLowerCase();
        if (!SELECTOR.test(s))
          fail(
            DnsAuditErrorCode.INVALID_SELECTOR,
            `"${raw.slice(0, 60)}" is not a DKIM selector (letters, digits, - and _, dot-separated).`,
            ["input", "dkimSelectors", String(i)],
          );
        if (!dkimSelectors.includes(s)) dkimSelectors.push(s);
      });
    }
    const em = await ctx.db();
    await em.query(
      `INSERT INTO domain_auth_settings (tenant_id, domain_id, sending_ips, dkim_selectors) VALUES ($1, $2, $3::text[], $4::text[])
       ON CONFLICT (tenant_id, domain_id) DO UPDATE SET sending_ips = EXCLUDED.sending_ips, dkim_selectors = EXCLUDED.dkim_selectors, updated_at = now()`,
      [ctx.tenantId, domain.uuid, sendingIps, dkimSelectors],
    );
    return domain;
  }

  async updateInboxAlignment(
    ctx: RequestContext,
    inboxUuid: string | null,
    input: { returnPathDomain?: string | null; dkimDomain?: string | null },
  ) {
    const inbox = await inboxService.require(ctx, inboxUuid, ["input", "inboxId"]);
    const current = (await this.alignmentFor(ctx, [inbox.uuid])).get(inbox.uuid)!;
    // Omitted keeps the value; an empty string clears it.
    const returnPathDomain =
      input.returnPathDomain === undefined
        ? current.returnPathDomain
        : optionalDomain(input.returnPathDomain, ["input", "returnPathDomain"]);
    const dkimDomain =
      input.dkimDomain === undefined ? current.dkimDomain : optionalDomain(input.dkimDomain, ["input", "dkimDomain"]);
    const em = await ctx.db();
    await em.query(
      `INSERT INTO inbox_alignment (tenant_id, inbox_id, domain_id, return_path_domain, dkim_domain) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (tenant_id, inbox_id) DO UPDATE SET return_path_domain = EXCLUDED.return_path_domain, dkim_domain = EXCLUDED.dkim_domain, updated_at = now()`,
      [ctx.tenantId, inbox.uuid, inbox.domainId, returnPathDomain, dkimDomain],
    );
    return inbox;
  }

  // ------------------------------------------------------------------------------ refresh

  /** Everything the audit needs from the database (a few statements), so DNS can run outside any transaction. */
  async plan(ctx: RequestContext, domain: Domain, now: Date): Promise<AuditPlan> {
    const settings = (await this.settingsFor(ctx, [domain.uuid])).get(domain.uuid)!;
    const em = await ctx.db();
    const aligned: Array<{ inbox_id: string; return_path_domain: string | null; dkim_domain: string | null }> =
      await em.query(
        `SELECT inbox_id, return_path_domain, dkim_domain FROM inbox_alignment
        WHERE tenant_id = $1 AND domain_id = $2 AND (return_path_domain IS NOT NULL OR dkim_domain IS NOT NULL)`,
        [ctx.tenantId, domain.uuid],
      );
    const inboxes = aligned.length
      ? await inboxService.findByIds(
          ctx,
          aligned.map((r) => r.inbox_id),
        )
      : [];
    const byId = new Map(inboxes.filter((i) => i.domainId === domain.uuid).map((i) => [i.uuid, i]));
    const since = new Date(now.getTime() - 6 * 86_400_000);
    const days = await deliveryCounterService.dailyTotals(
      ctx,
      { kind: "domain", id: domain.uuid },
      { since, until: now },
    );
    return {
      domain,
      settings,
      inboxes: aligned
        .filter((r) => byId.has(r.inbox_id))
        .map((r) => ({
          address: byId.get(r.inbox_id)!.address,
          returnPathDomain: r.return_path_domain,
          dkimDomain: r.dkim_domain,
        })),
      dailyVolume: peakDailyVolume(days),
    };
  }

  /** The DNS part: no database. */
  async audit(app: App, plan: AuditPlan, now: Date): Promise<StoredAudit> {
    const options = { sendingIps: plan.settings.sendingIps, selectors: plan.settings.dkimSelectors };
    const report = await auditDomain(
      plan.domain.name,
      {
        selectors: options.selectors,
        sendingIps: options.sendingIps,
        dailyVolume: plan.dailyVolume,
        dnsblZones: app.config.dns.blocklists,
      },
      app.dns,
      now,
    );
    return withInboxAlignment(report, plan.inboxes, plan.dailyVolume, options);
  }

  /** Stores a new audit (releasing any claim) and runs the audit hooks in the same transaction. */
  async store(
    ctx: RequestContext,
    domain: Domain,
    audit: StoredAudit,
    trigger: DomainAuditEvent["trigger"],
  ): Promise<StoredDomainAudit> {
    const em = await ctx.db();
    // Row-locks the previous audit so concurrent refreshes hand hooks a consistent previous/current pair.
    const previous: Array<{ report: StoredAudit | null }> = await em.query(
      `SELECT report FROM domain_audits WHERE tenant_id = $1 AND domain_id = $2 FOR UPDATE`,
      [ctx.tenantId, domain.uuid],
    );
    const checkedAt = new Date(audit.report.checkedAt);
    // With the summary readiness judges on, so that dashboards read it rather than cut it out of the report.
    await em.query(
      `INSERT INTO domain_audits (tenant_id, domain_id, status, report, summary, checked_at, claimed_until)
       VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6, NULL)
       ON CONFLICT (tenant_id, domain_id) DO UPDATE SET status = EXCLUDED.status, report = EXCLUDED.report,
         summary = EXCLUDED.summary, checked_at = EXCLUDED.checked_at, claimed_until = NULL, updated_at = now()`,
      [
        ctx.tenantId,
        domain.uuid,
        audit.report.status,
        JSON.stringify(audit),
        JSON.stringify(auditSummary(audit)),
        checkedAt,
      ],
    );
    const prev: DomainAuditReport | null = previous[0]?.report?.report ?? null;
    await runDomainAuditHooks(ctx, {
      domainUuid: domain.uuid,
      domain: domain.name,
      previous: prev,
      current: audit.report,
      trigger,
    });
    return { domainUuid: domain.uuid, checkedAt, audit };
  }

  /** refreshDomainAuth: plan, DNS, store, inside the request's transaction. */
  async refresh(
    ctx: RequestContext,
    domainUuid: string | null,
    now: Date = new Date(),
  ): Promise<{ domain: Domain; stored: StoredDomainAudit }> {
    const domain = await domainService.require(ctx, domainUuid, ["input", "domainId"]);
    const plan = await this.plan(ctx, domain, now);
    const audit = await this.audit(ctx.app, plan, now);
    const stored = await this.store(ctx, domain, audit, "MUTATION");
    return { domain, stored };
  }

  /**
   * Claims the tenant's domains whose last audit is older than `intervalSeconds` (or that
   * were never audited), for `leaseSeconds`. Safe with many processes: the upsert locks each
   * row and re-checks the condition on its latest version, so a domain another process just
   * claimed (claimed_until in the future) or audited is skipped. Returns the claimed uuids.
   */
  async claimDue(ctx: RequestContext, intervalSeconds: number, leaseSeconds: number): Promise<string[]> {
    const ids: string[] = [];
    let after: string | null = null;
    // The domain module's list, page by page: domains are its table, not ours.
    for (;;) {
      const page = await domainService.list(ctx, { first: 100, after });
      ids.push(...page.edges.map((e) => e.node.uuid));
      if (!page.pageInfo.hasNextPage || !page.pageInfo.endCursor) break;
      after = page.pageInfo.endCursor;
    }
    if (ids.length === 0) return [];
    const em = await ctx.db();
    const rows: Array<{ domain_id: string }> = await em.query(
      `INSERT INTO domain_audits AS a (tenant_id, domain_id, claimed_until)
       SELECT $1, d, now() + make_interval(secs => $4) FROM unnest($2::uuid[]) AS d ORDER BY d
       ON CONFLICT (tenant_id, domain_id) DO UPDATE SET claimed_until = EXCLUDED.claimed_until, updated_at = now()
         WHERE (a.checked_at IS NULL OR a.checked_at < now() - make_interval(secs => $3))
           AND (a.claimed_until IS NULL OR a.claimed_until < now())
       RETURNING a.domain_id`,
      [ctx.tenantId, ids, intervalSeconds, leaseSeconds],
    );
    return rows.map((r) => r.domain_id);
  }
}

export const domainAuditService = new DomainAuditService();
