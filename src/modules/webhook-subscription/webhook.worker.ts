import { Webhook } from "standardwebhooks";
import { retryDelayMs, verdictOf, type AttemptVerdict } from "../../core/outgoing-webhooks";
import { RequestContext, type App } from "../../platform/context";
import { toGlobalId } from "../../platform/graphql/global-id";
import { alertService } from "../alert";
import { webhookIdOf } from "./webhook-delivery.types";
import { decryptSecret } from "./webhook-secret";
import { WebhookTransport, type PostResult } from "./webhook-transport";

// The delivery worker, one per server process (REBOUND_WEBHOOK_WORKERS attempts in flight).
// The queue is the webhook_deliveries table: a claim takes due rows of any tenant with FOR
// UPDATE SKIP LOCKED and, in the same statement, counts the attempt and pushes the row's
// next_attempt_at one lease ahead. So two processes never take the same attempt, and a
// process that dies mid-attempt leaves its rows due again once the lease runs out (at-least-
// once: the receiver may see that message twice, with the same webhook-id). The outcome is
// recorded in the tenant's own transaction, fenced by the attempt number. The same code runs
// on PostgreSQL and on the embedded database; it wakes at once after a commit of this process
// that enqueued, and polls every REBOUND_WEBHOOK_POLL_MS for the rest.

interface ClaimedRow {
  tenant_id: string;
  id: string;
  subscription_id: string;
  body: string;
  attempts: number;
  created_at: string | Date;
  retry_since: string | Date;
  url: string;
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: string | Date | null;
  campaign_id: string | null;
}

const CLAIM = `
  WITH due AS (
    SELECT d.tenant_id, d.id FROM webhook_deliveries d
     WHERE d.status = 'PENDING' AND d.next_attempt_at <= now()
       AND EXISTS (SELECT 1 FROM webhook_subscriptions s
                    WHERE s.tenant_id = d.tenant_id AND s.id = d.subscription_id AND s.status = 'ACTIVE')
     ORDER BY d.next_attempt_at
     LIMIT $1
     FOR UPDATE OF d SKIP LOCKED)
  UPDATE webhook_deliveries d
     SET attempts = d.attempts + 1, next_attempt_at = now() + make_interval(secs => $2)
    FROM due, webhook_subscriptions s
   WHERE d.tenant_id = due.tenant_id AND d.id = due.id AND s.tenant_id = d.tenant_id AND s.id = d.subscription_id
  RETURNING d.tenant_id, d.id, d.subscription_id, d.body, d.attempts, d.created_at, d.retry_since,
            s.url, s.secret, s.previous_secret, s.previous_secret_expires_at, s.campaign_id`;

interface SuccessRecord {
  row: ClaimedRow;
  attemptedAt: Date;
  result: PostResult;
  resolve(): void;
  reject(err: unknown): void;
}

/** The webhook-signature header: one "v1,<base64>" per secret that signs now, space-separated. */
export function signatureHeader(secrets: string[], msgId: string, timestamp: Date, body: string): string {
  return secrets.map((s) => new Webhook(s).sign(msgId, timestamp, body)).join(" ");
}

export class WebhookWorker {
  private readonly transport: WebhookTransport;
  private readonly running = new Set<Promise<void>>();
  private inFlight = 0;
  private readonly successes: SuccessRecord[] = [];
  private flushing: Promise<void> | null = null;
  private pumping: Promise<void> | null = null;
  private wakeAgain = false;
  private stopped = false;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly app: App) {
    const c = app.config.webhooks;
    this.transport = new WebhookTransport({
      allowPrivate: c.allowPrivate,
      timeoutMs: c.timeoutMs,
      dnsServers: app.config.dns.servers,
    });
  }

  start(): void {
    this.timer = setInterval(() => this.wake(), this.app.config.webhooks.pollMs);
    this.timer.unref();
    this.wake();
  }

  /** Look for due messages now (after a commit that enqueued some, or an attempt that ended). */
  wake(): void {
    if (this.stopped) return;
    if (this.pumping) {
      this.wakeAgain = true;
      return;
    }
    this.pumping = this.pump().finally(() => {
      this.pumping = null;
    });
  }

  private async pump(): Promise<void> {
    const capacity = this.app.config.webhooks.workers;
    try {
      do {
        this.wakeAgain = false;
        while (!this.stopped && this.inFlight < capacity) {
          // TypeORM answers an UPDATE ... RETURNING with [rows, affected].
          const [rows]: [ClaimedRow[], number] = await this.app.db.dataSource.query(CLAIM, [
            capacity - this.inFlight,
            this.app.config.webhooks.leaseSeconds,
          ]);
          if (rows.length === 0) break;
          for (const row of rows) this.launch(row);
        }
      } while (this.wakeAgain && !this.stopped);
    } catch (err) {
      if (!this.stopped) this.app.log.warn({ err }, "webhook worker: claiming deliveries failed");
    }
  }

  private launch(row: ClaimedRow): void {
    this.inFlight++;
    let released = false;
    // Frees the attempt's slot (another message may be claimed); once per attempt.
    const release = () => {
      if (released) return;
      released = true;
      this.inFlight--;
      this.wake();
    };
    const done = this.attempt(row, release)
      .catch((err: unknown) => this.app.log.error({ err, deliveryId: row.id }, "webhook worker: attempt failed"))
      .finally(() => {
        release();
        this.running.delete(done);
      });
    this.running.add(done);
  }

  /** Decrypted secrets by their stored (encrypted) form: a rotation stores a new form, so nothing goes stale. */
  private readonly decrypted = new Map<string, string>();

  private decrypt(stored: string): string {
    let secret = this.decrypted.get(stored);
    if (secret === undefined) {
      if (this.decrypted.size >= 10_000) this.decrypted.clear();
      secret = decryptSecret(stored, this.app.config.webhooks.secretKey);
      this.decrypted.set(stored, secret);
    }
    return secret;
  }

  private secretsOf(row: ClaimedRow, now: Date): string[] {
    const secrets = [this.decrypt(row.secret)];
    const until = row.previous_secret_expires_at ? new Date(row.previous_secret_expires_at) : null;
    if (row.previous_secret && until && until > now) secrets.push(this.decrypt(row.previous_secret));
    return secrets;
  }

  private async attempt(row: ClaimedRow, release: () => void): Promise<void> {
    const attemptedAt = new Date();
    const msgId = webhookIdOf(row.id);
    const result = await this.transport.post(
      row.url,
      {
        "webhook-id": msgId,
        "webhook-timestamp": String(Math.floor(attemptedAt.getTime() / 1000)),
        "webhook-signature": signatureHeader(this.secretsOf(row, attemptedAt), msgId, attemptedAt, row.body),
      },
      row.body,
    );
    const verdict = verdictOf(result.status);
    const metrics = this.app.metrics;
    metrics?.webhookAttempts.inc({
      outcome: verdict === "SUCCEEDED" ? "succeeded" : verdict === "GONE" ? "gone" : "failed",
    });
    metrics?.webhookAttemptDuration.observe(result.latencyMs / 1000);
    if (verdict === "SUCCEEDED") {
      metrics?.webhookDeliveryLatency.observe((Date.now() - new Date(row.created_at).getTime()) / 1000);
      const recorded = this.recordSuccess(row, attemptedAt, result);
      // The receiver has it: the slot may serve the next message while the success is written
      // (the claim's lease still covers the row), unless the writes fall behind.
      if (this.successes.length < 4 * this.app.config.webhooks.workers) release();
      await recorded;
    } else {
      await this.record(row, attemptedAt, result, verdict);
    }
  }

  /**
   * Successes are recorded in batches: every success that finished while the previous batch
   * was being written goes in the next, one statement and one transaction per tenant, so the
   * database work per message shrinks as the load grows. The row stays claimed (its lease)
   * until its batch has committed; a crash before that sends the message again.
   */
  private recordSuccess(row: ClaimedRow, attemptedAt: Date, result: PostResult): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.successes.push({ row, attemptedAt, result, resolve, reject });
      this.flushSuccesses();
    });
  }

  private flushSuccesses(): void {
    if (this.flushing || this.successes.length === 0) return;
    this.flushing = (async () => {
      const batch = this.successes.splice(0);
      const byTenant = new Map<string, SuccessRecord[]>();
      for (const s of batch) byTenant.set(s.row.tenant_id, [...(byTenant.get(s.row.tenant_id) ?? []), s]);
      for (const [tenantId, items] of byTenant) {
        try {
          await this.writeSuccesses(tenantId, items);
          for (const s of items) s.resolve();
        } catch (err) {
          for (const s of items) s.reject(err);
        }
      }
    })().finally(() => {
      this.flushing = null;
      this.flushSuccesses();
    });
  }

  private async writeSuccesses(tenantId: string, items: SuccessRecord[]): Promise<void> {
    const ctx = new RequestContext(this.app, { tenantId, keyId: "system:webhooks", scopes: ["read", "write"] });
    try {
      const em = await ctx.db();
      await em.query(
        `WITH attempts AS (
           INSERT INTO webhook_delivery_attempts (tenant_id, delivery_id, attempt, attempted_at, http_status, latency_ms)
           SELECT $1, * FROM unnest($2::uuid[], $3::int[], $4::timestamptz[], $5::int[], $6::int[])),
         deliveries AS (
           UPDATE webhook_deliveries d SET status = 'SUCCEEDED', delivered_at = now()
             FROM unnest($2::uuid[], $3::int[]) AS t(id, attempt)
            WHERE d.tenant_id = $1 AND d.id = t.id AND d.attempts = t.attempt AND d.status = 'PENDING')
         -- At most once a minute on a healthy endpoint: every success would otherwise queue on its row's lock.
         UPDATE webhook_subscriptions SET failing_since = NULL, last_succeeded_at = now()
          WHERE tenant_id = $1 AND id = ANY($7::uuid[])
            AND (failing_since IS NOT NULL OR last_succeeded_at IS NULL OR last_succeeded_at < now() - interval '1 minute')`,
        [
          tenantId,
          items.map((s) => s.row.id),
          items.map((s) => s.row.attempts),
          items.map((s) => s.attemptedAt),
          items.map((s) => s.result.status),
          items.map((s) => s.result.latencyMs),
          [...new Set(items.map((s) => s.row.subscription_id))],
        ],
      );
      await ctx.tx.commit();
    } catch (err) {
      await ctx.tx.rollback();
      throw err;
    }
  }

  /** Stores a failed attempt and its consequences in the tenant's transaction. */
  private async record(row: ClaimedRow, attemptedAt: Date, result: PostResult, verdict: AttemptVerdict): Promise<void> {
    const ctx = new RequestContext(this.app, {
      tenantId: row.tenant_id,
      keyId: "system:webhooks",
      scopes: ["read", "write"],
    });
    const c = this.app.config.webhooks;
    const giveUpMs = c.giveUpHours * 3_600_000;
    try {
      const em = await ctx.db();
      await em.query(
        `INSERT INTO webhook_delivery_attempts (tenant_id, delivery_id, attempt, attempted_at, http_status, latency_ms, error)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [row.tenant_id, row.id, row.attempts, attemptedAt, result.status, result.latencyMs, result.error],
      );
      const givenUp = attemptedAt.getTime() - new Date(row.retry_since).getTime() >= giveUpMs;
      const next = new Date(attemptedAt.getTime() + retryDelayMs(c.retrySeconds, row.attempts, Math.random()));
      await em.query(
        `UPDATE webhook_deliveries SET status = $4, next_attempt_at = $5
          WHERE tenant_id = $1 AND id = $2 AND attempts = $3 AND status = 'PENDING'`,
        [row.tenant_id, row.id, row.attempts, givenUp ? "FAILED" : "PENDING", next],
      );
      if (givenUp) this.app.metrics?.webhookFailures.inc({ kind: "given_up" });
      // Failing since this message became due, unless something succeeded after that: so a
      // message given up after the give-up period also means an endpoint failing that long.
      const [failing]: Array<{ failing_since: Date }> = (
        await em.query(
          `UPDATE webhook_subscriptions
              SET failing_since = coalesce(failing_since, greatest($3::timestamptz, last_succeeded_at))
            WHERE tenant_id = $1 AND id = $2 RETURNING failing_since`,
          [row.tenant_id, row.subscription_id, new Date(row.retry_since)],
        )
      )[0];
      const disable =
        verdict === "GONE"
          ? "The endpoint answered 410 Gone."
          : failing && attemptedAt.getTime() - new Date(failing.failing_since).getTime() >= giveUpMs
            ? `Every attempt failed for ${c.giveUpHours} hours.`
            : null;
      if (disable) await this.disable(ctx, row, disable);
      await ctx.tx.commit();
    } catch (err) {
      await ctx.tx.rollback();
      throw err;
    }
  }

  private async disable(ctx: RequestContext, row: ClaimedRow, reason: string): Promise<void> {
    const em = await ctx.db();
    const [rows]: [Array<{ id: string }>, number] = await em.query(
      `UPDATE webhook_subscriptions SET status = 'DISABLED', disabled_reason = $3, updated_at = now()
        WHERE tenant_id = $1 AND id = $2 AND status = 'ACTIVE' RETURNING id`,
      [row.tenant_id, row.subscription_id, reason],
    );
    if (rows.length === 0) return;
    this.app.metrics?.webhookFailures.inc({ kind: "endpoint_disabled" });
    await alertService.raise(ctx, [
      {
        kind: "WEBHOOK_ENDPOINT_DISABLED",
        severity: "CRITICAL",
        campaignId: row.campaign_id,
        inboxId: null,
        domainId: null,
        message: `Webhook endpoint ${row.url} was disabled: ${reason}`,
        action: "Fix the endpoint, then resumeWebhookSubscription: the messages waiting are sent then.",
        evidence: { subscriptionId: toGlobalId("WebhookSubscription", row.subscription_id), url: row.url, reason },
        recommendPause: false,
      },
    ]);
  }

  /** Messages pending in the database, every process's (the queue-depth gauge). */
  async queueDepth(): Promise<number> {
    const [row]: Array<{ n: string }> = await this.app.db.dataSource.query(
      "SELECT count(*) AS n FROM webhook_deliveries WHERE status = 'PENDING'",
    );
    return Number(row?.n ?? 0);
  }

  /** Stops claiming and waits for the attempts in flight (each ends within the timeout). */
  async close(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    while (this.pumping || this.running.size > 0) await Promise.all([this.pumping, ...this.running]);
    this.transport.close();
  }
}
