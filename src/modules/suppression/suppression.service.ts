import type { EntityManager } from "typeorm";
import { In } from "typeorm";
import { parseAddress, suggestDomainTypo } from "../../core/address";
import type { BounceReason } from "../../core/bounce";
import type { RequestContext } from "../../platform/context";
import { NEWEST_FIRST, pageOf } from "../../platform/db/keyset";
import { badInput } from "../../platform/graphql/errors";
import type { Connection } from "../../platform/graphql/connection";
import { fail, userError, UserInputError, type UserError, CommonErrorCode } from "../../platform/graphql/user-error";
import { domainService } from "../domain";
import { inboxService } from "../inbox";
import { tenantService } from "../tenant";
import { Suppression } from "./suppression.entity";
import {
  countsTowardSoftLimit,
  immediateSuppression,
  suppressesOwnMail,
  softLimitReached,
  type EventFacts,
  type SuppressionReason,
  type SuppressionScope,
} from "../../core/suppression-policy";
import { SuppressionErrorCode } from "./suppression.errors";

export const MAX_SUPPRESSIONS_PER_CALL = 10_000;
export const MAX_CHECK_ADDRESSES = 10_000;
/** Most soft-bounce times kept per recipient: the policy's limit is at most 100. */
const TALLY_KEEP = 100;

/** A stored event, as the suppression rules need it. */
export interface IngestedEventFacts extends EventFacts {
  eventId: string;
  occurredAt: Date;
}

export interface SuppressionCandidate {
  scope: SuppressionScope;
  value: string;
  reason: SuppressionReason;
  bounceReason: BounceReason | null;
  eventId: string | null;
  note: string | null;
  expiresAt: Date | null;
  createdByKeyId: string | null;
}

export interface SuppressionFilter {
  value?: string | null;
  scope?: SuppressionScope | null;
  reason?: SuppressionReason | null;
  domain?: string | null;
  addressPrefix?: string | null;
  createdFrom?: Date | null;
  createdTo?: Date | null;
  /** Include removed suppressions (the audit trail); default false. */
  includeRemoved?: boolean | null;
}

/**
 * The first string after every string that starts with prefix, in byte-wise order (what
 * text_pattern_ops compares; UTF-8 keeps code-point order): the prefix with its last
 * character's successor. Null when there is none (a last character of U+10FFFF).
 */
function prefixEnd(prefix: string): string | null {
  const chars = [...prefix];
  const last = chars.pop()?.codePointAt(0);
  if (last === undefined || last >= 0x10ffff) return null;
  return chars.join("") + String.fromCodePoint(last === 0xd7ff ? 0xe000 : last + 1);
}

export type RecipientVerdict = "OK" | "SUPPRESSED" | "INVALID" | "RISKY";

export interface RecipientCheckResult {
  address: string;
  normalized: string | null;
  verdict: RecipientVerdict;
  reason: string | null;
  suggestion: string | null;
  suppression: Suppression | null;
}

/** Role mailboxes: deliverable, but rarely a person, often a trap or a complaint source. */
const ROLE_LOCAL_PARTS = new Set([
  "abuse",
  "postmaster",
  "hostmaster",
  "webmaster",
  "noreply",
  "no-reply",
  "donotreply",
  "do-not-reply",
  "mailer-daemon",
  "root",
  "admin",
  "administrator",
  "info",
  "support",
  "sales",
  "contact",
  "help",
  "office",
  "billing",
  "security",
  "spam",
]);

/** The canonical form suppressions are keyed by: lower-case local part, ASCII lower-case domain. */
export function canonicalAddress(input: string): { address: string; domain: string } | null {
  const parsed = parseAddress(input);
  if (!parsed.ok) return null;
  return { address: `${parsed.local.toLowerCase()}@${parsed.asciiDomain}`, domain: parsed.asciiDomain };
}

function mapRow(em: EntityManager, row: Record<string, unknown>): Suppression {
  return em.getRepository(Suppression).create({
    tenantId: row.tenant_id as string,
    uuid: row.id as string,
    scope: row.scope as SuppressionScope,
    value: row.value as string,
    reason: row.reason as SuppressionReason,
    bounceReason: (row.bounce_reason as BounceReason | null) ?? null,
    eventId: (row.event_id as string | null) ?? null,
    note: (row.note as string | null) ?? null,
    expiresAt: (row.expires_at as Date | null) ?? null,
    createdByKeyId: (row.created_by_key_id as string | null) ?? null,
    createdAt: row.created_at as Date,
    removedAt: (row.removed_at as Date | null) ?? null,
    removedByKeyId: (row.removed_by_key_id as string | null) ?? null,
    removalNote: (row.removal_note as string | null) ?? null,
  });
}

export class SuppressionService {
  /**
   * Applies the suppression rules to events an ingest has just inserted (new rows only, same
   * transaction): immediate suppressions, the soft-bounce tally (one upsert) and the
   * suppressions it decides (one insert). Returns the suppressions created.
   */
  async applyIngest(ctx: RequestContext, events: readonly IngestedEventFacts[]): Promise<Suppression[]> {
    const candidates = new Map<string, SuppressionCandidate>();
    const propose = (scope: SuppressionScope, value: string, reason: SuppressionReason, e: IngestedEventFacts) => {
      const key = `${scope}|${value}`;
      if (!candidates.has(key)) {
        candidates.set(key, {
          scope,
          value,
          reason,
          bounceReason: e.reason,
          eventId: e.eventId,
          note: null,
          expiresAt: null,
          createdByKeyId: null,
        });
      }
    };

    const tally: Array<{ address: string; at: Date; delivered: boolean }> = [];
    const lastSoft = new Map<string, IngestedEventFacts>();
    for (const e of events) {
      const decision = immediateSuppression(e);
      if (decision) propose(decision.scope, decision.value, decision.reason, e);
      else if (e.address && countsTowardSoftLimit(e)) {
        tally.push({ address: e.address, at: e.occurredAt, delivered: false });
        const prev = lastSoft.get(e.address);
        if (!prev || prev.occurredAt <= e.occurredAt) lastSoft.set(e.address, e);
      }
      if (e.address && e.reason === "delivered") tally.push({ address: e.address, at: e.occurredAt, delivered: true });
    }

    if (tally.length > 0) {
      const settings = await tenantService.settings(ctx);
      const rows = await this.updateTallies(await ctx.db(), ctx.tenantId, tally);
      for (const row of rows) {
        const cause = lastSoft.get(row.recipient);
        if (
          cause &&
          softLimitReached(
            row.bounce_times,
            row.last_delivered_at,
            settings.softBounceLimit,
            settings.softBounceWindowDays,
          )
        ) {
          propose("ADDRESS", row.recipient, "SOFT_BOUNCE_LIMIT", cause);
        }
      }
    }
    if (candidates.size === 0) return [];
    // Never the tenant's own mail (read only when something is to be suppressed: rare).
    const [inboxes, domains] = await Promise.all([inboxService.allAddresses(ctx), domainService.allNames(ctx)]);
    const own = { inboxes: new Set(inboxes), domains };
    const kept = [...candidates.values()].filter((c) => {
      if (!suppressesOwnMail(c, own)) return true;
      ctx.log.warn(
        { scope: c.scope, value: c.value, eventId: c.eventId },
        "a bounce named the tenant's own address; not suppressed",
      );
      return false;
    });
    if (kept.length === 0) return [];
    return this.insertMany(await ctx.db(), ctx.tenantId, kept);
  }

  /**
   * Merges soft-bounce times and deliveries into the recipients' tallies, one statement.
   * Times at or before the latest delivery are dropped (a later delivery resets the count).
   * Rows are upserted in recipient order so concurrent batches never deadlock.
   */
  private async updateTallies(
    em: EntityManager,
    tenantId: string,
    tally: Array<{ address: string; at: Date; delivered: boolean }>,
  ): Promise<Array<{ recipient: string; bounce_times: Date[]; last_delivered_at: Date | null }>> {
    return em.query(
      `WITH x AS (
         SELECT recipient,
                coalesce(array_agg(at) FILTER (WHERE NOT delivered), '{}') AS times,
                max(at) FILTER (WHERE delivered) AS delivered_at
           FROM unnest($2::text[], $3::timestamptz[], $4::boolean[]) AS u(recipient, at, delivered)
          GROUP BY recipient
       )
       INSERT INTO soft_bounce_tallies AS t (tenant_id, recipient, bounce_times, last_delivered_at)
       SELECT $1, x.recipient,
              ARRAY(SELECT b FROM unnest(x.times) AS b WHERE b > coalesce(x.delivered_at, '-infinity') ORDER BY b DESC LIMIT ${TALLY_KEEP}),
              x.delivered_at
         FROM x ORDER BY x.recipient
       ON CONFLICT (tenant_id, recipient) DO UPDATE SET
         bounce_times = ARRAY(
           SELECT b FROM unnest(t.bounce_times || EXCLUDED.bounce_times) AS b
            WHERE b > coalesce(greatest(t.last_delivered_at, EXCLUDED.last_delivered_at), '-infinity')
            ORDER BY b DESC LIMIT ${TALLY_KEEP}),
         last_delivered_at = greatest(t.last_delivered_at, EXCLUDED.last_delivered_at),
         updated_at = now()
       RETURNING recipient, bounce_times, last_delivered_at`,
      [tenantId, tally.map((t) => t.address), tally.map((t) => t.at), tally.map((t) => t.delivered)],
    );
  }

  /**
   * Inserts suppressions that are not already active, in (scope, value) order. An expired
   * suppression still marked active is first retired (removed at its expiry), so the new one
   * can take its place while the old one stays in the audit trail. Returns the new rows.
   */
  async insertMany(em: EntityManager, tenantId: string, candidates: SuppressionCandidate[]): Promise<Suppression[]> {
    if (candidates.length === 0) return [];
    const sorted = [...candidates].sort((a, b) =>
      a.scope + a.value < b.scope + b.value ? -1 : a.scope + a.value > b.scope + b.value ? 1 : 0,
    );
    const scopes = sorted.map((c) => c.scope);
    const values = sorted.map((c) => c.value);
    await em.query(
      `UPDATE suppressions SET removed_at = expires_at, removal_note = 'expired'
        WHERE tenant_id = $1 AND removed_at IS NULL AND expires_at <= now()
          AND (scope, value) IN (SELECT * FROM unnest($2::text[], $3::text[]))`,
      [tenantId, scopes, values],
    );
    const rows: Array<Record<string, unknown>> = await em.query(
      `INSERT INTO suppressions (tenant_id, scope, value, reason, bounce_reason, event_id, note, expires_at, created_by_key_id)
       SELECT $1, x.scope, x.value, x.reason, x.bounce_reason, x.event_id, x.note, x.expires_at, x.created_by
         FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::uuid[], $7::text[], $8::timestamptz[], $9::uuid[])
              WITH ORDINALITY AS x(scope, value, reason, bounce_reason, event_id, note, expires_at, created_by, ord)
        ORDER BY x.ord
       ON CONFLICT (tenant_id, scope, value) WHERE removed_at IS NULL DO NOTHING
       RETURNING *`,
      [
        tenantId,
        scopes,
        values,
        sorted.map((c) => c.reason),
        sorted.map((c) => c.bounceReason),
        sorted.map((c) => c.eventId),
        sorted.map((c) => c.note),
        sorted.map((c) => c.expiresAt),
        sorted.map((c) => c.createdByKeyId),
      ],
    );
    return rows.map((r) => mapRow(em, r));
  }

  /** addSuppressions: addresses and/or domains, all validated first; existing active ones are kept. */
  async add(
    ctx: RequestContext,
    input: { addresses?: string[] | null; domains?: string[] | null; expiresAt?: Date | null; note?: string | null },
  ): Promise<{ suppressions: Suppression[]; inserted: number }> {
    const addresses = input.addresses ?? [];
    const domains = input.domains ?? [];
    if (addresses.length + domains.length === 0)
      fail(SuppressionErrorCode.EMPTY, "Give at least one address or domain.", ["input", "addresses"]);
    if (addresses.length + domains.length > MAX_SUPPRESSIONS_PER_CALL) {
      fail(
        SuppressionErrorCode.TOO_MANY_SUPPRESSIONS,
        `At most ${MAX_SUPPRESSIONS_PER_CALL} addresses and domains per call.`,
        ["input", "addresses"],
      );
    }
    const note = input.note?.trim() || null;
    if (note && note.length > 500)
      fail(SuppressionErrorCode.INVALID_NOTE, "note must be at most 500 characters.", ["input", "note"]);
    if (input.expiresAt && input.expiresAt.getTime() <= Date.now())
      fail(SuppressionErrorCode.INVALID_EXPIRY, "expiresAt must be in the future.", ["input", "expiresAt"]);

    const errors: UserError[] = [];
    const candidates = new Map<string, SuppressionCandidate>();
    const base = {
      reason: "MANUAL" as const,
      bounceReason: null,
      eventId: null,
      note,
      expiresAt: input.expiresAt ?? null,
      createdByKeyId: ctx.auth?.keyId ?? null,
    };
    addresses.forEach((a, i) => {
      const c = canonicalAddress(a);
      if (!c)
        errors.push(
          userError(CommonErrorCode.INVALID_EMAIL, `"${String(a).slice(0, 100)}" is not an email address.`, [
            "input",
            "addresses",
            String(i),
          ]),
        );
      else candidates.set(`ADDRESS|${c.address}`, { ...base, scope: "ADDRESS", value: c.address });
    });
    domains.forEach((d, i) => {
      const c = canonicalAddress(`x@${String(d).trim().replace(/^@/, "")}`);
      if (!c)
        errors.push(
          userError(CommonErrorCode.INVALID_DOMAIN, `"${String(d).slice(0, 100)}" is not a domain name.`, [
            "input",
            "domains",
            String(i),
          ]),
        );
      else candidates.set(`DOMAIN|${c.domain}`, { ...base, scope: "DOMAIN", value: c.domain });
    });
    if (errors.length) throw new UserInputError(errors.slice(0, 100));

    const em = await ctx.db();
    const inserted = await this.insertMany(em, ctx.tenantId, [...candidates.values()]);
    const list = [...candidates.values()];
    const rows: Array<Record<string, unknown>> = await em.query(
      `SELECT * FROM suppressions WHERE tenant_id = $1 AND removed_at IS NULL
          AND (scope, value) IN (SELECT * FROM unnest($2::text[], $3::text[]))`,
      [ctx.tenantId, list.map((c) => c.scope), list.map((c) => c.value)],
    );
    const byKey = new Map(rows.map((r) => [`${r.scope}|${r.value}`, mapRow(em, r)]));
    return {
      suppressions: list.map((c) => byKey.get(`${c.scope}|${c.value}`)!).filter(Boolean),
      inserted: inserted.length,
    };
  }

  /** removeSuppression: audited soft delete; an address's soft-bounce tally starts again from zero. */
  async remove(ctx: RequestContext, uuid: string | null, note?: string | null): Promise<Suppression> {
    const trimmed = note?.trim() || null;
    if (trimmed && trimmed.length > 500)
      fail(SuppressionErrorCode.INVALID_NOTE, "note must be at most 500 characters.", ["input", "note"]);
    const existing = uuid ? await this.findById(ctx, uuid) : null;
    if (!existing) fail(CommonErrorCode.NOT_FOUND, "No suppression with that id.", ["input", "id"]);
    if (existing.removedAt)
      fail(SuppressionErrorCode.ALREADY_REMOVED, "This suppression was already removed.", ["input", "id"]);
    const em = await ctx.db();
    // TypeORM answers an UPDATE ... RETURNING with [rows, affected].
    const [rows]: [Array<Record<string, unknown>>, number] = await em.query(
      `UPDATE suppressions SET removed_at = now(), removed_by_key_id = $3, removal_note = $4
        WHERE tenant_id = $1 AND id = $2 AND removed_at IS NULL RETURNING *`,
      [ctx.tenantId, existing.uuid, ctx.auth?.keyId ?? null, trimmed],
    );
    if (!rows[0]) fail(SuppressionErrorCode.ALREADY_REMOVED, "This suppression was already removed.", ["input", "id"]);
    if (existing.scope === "ADDRESS") {
      await em.query("DELETE FROM soft_bounce_tallies WHERE tenant_id = $1 AND recipient = $2", [
        ctx.tenantId,
        existing.value,
      ]);
    }
    return mapRow(em, rows[0]);
  }

  async findById(ctx: RequestContext, uuid: string): Promise<Suppression | null> {
    const em = await ctx.db();
    return em.getRepository(Suppression).findOne({ where: { tenantId: ctx.tenantId, uuid } });
  }

  async findByIds(ctx: RequestContext, uuids: readonly string[]): Promise<Suppression[]> {
    if (uuids.length === 0) return [];
    const em = await ctx.db();
    return em.getRepository(Suppression).find({ where: { tenantId: ctx.tenantId, uuid: In([...uuids]) } });
  }

  async list(
    ctx: RequestContext,
    args: { first: number; after?: string | null },
    filter: SuppressionFilter,
    direction: "ASC" | "DESC" = "DESC",
  ): Promise<Connection<Suppression>> {
    return pageOf(await this.listQuery(ctx, filter), "s", args, { ...NEWEST_FIRST, direction });
  }

  /** The tenant's suppressions meeting a filter (each condition has its index). */
  async listQuery(ctx: RequestContext, filter: SuppressionFilter) {
    const em = await ctx.db();
    const qb = em
      .getRepository(Suppression)
      .createQueryBuilder("s")
      .where("s.tenant_id = :tenantId", { tenantId: ctx.tenantId });
    if (!filter.includeRemoved) qb.andWhere("s.removed_at IS NULL AND (s.expires_at IS NULL OR s.expires_at > now())");
    if (filter.scope) qb.andWhere("s.scope = :scope", { scope: filter.scope });
    if (filter.reason) qb.andWhere("s.reason = :reason", { reason: filter.reason });
    if (filter.value) {
      const v = filter.value.trim().toLowerCase();
      const c = canonicalAddress(v) ?? canonicalAddress(`x@${v.replace(/^@/, "")}`);
      qb.andWhere("s.value = :value", {
        value: c ? (v.includes("@") && !v.startsWith("@") ? c.address : c.domain) : v,
      });
    }
    if (filter.domain) {
      const d = filter.domain.trim().toLowerCase().replace(/^@/, "");
      const c = canonicalAddress(`x@${d}`);
      qb.andWhere("s.recipient_domain = :domain", { domain: c ? c.domain : d });
    }
    if (filter.addressPrefix) {
      // A range of the pattern operators, leakproof and so an index condition under row-level
      // security (LIKE is not); starts_with keeps it exact.
      const prefix = filter.addressPrefix.trim().toLowerCase();
      const end = prefixEnd(prefix);
      qb.andWhere("s.value ~>=~ :prefix AND starts_with(s.value, :prefix)", { prefix });
      if (end !== null) qb.andWhere("s.value ~<~ :prefixEnd", { prefixEnd: end });
    }
    if (filter.createdFrom) qb.andWhere("s.created_at >= :createdFrom", { createdFrom: filter.createdFrom });
    if (filter.createdTo) qb.andWhere("s.created_at < :createdTo", { createdTo: filter.createdTo });
    return qb;
  }

  /**
   * checkRecipients: a verdict per address, in the order given, in two statements whatever
   * the list's length (active suppressions of the addresses and their domains; soft-bounce
   * tallies of the addresses).
   */
  async check(ctx: RequestContext, inputs: readonly string[]): Promise<RecipientCheckResult[]> {
    if (inputs.length > MAX_CHECK_ADDRESSES)
      throw badInput(`At most ${MAX_CHECK_ADDRESSES} addresses per call.`, "addresses");
    const parsed = inputs.map((a) => ({ input: a, c: canonicalAddress(a), p: parseAddress(a) }));
    const addresses = [...new Set(parsed.flatMap((x) => (x.c ? [x.c.address] : [])))];
    const domains = [...new Set(parsed.flatMap((x) => (x.c ? [x.c.domain] : [])))];
    const suppressed = new Map<string, Suppression>();
    const tallies = new Map<string, { bounce_times: Date[]; last_delivered_at: Date | null }>();
    let settings: { softBounceWindowDays: number } | null = null;
    if (addresses.length > 0) {
      const em = await ctx.db();
      // One statement for both lookups; the tenant's window is read only when a tally matters.
      const rows: Array<{ kind: "S" | "T"; row: Record<string, unknown> }> = await em.query(
        `SELECT 'S' AS kind, to_jsonb(s) AS row FROM suppressions s
          WHERE s.tenant_id = $1 AND s.removed_at IS NULL AND (s.expires_at IS NULL OR s.expires_at > now())
            AND ((s.scope = 'ADDRESS' AND s.value = ANY($2::text[])) OR (s.scope = 'DOMAIN' AND s.value = ANY($3::text[])))
         UNION ALL
         SELECT 'T', to_jsonb(t) FROM soft_bounce_tallies t
          WHERE t.tenant_id = $1 AND t.recipient = ANY($2::text[]) AND cardinality(t.bounce_times) > 0`,
        [ctx.tenantId, addresses, domains],
      );
      for (const { kind, row } of rows) {
        if (kind === "S") {
          for (const k of ["expires_at", "created_at", "removed_at"]) if (row[k]) row[k] = new Date(row[k] as string);
          suppressed.set(`${row.scope}|${row.value}`, mapRow(em, row));
        } else {
          tallies.set(row.recipient as string, {
            bounce_times: (row.bounce_times as string[]).map((t) => new Date(t)),
            last_delivered_at: row.last_delivered_at ? new Date(row.last_delivered_at as string) : null,
          });
        }
      }
      if (tallies.size > 0) settings = await tenantService.settings(ctx);
    }

    const now = Date.now();
    return parsed.map(({ input, c, p }): RecipientCheckResult => {
      if (!c || !p.ok) {
        return {
          address: input,
          normalized: null,
          verdict: "INVALID",
          reason: p.ok ? "not an address" : p.message,
          suggestion: null,
          suppression: null,
        };
      }
      const s = suppressed.get(`ADDRESS|${c.address}`) ?? suppressed.get(`DOMAIN|${c.domain}`) ?? null;
      if (s) {
        const what = s.scope === "DOMAIN" ? `domain ${s.value} suppressed` : "suppressed";
        return {
          address: input,
          normalized: c.address,
          verdict: "SUPPRESSED",
          reason: `${what}: ${s.reason}${s.bounceReason ? ` (${s.bounceReason})` : ""}`,
          suggestion: null,
          suppression: s,
        };
      }
      const typo = suggestDomainTypo(c.domain);
      const suggestion = typo ? `${p.local}@${typo}` : null;
      if (typo)
        return {
          address: input,
          normalized: c.address,
          verdict: "RISKY",
          reason: `the domain looks like a typo of ${typo}`,
          suggestion,
          suppression: null,
        };
      const local = c.address.slice(0, c.address.lastIndexOf("@"));
      if (ROLE_LOCAL_PARTS.has(local)) {
        return {
          address: input,
          normalized: c.address,
          verdict: "RISKY",
          reason: "a role address, rarely a person",
          suggestion: null,
          suppression: null,
        };
      }
      const tally = tallies.get(c.address);
      if (tally && settings) {
        const since = Math.max(
          now - settings.softBounceWindowDays * 86_400_000,
          tally.last_delivered_at?.getTime() ?? -Infinity,
        );
        const recent = tally.bounce_times.filter((t) => t.getTime() > since).length;
        if (recent > 0) {
          return {
            address: input,
            normalized: c.address,
            verdict: "RISKY",
            reason: `${recent} recent soft bounce${recent > 1 ? "s" : ""} with no delivery since`,
            suggestion: null,
            suppression: null,
          };
        }
      }
      return {
        address: input,
        normalized: c.address,
        verdict: "OK",
        reason: null,
        suggestion: null,
        suppression: null,
      };
    });
  }
}

export const suppressionService = new SuppressionService();
