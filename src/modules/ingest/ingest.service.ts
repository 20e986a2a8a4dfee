import { createHash } from "node:crypto";
import { parseAddress } from "../../core/address";
import { eventDateProblem } from "../../core/input-checks";
import { ingestRateLimited } from "../../platform/http/throttle.policy";
import { diagnoseFromStatus, type BounceDiagnosis, type BounceReason, type MessageKind } from "../../core/bounce";
import { diagnose, EMPTY_CONTEXT } from "../../core/bounce/diagnose";
import { recipientProvider, type MailboxProvider } from "../../core/providers";
import { mxProviderLookup } from "../health";
import type { NormalizedEvent, NormalizedEventKind } from "../../core/webhooks";
import type { RequestContext } from "../../platform/context";
import type { BounceSource } from "../../platform/graphql/enums";
import { fromGlobalId, uuidOf } from "../../platform/graphql/global-id";
import {
  fail,
  userError,
  UserInputError,
  type UserError,
  type UserErrorCode,
  CommonErrorCode,
} from "../../platform/graphql/user-error";
import { BounceEvent } from "../bounce";
import { bounceService } from "../bounce";
import { campaignService } from "../campaign";
import { inboxService } from "../inbox";
import { countedAs } from "../../core/counted-as";
import { CounterDeltas, deliveryCounterService } from "../delivery";
import { suppressionService, type IngestedEventFacts } from "../suppression";
import type { Suppression } from "../suppression";
import { tenantService } from "../tenant";
import { checkIdempotencyKey, idempotencyService } from "./idempotency.service";
import { runIngestHooks, type IngestBatch } from "./ingest.hooks";
import { campaignById } from "../campaign";
import { inboxById } from "../inbox";
import { loadedRows } from "../../platform/db/loaded-rows";
import { IngestErrorCode } from "./ingest.errors";

// One write path for every channel. A batch becomes, in one transaction:
//   1. one multi-row INSERT ... ON CONFLICT (tenant_id, dedupe_key) DO NOTHING RETURNING
//      (rows in dedupe-key order: concurrent batches lock keys in one order, no deadlocks);
//   2. the suppression rules over the new rows (at most: one tally upsert, one insert);
//   3. the ingest hooks' reads, with the new rows (see ingest.hooks.ts);
//   4. the counters upsert, from the RETURNING rows only (a duplicate, or a row a concurrent
//      batch inserted first, is never returned, so counts cannot double under READ COMMITTED),
//      last because its row locks are held until commit;
//   5. the hooks' decisions on the new totals.
// Classification is pure and happens before the transaction does any work.

export const MAX_EVENTS_PER_CALL = 1_000;
export const MAX_RECIPIENTS_PER_CALL = 10_000;
export const MAX_EVENT_KEY_LENGTH = 255;
/** A bounce reported for the future is a clock error; it counts as now. */
const FUTURE_TOLERANCE_MS = 5 * 60_000;

/** One event ready to store. */
export interface IngestItem {
  dedupeKey: string;
  source: BounceSource;
  campaignId: string | null;
  inboxId: string | null;
  domainId: string | null;
  diagnosis: BounceDiagnosis;
  /** Canonical recipient (lower-case, ASCII domain); the raw text lower-cased when it is not an address. */
  recipient: string;
  recipientDomain: string;
  /** The recipient when it is a valid address (suppressions need one), else null. */
  address: string | null;
  provider: MailboxProvider;
  occurredAt: Date;
  messageId: string | null;
  vendorFields: unknown;
  /** The sender (ESP or MTA) has stopped retrying this message. */
  finalAttempt: boolean;
}

/** What an event reported through the API is, as the ESP webhooks' event kinds (OTHER excepted). */
export const BOUNCE_EVENT_KINDS = ["BOUNCE", "DEFERRAL", "DELIVERY", "COMPLAINT"] as const;
export type BounceEventKind = (typeof BOUNCE_EVENT_KINDS)[number];

export interface StoreResult {
  inserted: number;
  duplicates: number;
  /** The stored event of every item, in input order (an existing row for a duplicate). */
  events: BounceEvent[];
  newEvents: BounceEvent[];
  suppressions: Suppression[];
}

export interface StoredIngestResult {
  inserted: number;
  duplicates: number;
  eventIds: string[];
  suppressionIds?: string[];
  messageKind?: string | null;
  truncated?: Truncation | null;
}

interface Ref {
  campaignId: string | null;
  inboxId: string | null;
  domainId: string | null;
}

function sha256(text: string | Uint8Array): string {
  return createHash("sha256").update(text).digest("hex");
}

function clampDate(at: Date | null | undefined, now: Date): Date {
  if (!at || Number.isNaN(at.getTime())) return now;
  return at.getTime() > now.getTime() + FUTURE_TOLERANCE_MS ? now : at;
}

/** Canonical recipient fields; a non-address is kept (lower-cased) but never suppressed. */
function recipientFields(raw: string): { recipient: string; recipientDomain: string; address: string | null } {
  const parsed = parseAddress(raw);
  if (parsed.ok) {
    const address = `${parsed.local.toLowerCase()}@${parsed.asciiDomain}`;
    return { recipient: address, recipientDomain: parsed.asciiDomain, address };
  }
  const lower = String(raw ?? "")
    .trim()
    .replace(/^<|>$/g, "")
    .toLowerCase()
    .slice(0, 512);
  const at = lower.lastIndexOf("@");
  return { recipient: lower, recipientDomain: at >= 0 ? lower.slice(at + 1) : "", address: null };
}

/** A campaign or inbox reference from a header or metadata: a global id or a bare uuid. */
/**
 * NOT_FOUND problems of an input's campaign and inbox ids: an id that does not decode, or,
 * once the tenant's rows were looked up (`known`), one that names none of them. `at` is the
 * input's path; each problem is [message, path].
 */
function missingRefs(
  at: string[],
  given: { campaignId?: string | null; inboxId?: string | null },
  uuids: { campaign: string | null; inbox: string | null },
  known?: { campaigns: Map<string, unknown> | Set<string>; inboxes: Map<string, unknown> | Set<string> },
): Array<[string, string[]]> {
  const problems: Array<[string, string[]]> = [];
  const campaignMissing = known
    ? uuids.campaign !== null && !known.campaigns.has(uuids.campaign)
    : !!given.campaignId && !uuids.campaign;
  const inboxMissing = known
    ? uuids.inbox !== null && !known.inboxes.has(uuids.inbox)
    : !!given.inboxId && !uuids.inbox;
  if (campaignMissing) problems.push(["No campaign with that id.", [...at, "campaignId"]]);
  if (inboxMissing) problems.push(["No inbox with that id.", [...at, "inboxId"]]);
  return problems;
}

function refUuid(value: string | null | undefined, type: string): string | null {
  if (!value) return null;
  const v = value.trim();
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v)) return v.toLowerCase();
  return fromGlobalId(v, type)?.id ?? null;
}

/**
 * Charges a call's events to the tenant's ingestion volume before any work: over budget is
 * RATE_LIMITED (HTTP 429 with Retry-After), and nothing is read or stored.
 */
export async function chargeIngestVolume(ctx: RequestContext, events: number): Promise<void> {
  const throttle = ctx.app.throttle;
  if (!throttle || events <= 0) return;
  const verdict = await throttle.chargeIngest(ctx.tenantId, events);
  if (!verdict.allowed) throw ingestRateLimited(verdict);
}

export interface Truncation {
  found: number;
  stored: number;
  message: string;
}

export class IngestService {
  // ---------------------------------------------------------------------------- references

  /**
   * Campaigns and inboxes of this tenant among the given uuids, with their domains (2
   * statements at most), through the request's loaders: the alert rules read the same
   * campaigns again later in the transaction.
   */
  private async lookupRefs(
    ctx: RequestContext,
    campaignUuids: Iterable<string>,
    inboxUuids: Iterable<string>,
  ): Promise<{ campaigns: Map<string, string>; inboxes: Map<string, string> }> {
    const c = [...new Set(campaignUuids)];
    const i = [...new Set(inboxUuids)];
    const campaigns = new Map(loadedRows(await campaignById(ctx).loadMany(c)).map((x) => [x.uuid, x.domainId]));
    const inboxes = new Map(loadedRows(await inboxById(ctx).loadMany(i)).map((x) => [x.uuid, x.domainId]));
    return { campaigns, inboxes };
  }

  private ref(
    campaignId: string | null,
    inboxId: string | null,
    refs: { campaigns: Map<string, string>; inboxes: Map<string, string> },
  ): Ref {
    const c = campaignId && refs.campaigns.has(campaignId) ? campaignId : null;
    const i = inboxId && refs.inboxes.has(inboxId) ? inboxId : null;
    return {
      campaignId: c,
      inboxId: i,
      domainId: (c ? refs.campaigns.get(c) : null) ?? (i ? refs.inboxes.get(i) : null) ?? null,
    };
  }

  // ---------------------------------------------------------------------------- recordSends

  async recordSends(
    ctx: RequestContext,
    input: {
      campaignId: string;
      inboxId: string;
      recipients: string[];
      sentAt?: Date | null;
      idempotencyKey?: string | null;
    },
  ): Promise<{ recorded: number; byProvider: Array<{ provider: MailboxProvider; count: number }>; replayed: boolean }> {
    const key = checkIdempotencyKey(input.idempotencyKey, ["input", "idempotencyKey"]);
    await chargeIngestVolume(ctx, Math.min(input.recipients?.length ?? 0, MAX_RECIPIENTS_PER_CALL));
    return idempotencyService.run(
      ctx,
      {
        operation: "recordSends",
        key,
        input: { ...input, idempotencyKey: undefined },
        field: ["input", "idempotencyKey"],
      },
      {
        prepare: async () => {
          const recipients = input.recipients ?? [];
          if (recipients.length > MAX_RECIPIENTS_PER_CALL) {
            fail(
              IngestErrorCode.TOO_MANY_RECIPIENTS,
              `At most ${MAX_RECIPIENTS_PER_CALL} recipients per call; split the list.`,
              ["input", "recipients"],
            );
          }
          const errors: UserError[] = [];
          const domains: string[] = [];
          recipients.forEach((r, idx) => {
            const parsed = parseAddress(r);
            if (!parsed.ok) {
              if (errors.length < 100)
                errors.push(
                  userError(CommonErrorCode.INVALID_EMAIL, `"${String(r).slice(0, 100)}": ${parsed.message}.`, [
                    "input",
                    "recipients",
                    String(idx),
                  ]),
                );
              return;
            }
            domains.push(parsed.asciiDomain);
          });
          const mx = errors.length ? undefined : await mxProviderLookup(ctx.app.mxProviders, domains);
          const byProvider = new Map<MailboxProvider, number>();
          for (const domain of domains) {
            const p = recipientProvider(domain, mx);
            byProvider.set(p, (byProvider.get(p) ?? 0) + 1);
          }
          const campaign = await campaignService.require(ctx, uuidOf(input.campaignId, "Campaign"), [
            "input",
            "campaignId",
          ]);
          const inbox = await inboxService.require(ctx, uuidOf(input.inboxId, "Inbox"), ["input", "inboxId"]);
          if (inbox.domainId !== campaign.domainId) {
            errors.push(
              userError(
                CommonErrorCode.INBOX_DOMAIN_MISMATCH,
                `The inbox ${inbox.address} does not belong to the campaign's domain.`,
                ["input", "inboxId"],
              ),
            );
          }
          const now = new Date();
          if (input.sentAt && input.sentAt.getTime() > now.getTime() + FUTURE_TOLERANCE_MS) {
            errors.push(
              userError(IngestErrorCode.INVALID_SENT_AT, "sentAt cannot be in the future.", ["input", "sentAt"]),
            );
          } else if (input.sentAt && eventDateProblem(input.sentAt, now)) {
            errors.push(
              userError(IngestErrorCode.INVALID_SENT_AT, `sentAt ${eventDateProblem(input.sentAt, now)}.`, [
                "input",
                "sentAt",
              ]),
            );
          }
          if (errors.length) throw new UserInputError(errors);
          return { campaign, inbox, byProvider, at: clampDate(input.sentAt, now), total: recipients.length };
        },
        execute: async ({ campaign, inbox, byProvider, at, total }) => {
          const deltas = new CounterDeltas();
          const ref = { campaignId: campaign.uuid, inboxId: inbox.uuid, domainId: campaign.domainId };
          for (const [provider, n] of byProvider) deltas.add(ref, provider, at, "SENT", n);
          await runIngestHooks(
            ctx,
            {
              channel: "SENDS",
              events: [],
              campaignIds: [campaign.uuid],
              inboxIds: [inbox.uuid],
              sent: total,
              suppressions: [],
            },
            () => deliveryCounterService.apply(ctx, deltas),
          );
          return {
            recorded: total,
            byProvider: [...byProvider]
              .map(([provider, count]) => ({ provider, count }))
              .sort((a, b) => (a.provider < b.provider ? -1 : 1)),
          };
        },
        toStored: (r) => r,
        fromStored: async (s: { recorded: number; byProvider: Array<{ provider: MailboxProvider; count: number }> }) =>
          s,
      },
    );
  }

  // ---------------------------------------------------------------------------- ingestBounces

  async ingestBounces(
    ctx: RequestContext,
    input: {
      events: Array<{
        recipient: string;
        campaignId?: string | null;
        inboxId?: string | null;
        smtpResponse?: string | null;
        status?: string | null;
        diagnosticCode?: string | null;
        remoteMta?: string | null;
        occurredAt?: Date | null;
        eventKey?: string | null;
        kind?: BounceEventKind | null;
      }>;
      idempotencyKey?: string | null;
    },
  ): Promise<StoreResult & { replayed: boolean }> {
    const key = checkIdempotencyKey(input.idempotencyKey, ["input", "idempotencyKey"]);
    await chargeIngestVolume(ctx, Math.min(input.events?.length ?? 0, MAX_EVENTS_PER_CALL));
    return idempotencyService.run(
      ctx,
      { operation: "ingestBounces", key, input: input.events, field: ["input", "idempotencyKey"] },
      {
        prepare: async () => {
          const events = input.events ?? [];
          if (events.length > MAX_EVENTS_PER_CALL) {
            fail(IngestErrorCode.TOO_MANY_EVENTS, `At most ${MAX_EVENTS_PER_CALL} events per call; split the batch.`, [
              "input",
              "events",
            ]);
          }
          const errors: UserError[] = [];
          const err = (code: UserErrorCode, message: string, field: string[]) => {
            if (errors.length < 100) errors.push(userError(code, message, field));
          };
          const campaignUuids: Array<string | null> = [];
          const inboxUuids: Array<string | null> = [];
          events.forEach((e, i) => {
            const at = ["input", "events", String(i)];
            if (!parseAddress(e.recipient).ok)
              err(CommonErrorCode.INVALID_EMAIL, `"${String(e.recipient).slice(0, 100)}" is not an email address.`, [
                ...at,
                "recipient",
              ]);
            const needsDiagnosis = e.kind !== "DELIVERY" && e.kind !== "COMPLAINT";
            if (needsDiagnosis && !e.smtpResponse?.trim() && !e.status?.trim() && !e.diagnosticCode?.trim()) {
              err(IngestErrorCode.MISSING_DIAGNOSIS, "Give smtpResponse, or status and/or diagnosticCode.", at);
            }
            // A date out of range is refused, never replaced by "now" (year 9999) or stored as
            // given (year 0001, counted on 0001-01-01).
            const dateProblem = e.occurredAt ? eventDateProblem(e.occurredAt, new Date()) : null;
            if (dateProblem)
              err(IngestErrorCode.INVALID_OCCURRED_AT, `occurredAt ${dateProblem}.`, [...at, "occurredAt"]);
            if (
              e.eventKey !== null &&
              e.eventKey !== undefined &&
              (e.eventKey.length < 1 || e.eventKey.length > MAX_EVENT_KEY_LENGTH)
            ) {
              err(IngestErrorCode.INVALID_EVENT_KEY, `eventKey must be 1 to ${MAX_EVENT_KEY_LENGTH} characters.`, [
                ...at,
                "eventKey",
              ]);
            }
            const c = e.campaignId ? uuidOf(e.campaignId, "Campaign") : null;
            const b = e.inboxId ? uuidOf(e.inboxId, "Inbox") : null;
            for (const [message, field] of missingRefs(at, e, { campaign: c, inbox: b }))
              err(CommonErrorCode.NOT_FOUND, message, field);
            campaignUuids.push(c);
            inboxUuids.push(b);
          });
          if (errors.length) throw new UserInputError(errors);
          const refs = await this.lookupRefs(
            ctx,
            campaignUuids.filter((x): x is string => !!x),
            inboxUuids.filter((x): x is string => !!x),
          );
          events.forEach((e, i) => {
            const at = ["input", "events", String(i)];
            for (const [message, field] of missingRefs(
              at,
              e,
              { campaign: campaignUuids[i], inbox: inboxUuids[i] },
              refs,
            ))
              err(CommonErrorCode.NOT_FOUND, message, field);
          });
          if (errors.length) throw new UserInputError(errors);

          const now = new Date();
          return events.map((e, i): IngestItem => {
            const r = recipientFields(e.recipient);
            const kind = e.kind ?? "BOUNCE";
            const diagnosis = eventDiagnosis(kind, r.recipient, "API", {
              status: e.status ?? null,
              diagnosticCode: e.diagnosticCode ?? null,
              smtpResponse: e.smtpResponse ?? null,
              remoteMta: e.remoteMta ?? null,
              feedbackType: null,
            });
            const ref = this.ref(campaignUuids[i], inboxUuids[i], refs);
            const occurredAt = clampDate(e.occurredAt, now);
            // Without an eventKey, the event's content is its identity: a retried call
            // dedupes; two genuinely identical reports need distinct eventKeys. The kind is
            // part of it except for BOUNCE, so keys made before kinds existed still match.
            const content = [
              r.recipient,
              e.status ?? null,
              e.diagnosticCode ?? null,
              e.smtpResponse ?? null,
              e.remoteMta ?? null,
              e.occurredAt?.toISOString() ?? null,
              ref.campaignId,
              ref.inboxId,
            ];
            const dedupeKey = e.eventKey
              ? `api:${e.eventKey}`
              : `api:h:${sha256(JSON.stringify(kind === "BOUNCE" ? content : [kind, ...content]))}`;
            return {
              dedupeKey,
              source: "API",
              ...ref,
              diagnosis,
              ...r,
              provider: diagnosis.recipientProvider,
              occurredAt,
              messageId: null,
              vendorFields: null,
              // As an ESP's bounce event: a BOUNCE is the sender's last word (retries are over),
              // a DEFERRAL is one failed try among more.
              finalAttempt: kind === "BOUNCE",
            };
          });
        },
        execute: (items) => this.store(ctx, "API", items),
        toStored: (r) => this.toStored(r),
        fromStored: (s) => this.fromStored(ctx, s),
      },
    );
  }

  // ---------------------------------------------------------------------------- ingestBounceMessage

  async ingestBounceMessage(
    ctx: RequestContext,
    input: { raw: string; campaignId?: string | null; inboxId?: string | null; idempotencyKey?: string | null },
  ): Promise<StoreResult & { messageKind: MessageKind; truncated: Truncation | null; replayed: boolean }> {
    const key = checkIdempotencyKey(input.idempotencyKey, ["input", "idempotencyKey"]);
    await chargeIngestVolume(ctx, 1);
    let messageKind: MessageKind = "unknown";
    let truncated: Truncation | null = null;
    const result = await idempotencyService.run(
      ctx,
      {
        operation: "ingestBounceMessage",
        key,
        input: { ...input, idempotencyKey: undefined },
        field: ["input", "idempotencyKey"],
      },
      {
        prepare: async () => {
          if (typeof input.raw !== "string" || input.raw.trim() === "")
            fail(IngestErrorCode.EMPTY_MESSAGE, "raw must be the whole message, headers and body.", ["input", "raw"]);
          const c = input.campaignId ? uuidOf(input.campaignId, "Campaign") : null;
          const b = input.inboxId ? uuidOf(input.inboxId, "Inbox") : null;
          for (const [message, field] of missingRefs(["input"], input, { campaign: c, inbox: b }))
            fail(CommonErrorCode.NOT_FOUND, message, field);

          const analysis = await bounceService.analyzeMessage(ctx, input.raw);
          messageKind = analysis.kind;
          if (analysis.error && /deadline/.test(analysis.error)) {
            fail(
              IngestErrorCode.MESSAGE_TOO_COMPLEX,
              `The message could not be classified in time (${analysis.error}); nothing was stored.`,
              ["input", "raw"],
            );
          }
          // An auto-reply says the address works; it is not a bounce and is not stored.
          if (analysis.kind === "vacation") return [];
          if (analysis.diagnoses.length === 0) {
            fail(
              IngestErrorCode.NOT_A_BOUNCE,
              `No bounce, complaint or delivery report could be read from the message${analysis.error ? `: ${analysis.error}` : "."}`,
              ["input", "raw"],
            );
          }

          // The campaign: explicit, else the tenant's header in the returned original message.
          let headerCampaign: string | null = null;
          if (!c) {
            const header = (await tenantService.settings(ctx)).campaignHeader.toLowerCase();
            for (const d of analysis.diagnoses) {
              headerCampaign = refUuid(d.originalHeaders?.[header], "Campaign");
              if (headerCampaign) break;
            }
          }
          const refs = await this.lookupRefs(
            ctx,
            [c, headerCampaign].filter((x): x is string => !!x),
            b ? [b] : [],
          );
          for (const [message, field] of missingRefs(["input"], input, { campaign: c, inbox: b }, refs))
            fail(CommonErrorCode.NOT_FOUND, message, field);
          // A header naming no campaign of this tenant is ignored, never an error: the
          // message came from the outside world.
          const ref = this.ref(c ?? headerCampaign, b, refs);

          const identity = analysis.messageId
            ? `mid:${analysis.messageId.trim().toLowerCase()}`
            : `sha256:${sha256(input.raw)}`;
          const now = new Date();
          // Only real addresses become events (the same check as every other channel), and
          // at most a batch's worth; whatever is left out is said in `truncated`, never dropped
          // in silence (the classifier itself reads at most so many recipients of a DSN).
          const valid = analysis.diagnoses.filter((d) => parseAddress(d.recipient).ok);
          // When the classifier stopped at one of its caps, its `truncated` counts the
          // recipients the message names in all (more than it read).
          const found = Math.max(analysis.diagnoses.length, analysis.truncated?.recipients ?? 0);
          const kept = valid.slice(0, MAX_EVENTS_PER_CALL);
          if (kept.length < found) {
            const invalid = analysis.diagnoses.length - valid.length;
            truncated = {
              found,
              stored: kept.length,
              message:
                `The message reports on ${found} recipients; ${kept.length} were stored` +
                (invalid ? ` (${invalid} named no valid address)` : "") +
                (valid.length > MAX_EVENTS_PER_CALL ? ` (at most ${MAX_EVENTS_PER_CALL} events per message)` : "") +
                (found > analysis.diagnoses.length
                  ? ` (${found - analysis.diagnoses.length} beyond what the classifier reads of one message)`
                  : "") +
                ".",
            };
          }
          if (kept.length === 0)
            fail(IngestErrorCode.NOT_A_BOUNCE, "The message names no valid recipient address.", ["input", "raw"]);
          return kept.map((d): IngestItem => {
            const r = recipientFields(d.recipient);
            return {
              dedupeKey: `dsn:${identity}:${r.recipient}`,
              source: "DSN",
              ...ref,
              diagnosis: d,
              ...r,
              provider: d.recipientProvider,
              occurredAt: clampDate(d.lastAttemptAt, now),
              messageId: d.originalMessageId,
              vendorFields: null,
              // "Action: failed" is the MTA's final word (a 4xx there means retries expired).
              finalAttempt: d.action === "failed",
            };
          });
        },
        execute: (items) => this.store(ctx, "DSN", items),
        toStored: (r) => ({ ...this.toStored(r), messageKind, truncated }),
        fromStored: async (s: StoredIngestResult) => {
          messageKind = (s.messageKind as MessageKind | null | undefined) ?? "unknown";
          truncated = s.truncated ?? null;
          return this.fromStored(ctx, s);
        },
      },
    );
    return { ...result, messageKind, truncated };
  }

  // ---------------------------------------------------------------------------- ESP webhooks

  /**
   * Events of one verified webhook delivery. The vendor's hard/soft label is never used:
   * bounces and deferrals are re-classified from status + diagnostic text; complaints and
   * deliveries are facts; the ESP's own suppressions are stored as reason "suppressed"
   * (counted nowhere, suppressing nothing); other events (auto-replies, subscription
   * changes) are not stored.
   */
  async ingestWebhookEvents(
    ctx: RequestContext,
    endpoint: { provider: BounceSource; campaignId: string | null; inboxId: string | null },
    events: readonly NormalizedEvent[],
  ): Promise<StoreResult & { ignored: number; rejected: Array<{ index: number; code: string; message: string }> }> {
    const header = (await tenantService.settings(ctx)).campaignHeader.toLowerCase();
    // An event the vendor sent that can never be stored as given (no valid recipient, a date
    // outside 2000..tomorrow) is refused on its own and listed in the answer: the rest of the
    // delivery is stored, and nothing is "repaired" in silence.
    const rejected: Array<{ index: number; code: string; message: string }> = [];
    const now = new Date();
    const picked = events.filter((e, index) => {
      if (e.kind === "OTHER" && !e.providerSuppressed) return false;
      if (!parseAddress(e.recipient).ok) {
        rejected.push({
          index,
          code: "INVALID_EMAIL",
          message: `"${String(e.recipient).slice(0, 100)}" is not an email address.`,
        });
        return false;
      }
      const dateProblem = e.occurredAt ? eventDateProblem(e.occurredAt, now) : null;
      if (dateProblem) {
        rejected.push({ index, code: "INVALID_OCCURRED_AT", message: `The event's date ${dateProblem}.` });
        return false;
      }
      return true;
    });
    const wanted = picked.map((e) => ({
      campaign: refUuid(
        metadataValue(e, ["campaignid", "campaign_id", "rebound_campaign_id", "reboundcampaign", header]) ??
          sesHeader(e, header),
        "Campaign",
      ),
      inbox: refUuid(metadataValue(e, ["inboxid", "inbox_id", "rebound_inbox_id"]), "Inbox"),
    }));
    const refs = await this.lookupRefs(
      ctx,
      [endpoint.campaignId, ...wanted.map((w) => w.campaign)].filter((x): x is string => !!x),
      [endpoint.inboxId, ...wanted.map((w) => w.inbox)].filter((x): x is string => !!x),
    );
    const items = picked.map((e, i): IngestItem => {
      const r = recipientFields(e.recipient);
      const diagnosis = webhookDiagnosis(e, r.recipient);
      // Per-message metadata wins over the endpoint's default; unknown ids are ignored.
      const c =
        wanted[i].campaign && refs.campaigns.has(wanted[i].campaign!) ? wanted[i].campaign : endpoint.campaignId;
      const b = wanted[i].inbox && refs.inboxes.has(wanted[i].inbox!) ? wanted[i].inbox : endpoint.inboxId;
      return {
        dedupeKey: `${e.provider.toLowerCase()}:${e.eventKey}`,
        source: e.provider,
        ...this.ref(c, b, refs),
        diagnosis,
        ...r,
        provider: diagnosis.recipientProvider,
        occurredAt: clampDate(e.occurredAt, now),
        messageId: e.messageId,
        vendorFields: e.raw,
        finalAttempt: e.kind === "BOUNCE",
      };
    });
    const result = await this.store(ctx, endpoint.provider, items);
    return { ...result, ignored: events.length - picked.length - rejected.length, rejected };
  }

  // ---------------------------------------------------------------------------- the write path

  /** Stores a batch exactly once per dedupe key and applies its effects (see the top of this file). */
  async store(
    ctx: RequestContext,
    channel: IngestBatch["channel"],
    items: readonly IngestItem[],
  ): Promise<StoreResult> {
    if (items.length === 0) return { inserted: 0, duplicates: 0, events: [], newEvents: [], suppressions: [] };
    // Custom domains' provider from their MX hosts (Google Workspace, Microsoft 365...): the
    // classifier only knows the public domains. Cached per domain with its TTL.
    const mx = await mxProviderLookup(
      ctx.app.mxProviders,
      items.map((it) => it.recipientDomain),
    );
    if (mx) {
      for (const it of items) it.provider = it.diagnosis.recipientProvider = recipientProvider(it.recipientDomain, mx);
    }
    const tenantId = ctx.tenantId;

    // The first item of a key is the one stored; later items with the same key are duplicates.
    const first = new Map<string, number>();
    items.forEach((item, i) => {
      if (!first.has(item.dedupeKey)) first.set(item.dedupeKey, i);
    });
    const unique = [...first.values()]
      .sort((a, b) => (items[a].dedupeKey < items[b].dedupeKey ? -1 : 1))
      .map((i) => items[i]);

    const returned = await bounceService.insertIfNew(ctx, unique);

    const insertedByKey = new Map<string, BounceEvent>();
    const byKey = new Map(unique.map((it) => [it.dedupeKey, it]));
    for (const row of returned) insertedByKey.set(row.dedupe_key, toEntity(tenantId, row, byKey.get(row.dedupe_key)!));
    // New rows in input order.
    const newEvents = unique
      .filter((it) => insertedByKey.has(it.dedupeKey))
      .map((it) => insertedByKey.get(it.dedupeKey)!);
    newEvents.sort((a, b) => first.get(a.dedupeKey)! - first.get(b.dedupeKey)!);

    let suppressions: Suppression[] = [];
    const campaignIds = new Set<string>();
    const inboxIds = new Set<string>();
    if (newEvents.length > 0) {
      const deltas = new CounterDeltas();
      const facts: IngestedEventFacts[] = [];
      for (const ev of newEvents) {
        const it = byKey.get(ev.dedupeKey)!;
        // A soft bounce that was not the last word (a deferral, a DSN "delayed") is also a deferral.
        deltas.add(it, it.provider, it.occurredAt, countedAs(ev.reason, ev.bounceType), 1, !it.finalAttempt);
        if (it.campaignId) campaignIds.add(it.campaignId);
        if (it.inboxId) inboxIds.add(it.inboxId);
        facts.push({
          eventId: ev.uuid,
          occurredAt: it.occurredAt,
          reason: ev.reason,
          bounceType: ev.bounceType,
          hardBounce: ev.hardBounce,
          fault: ev.fault,
          address: it.address,
          domain: it.address ? it.recipientDomain : null,
          finalAttempt: it.finalAttempt,
        });
      }
      suppressions = await suppressionService.applyIngest(ctx, facts);
      // The counters move last (inside runIngestHooks): their row locks are held until commit.
      await runIngestHooks(
        ctx,
        { channel, events: newEvents, campaignIds: [...campaignIds], inboxIds: [...inboxIds], sent: 0, suppressions },
        () => deliveryCounterService.apply(ctx, deltas),
      );
    }

    // Duplicates answer with the row already stored (one statement, only when there are any).
    const missing = [...first.keys()].filter((k) => !insertedByKey.has(k));
    const existing = new Map<string, BounceEvent>();
    if (missing.length > 0) {
      for (const row of await bounceService.findByDedupeKeys(ctx, missing)) existing.set(row.dedupeKey, row);
    }
    const events = items
      .map((it) => insertedByKey.get(it.dedupeKey) ?? existing.get(it.dedupeKey))
      .filter((e): e is BounceEvent => !!e);
    const metrics = ctx.app.metrics;
    // Counted once durable: a batch that rolls back stored nothing.
    if (metrics && newEvents.length > 0)
      ctx.tx.afterCommit(() => metrics.ingestedEvents.inc({ source: channel }, newEvents.length));
    const usage = ctx.app.usage;
    if (usage && newEvents.length > 0) ctx.tx.afterCommit(() => usage.countIngested(ctx.tenantId, newEvents.length));
    return { inserted: newEvents.length, duplicates: items.length - newEvents.length, events, newEvents, suppressions };
  }

  private toStored(r: StoreResult): StoredIngestResult {
    return {
      inserted: r.inserted,
      duplicates: r.duplicates,
      eventIds: r.events.map((e) => e.uuid),
      suppressionIds: r.suppressions.map((x) => x.uuid),
    };
  }

  private async fromStored(ctx: RequestContext, s: StoredIngestResult): Promise<StoreResult> {
    const rows = new Map((await bounceService.findByIds(ctx, [...new Set(s.eventIds)])).map((e) => [e.uuid, e]));
    const events = s.eventIds.map((id) => rows.get(id)).filter((e): e is BounceEvent => !!e);
    const suppressions = await suppressionService.findByIds(ctx, s.suppressionIds ?? []);
    return { inserted: s.inserted, duplicates: s.duplicates, events, newEvents: [], suppressions };
  }
}

function toEntity(tenantId: string, row: { id: string; created_at: Date }, it: IngestItem): BounceEvent {
  const d = it.diagnosis;
  return Object.assign(new BounceEvent(), {
    tenantId,
    uuid: row.id,
    createdAt: row.created_at,
    campaignId: it.campaignId,
    inboxId: it.inboxId,
    dedupeKey: it.dedupeKey,
    source: it.source,
    recipient: it.recipient,
    recipientDomain: it.recipientDomain,
    recipientProvider: it.provider,
    reason: d.reason,
    bounceType: d.bounceType,
    hardBounce: d.hardBounce,
    fault: d.fault,
    variant: d.variant,
    status: d.status,
    replyCode: d.replyCode,
    diagnosticCode: d.diagnosticCode,
    remoteMta: d.remoteMta,
    reportingMta: d.reportingMta,
    feedbackType: d.feedbackType,
    authResults: d.authResults,
    likelyCause: d.likelyCause,
    firstAction: d.firstAction,
    evidence: d.evidence,
    ruleVersion: d.ruleVersion,
    messageId: it.messageId,
    vendorFields: it.vendorFields ?? null,
    occurredAt: it.occurredAt,
  });
}

/** A metadata value under any of the given names (case-insensitive). */
function metadataValue(e: NormalizedEvent, names: string[]): string | null {
  for (const [k, v] of Object.entries(e.metadata ?? {})) {
    if (names.includes(k.toLowerCase()) && v) return v;
  }
  return null;
}

/** SES carries the original message's headers in mail.headers: the tenant's campaign header may be there. */
function sesHeader(e: NormalizedEvent, header: string): string | null {
  if (e.provider !== "SES") return null;
  const headers = (e.raw as { mail?: { headers?: unknown } } | null)?.mail?.headers;
  if (!Array.isArray(headers)) return null;
  for (const h of headers) {
    if (
      h &&
      typeof h === "object" &&
      typeof (h as { name?: unknown }).name === "string" &&
      (h as { name: string }).name.toLowerCase() === header
    ) {
      const value = (h as { value?: unknown }).value;
      return typeof value === "string" ? value : null;
    }
  }
  return null;
}

interface EventFields {
  status: string | null;
  diagnosticCode: string | null;
  smtpResponse: string | null;
  remoteMta: string | null;
  feedbackType: string | null;
}

function fixed(recipient: string, reason: BounceReason, evidence: string, e: EventFields): BounceDiagnosis {
  return diagnose(
    {
      recipient,
      fixedReason: { reason, evidence },
      statusField: e.status,
      diagnostic: e.diagnosticCode ?? e.smtpResponse,
      remoteMta: e.remoteMta,
      feedbackType: reason === "feedback" ? e.feedbackType : null,
    },
    EMPTY_CONTEXT,
  );
}

/**
 * The diagnosis of an event of a known kind, the same for ESP webhooks and the API: facts
 * (a complaint, a delivery) stay facts; failures (BOUNCE, DEFERRAL) are classified from the
 * reply, whatever the reporter called them.
 */
function eventDiagnosis(kind: NormalizedEventKind, recipient: string, from: string, e: EventFields): BounceDiagnosis {
  if (kind === "COMPLAINT") return fixed(recipient, "feedback", `${from} complaint event`, e);
  if (kind === "DELIVERY") return fixed(recipient, "delivered", `${from} delivery event`, e);
  return diagnoseFromStatus({
    recipient,
    status: e.status,
    diagnosticCode: e.diagnosticCode,
    smtpResponse: e.smtpResponse,
    remoteMta: e.remoteMta,
  });
}

/** The diagnosis of one ESP event: facts stay facts, failures are re-classified. */
function webhookDiagnosis(e: NormalizedEvent, recipient: string): BounceDiagnosis {
  const fields = { ...e, smtpResponse: null, feedbackType: e.vendorType };
  if (e.providerSuppressed && e.kind !== "COMPLAINT" && e.kind !== "DELIVERY")
    return fixed(
      recipient,
      "suppressed",
      `${e.provider} did not send: the address is on its own suppression list`,
      fields,
    );
  // Mailgun gives the reply code beside the text ("code": 550, "message": "5.1.1 ..."): put it
  // back in front, as the server said it, so the classifier sees the whole reply.
  const text = e.diagnosticCode;
  const withCode =
    e.replyCode !== null && text && !/^\s*(smtp;\s*)?[245]\d\d\b/i.test(text) ? `${e.replyCode} ${text}` : text;
  return eventDiagnosis(e.kind, recipient, e.provider, { ...fields, diagnosticCode: withCode });
}

export const ingestService = new IngestService();
