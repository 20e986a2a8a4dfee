import { MAILBOX_PROVIDERS, type MailboxProvider } from "../../core/providers";
import type { CheckStatus } from "../../core/dns/check-result";
import { CAMPAIGN_STATUSES, type CampaignStatus } from "../campaign";
import type { TenantSettingsValues } from "../tenant";
import type { AuditSummary, RecipientCheckSummary } from "./health-view";

// The dashboard's facts document: what the facts statement (health-facts.repository.ts)
// answers, as one JSON text, and its one decoder. On the wire each part is an array of
// positional rows (a 50-campaign page holds ~700 of them: keys repeated per row would double
// the text PostgreSQL builds and V8 parses); decodeFactsDocument is the only code that knows
// the positions, checks every value's type, and hands out named, typed records.

/** A campaign of the page, when the page was read with its facts. */
export interface PageRow {
  id: string;
  domainId: string;
  name: string;
  status: CampaignStatus;
  createdAt: Date;
  updatedAt: Date;
  /** The campaign's stored bounce rate (the BOUNCE_RATE order's key, for its cursor). */
  bounceRate: number;
}

/** A campaign's lifetime totals towards one recipient provider. */
export interface TotalsRow {
  campaignId: string;
  provider: MailboxProvider;
  sent: number;
  delivered: number;
  hardBounces: number;
  softBounces: number;
  complaints: number;
}

/** The campaign created just before a readiness campaign, on the same domain. */
export interface PreviousRow {
  campaignId: string;
  previousId: string;
  previousName: string;
}

export interface RecipientCheckRow extends RecipientCheckSummary {
  campaignId: string;
}

/** A sending inbox of a readiness campaign; rows come in the campaign's inbox order. */
export interface InboxRow {
  campaignId: string;
  address: string;
  dailyLimit: number;
  warmupStartedAt: Date | null;
}

export interface DomainRow {
  id: string;
  name: string;
  registeredAt: Date | null;
}

/** A domain's stored audit summary (domain_audits.summary). */
export interface AuditRow {
  domainId: string;
  summary: AuditSummary;
}

/** A readiness campaign's sending domain. */
export interface CampaignDomainRow {
  campaignId: string;
  domainId: string;
}

export interface FactsDocument {
  page: PageRow[];
  totals: TotalsRow[];
  previous: PreviousRow[];
  recipientChecks: RecipientCheckRow[];
  inboxes: InboxRow[];
  domains: DomainRow[];
  audits: AuditRow[];
  campaignDomains: CampaignDomainRow[];
  /** The tenant's stored settings (`stored` null when never set); null when not asked for. */
  settings: { stored: Partial<TenantSettingsValues> | null } | null;
}

export function emptyFactsDocument(): FactsDocument {
  return {
    page: [],
    totals: [],
    previous: [],
    recipientChecks: [],
    inboxes: [],
    domains: [],
    audits: [],
    campaignDomains: [],
    settings: null,
  };
}

/** The facts statement answered something this decoder does not know: a bug, never user input. */
export class FactsDocumentError extends Error {
  constructor(where: string, expected: string, got: unknown) {
    super(`facts document: ${where} should be ${expected}, got ${JSON.stringify(got)?.slice(0, 80)}`);
  }
}

type Row = readonly unknown[];

/** Where a row is (`part[index]`), spelled out only when something is wrong with it. */
interface At {
  part: string;
  index: number;
}

function fail(at: At, i: number, expected: string, got: unknown): never {
  throw new FactsDocumentError(`${at.part}[${at.index}][${i}]`, expected, got);
}

function str(row: Row, i: number, at: At): string {
  const v = row[i];
  return typeof v === "string" ? v : fail(at, i, "a string", v);
}

function num(row: Row, i: number, at: At): number {
  const v = row[i];
  return typeof v === "number" && Number.isFinite(v) ? v : fail(at, i, "a number", v);
}

/** Epoch milliseconds (the statement sends timestamps so) as a Date. */
function date(row: Row, i: number, at: At): Date {
  return new Date(num(row, i, at));
}

function dateOrNull(row: Row, i: number, at: At): Date | null {
  return row[i] === null ? null : date(row, i, at);
}

function oneOf<T extends string>(values: readonly T[], row: Row, i: number, at: At): T {
  const v = row[i];
  return (values as readonly unknown[]).includes(v) ? (v as T) : fail(at, i, values.join("|"), v);
}

const CHECK_STATUSES: readonly CheckStatus[] = ["PASS", "WARN", "FAIL"];

function auditSummaryOf(v: unknown, at: At): AuditSummary {
  const where = `${at.part}[${at.index}][1]`;
  const s = v as Partial<AuditSummary> | null;
  if (typeof s !== "object" || s === null || !Array.isArray(s.blocklistHits))
    throw new FactsDocumentError(where, "an audit summary", v);
  const status = (key: "spf" | "dkim" | "dmarc"): CheckStatus => {
    const v = s[key];
    if (!CHECK_STATUSES.includes(v as CheckStatus))
      throw new FactsDocumentError(`${where}.${key}`, CHECK_STATUSES.join("|"), v);
    return v as CheckStatus;
  };
  return {
    spf: status("spf"),
    dkim: status("dkim"),
    dmarc: status("dmarc"),
    blocklistHits: s.blocklistHits.map((h: unknown, index) => {
      const hit = h as { target?: unknown; zone?: unknown } | null;
      const row = [hit?.target, hit?.zone];
      const hitAt = { part: `${where}.blocklistHits`, index };
      return { target: str(row, 0, hitAt), zone: str(row, 1, hitAt) };
    }),
  };
}

/** A part: json_agg gives null, not [], for no rows. Each row an array of `arity` values. */
function rows<T>(doc: Record<string, unknown>, part: string, arity: number, decode: (row: Row, at: At) => T): T[] {
  const rows = doc[part];
  if (rows === null || rows === undefined) return [];
  if (!Array.isArray(rows)) throw new FactsDocumentError(part, "an array or null", rows);
  const out: T[] = new Array<T>(rows.length);
  const at: At = { part, index: 0 };
  for (let index = 0; index < rows.length; index++) {
    const row: unknown = rows[index];
    at.index = index;
    if (!Array.isArray(row) || row.length !== arity)
      throw new FactsDocumentError(`${part}[${index}]`, `${arity} values`, row);
    out[index] = decode(row, at);
  }
  return out;
}

/** Parses and checks the facts statement's answer, once; every part present (empty when it had no rows). */
export function decodeFactsDocument(text: string): FactsDocument {
  const doc: unknown = JSON.parse(text);
  if (typeof doc !== "object" || doc === null || Array.isArray(doc))
    throw new FactsDocumentError("the document", "an object", doc);
  const d = doc as Record<string, unknown>;
  const settings = d.settings;
  if (settings !== null && settings !== undefined && (typeof settings !== "object" || Array.isArray(settings)))
    throw new FactsDocumentError("settings", "an object or null", settings);
  const stored = (settings as { stored?: unknown } | null | undefined)?.stored;
  if (stored !== undefined && stored !== null && (typeof stored !== "object" || Array.isArray(stored)))
    throw new FactsDocumentError("settings.stored", "an object or null", stored);
  return {
    page: rows(d, "page", 7, (r, w) => ({
      id: str(r, 0, w),
      domainId: str(r, 1, w),
      name: str(r, 2, w),
      status: oneOf(CAMPAIGN_STATUSES, r, 3, w),
      createdAt: date(r, 4, w),
      updatedAt: date(r, 5, w),
      bounceRate: num(r, 6, w),
    })),
    totals: rows(d, "totals", 7, (r, w) => ({
      campaignId: str(r, 0, w),
      provider: oneOf(MAILBOX_PROVIDERS, r, 1, w),
      sent: num(r, 2, w),
      delivered: num(r, 3, w),
      hardBounces: num(r, 4, w),
      softBounces: num(r, 5, w),
      complaints: num(r, 6, w),
    })),
    previous: rows(d, "previous", 3, (r, w) => ({
      campaignId: str(r, 0, w),
      previousId: str(r, 1, w),
      previousName: str(r, 2, w),
    })),
    recipientChecks: rows(d, "recipientChecks", 7, (r, w) => ({
      campaignId: str(r, 0, w),
      checked: num(r, 1, w),
      ok: num(r, 2, w),
      risky: num(r, 3, w),
      invalid: num(r, 4, w),
      suppressed: num(r, 5, w),
      checkedAt: date(r, 6, w),
    })),
    inboxes: rows(d, "inboxes", 4, (r, w) => ({
      campaignId: str(r, 0, w),
      address: str(r, 1, w),
      dailyLimit: num(r, 2, w),
      warmupStartedAt: dateOrNull(r, 3, w),
    })),
    domains: rows(d, "domains", 3, (r, w) => ({
      id: str(r, 0, w),
      name: str(r, 1, w),
      registeredAt: dateOrNull(r, 2, w),
    })),
    audits: rows(d, "audits", 2, (r, w) => ({ domainId: str(r, 0, w), summary: auditSummaryOf(r[1], w) })),
    campaignDomains: rows(d, "campaignDomains", 2, (r, w) => ({ campaignId: str(r, 0, w), domainId: str(r, 1, w) })),
    settings:
      settings === null || settings === undefined
        ? null
        : { stored: (stored ?? null) as Partial<TenantSettingsValues> | null },
  };
}
