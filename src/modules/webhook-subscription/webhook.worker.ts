import { Webhook } from "standardwebhooks";
import { retryDelayMs, verdictOf, type AttemptVerdict } from "../../core/outgoing-webhooks";
import { RequestContext, type App } from "../../platform/context";
import { toGlobalId } from "../../platform/graphql/global-id";
import { alertService } from "../alert";
import type PgBoss from "pg-boss";
import { webhookIdOf } from "./webhook-delivery.types";
import { enqueueDeliveries, WEBHOOK_QUEUE, type DeliveryJob } from "./webhook-queue";
import { decryptSecret } from "./webhook-secret";
import { WebhookTransport, type PostResult } from "./webhook-transport";

// The delivery worker, one per server process (REBOUND_WEBHOOK_WORKERS attempts in flight).
// The queue is pg-boss (webhook-queue.ts): every due delivery has a job, made in the
// transaction that made or rescheduled the delivery. The worker fetches jobs (pg-boss takes
// them with FOR UPDATE SKIP LOCKED, so two processes never take the same job), and in one
// statement counts an attempt on each job's delivery, fenced: the delivery must still be
// pending on an active subscription, and the job must expect the attempts counted so far, or
// be the job of the current attempt handed out again after its process died (pg-boss expires
// a job REBOUND_WEBHOOK_LEASE_SECONDS after it was fetched). A job the fence refuses is late
// (a redelivery or a resume made a newer one) and is completed unattempted. The outcome is
// recorded in the tenant's own transaction, fenced by the attempt number; a retry is a new job
// made in that transaction, due at the schedule's time; the job is completed once an outcome that
// passed the fence is committed (a crash before that sends the message again: at-least-once,
// same webhook-id; a job that lost the fence is left to the claim that won).
// The same code runs on PostgreSQL and on the embedded database; it wakes at once after a
// commit of this process that enqueued, and fetches every REBOUND_WEBHOOK_POLL_MS for the rest.

interface ClaimedRow {
  job_id: string;
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
  UPDATE webhook_deliveries d
     SET attempts = d.attempts + 1, job_id = j.job_id, next_attempt_at = now() + make_interval(secs => $5)
    FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::int[]) AS j(job_id, tenant_id, id, attempt),
         webhook_subscriptions s
   WHERE d.tenant_id = j.tenant_id AND d.id = j.id AND d.status = 'PENDING'
     AND (d.attempts = j.attempt OR d.job_id = j.job_id)
     AND s.tenant_id = d.tenant_id AND s.id = d.subscription_id AND s.status = 'ACTIVE'
  RETURNING j.job_id, d.tenant_id, d.id, d.subscription_id, d.body, d.attempts, d.created_at, d.retry_since,
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

  constructor(
    private readonly app: App,
    private readonly boss: PgBoss,
  ) {
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
          const jobs = await this.boss.fetch<DeliveryJob>(WEBHOOK_QUEUE, { batchSize: capacity - this.inFlight });
          if (!jobs || jobs.length === 0) break;
          const rows = await this.claim(jobs);
          const taken = new Set(rows.map((r) => r.job_id));
          const late = jobs.filter((j) => !taken.has(j.id)).map((j) => j.id);
          if (late.length > 0) await this.boss.complete(WEBHOOK_QUEUE, late);
          for (const row of rows) this.launch(row);
        }
      } while (this.wakeAgain && !this.stopped);
    } catch (err) {
      if (!this.stopped) this.app.log.warn({ err }, "webhook worker: claiming deliveries failed");
    }
  }

  /** Counts an attempt on each job's delivery, where the fence lets it (see the top of this file). */
  private async claim(jobs: ReadonlyArray<PgBoss.Job<DeliveryJob>>): Promise<ClaimedRow[]> {
    // TypeORM answers an UPDATE ... RETURNING with [rows, affected].
    const [rows]: [ClaimedRow[], number] = await this.app.db.dataSource.query(CLAIM, [
      jobs.map((j) => j.id),
      jobs.map((j) => j.data.tenantId),
      jobs.map((j) => j.data.deliveryId),
      jobs.map((j) => j.data.attempt),
      this.app.config.webhooks.leaseSeconds,
    ]);
    return rows;
  }

  /** Completes the jobs of attempts whose outcome is committed; a failure here only means a late job later. */
  private async complete(jobIds: string[]): Promise<void> {
    try {
      await this.boss.complete(WEBHOOK_QUEUE, jobIds);
    } catch (err) {
      this.app.log.warn({ err }, "webhook worker: completing jobs failed");
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
      // (its job stays active until the outcome is committed), unless the writes fall behind.
      if (this.successes.length < 4 * this.app.config.webhooks.workers) release();
      await recorded;
    } else {
      await this.record(row, attemptedAt, result, verdict);
    }
  }

  /**
   * Successes are recorded in batches: every success that finished while the previous batch
   * was being written goes in the next, one statement and one transaction per tenant, so the
   * database work per message shrinks as the load grows. Each job stays active until its
   * batch has committed; a crash before that sends the message again.
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
          const recorded = new Set(await this.writeSuccesses(tenantId, items));
          await this.complete(items.filter((s) => recorded.has(s.row.id)).map((s) => s.row.job_id));
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

  /**
   * Returns the deliveries whose attempt the fence let through: only their jobs are completed.
   * Another's job (a later claim won: a redelivery, or this job handed out again after it
   * expired) is left to whoever holds it.
   */
  private async writeSuccesses(tenantId: string, items: SuccessRecord[]): Promise<string[]> {
    const ctx = new RequestContext(this.app, { tenantId, keyId: "system:webhooks", scopes: ["read", "write"] });
    try {
      const em = await ctx.db();
      const recorded: Array<{ id: string }> = await em.query(
        `WITH attempts AS (
           INSERT INTO webhook_delivery_attempts (tenant_id, delivery_id, attempt, attempted_at, http_status, latency_ms)
           SELECT $1, * FROM unnest($2::uuid[], $3::int[], $4::timestamptz[], $5::int[], $6::int[])),
         deliveries AS (
           UPDATE webhook_deliveries d SET status = 'SUCCEEDED', delivered_at = now()
             FROM unnest($2::uuid[], $3::int[]) AS t(id, attempt)
            WHERE d.tenant_id = $1 AND d.id = t.id AND d.attempts = t.attempt AND d.status = 'PENDING'
           RETURNING d.id),
         -- At most once a minute on a healthy endpoint: every success would otherwise queue on its row's lock.
         subscriptions AS (
           UPDATE webhook_subscriptions SET failing_since = NULL, last_succeeded_at = now()
            WHERE tenant_id = $1 AND id = ANY($7::uuid[])
              AND (failing_since IS NOT NULL OR last_succeeded_at IS NULL OR last_succeeded_at < now() - interval '1 minute'))
         SELECT id FROM deliveries`,
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
      return recorded.map((r) => r.id);
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
    let fenced: number;
    try {
      const em = await ctx.db();
      await em.query(
        `INSERT INTO webhook_delivery_attempts (tenant_id, delivery_id, attempt, attempted_at, http_status, latency_ms, error)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [row.tenant_id, row.id, row.attempts, attemptedAt, result.status, result.latencyMs, result.error],
      );
      const givenUp = attemptedAt.getTime() - new Date(row.retry_since).getTime() >= giveUpMs;
      const next = new Date(attemptedAt.getTime() + retryDelayMs(c.retrySeconds, row.attempts, Math.random()));
      [, fenced] = await em.query(
        `UPDATE webhook_deliveries SET status = $4, next_attempt_at = $5
          WHERE tenant_id = $1 AND id = $2 AND attempts = $3 AND status = 'PENDING'`,
        [row.tenant_id, row.id, row.attempts, givenUp ? "FAILED" : "PENDING", next],
      );
      // The retry is a job of its own, due at the schedule's time (none if a later claim won).
      if (fenced === 1 && !givenUp)
        await enqueueDeliveries(ctx, [{ id: row.id, attempt: row.attempts, startAfter: next }]);
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
    if (fenced === 1) await this.complete([row.job_id]);
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

  /** Jobs waiting in pg-boss's queue, every process's (the queue-depth gauge): due now or scheduled for a retry. */
  async queueDepth(): Promise<number> {
    return this.boss.getQueueSize(WEBHOOK_QUEUE);
  }

  /** Stops claiming and waits for the attempts in flight (each ends within the timeout). */
  async close(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    while (this.pumping || this.running.size > 0) await Promise.all([this.pumping, ...this.running]);
    this.transport.close();
    await this.boss.stop({ graceful: false, close: false, wait: true });
  }
}
