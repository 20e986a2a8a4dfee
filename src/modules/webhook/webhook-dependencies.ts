import type { App } from "../../platform/context";
import { memoizeCertificateFetcher, type CertificateFetcher } from "../../core/webhooks";
import { ReplayCache, MAILGUN_DEFAULT_TOLERANCE_MS } from "../../core/webhooks/mailgun-signature";

// What the webhook routes reach outside the process for, and their clock: replaceable per
// App, so tests (which have no internet) inject their own certificate server and SNS
// confirmation fetcher. Production defaults use the global fetch with short timeouts.

export interface WebhookDependencies {
  /** Fetches an SNS signing certificate (PEM) from an already-checked SNS URL. */
  fetchCertificate: CertificateFetcher;
  /** GETs an SNS SubscribeURL (already checked to be on an SNS host) to confirm a subscription. */
  httpGet: (url: string) => Promise<{ status: number }>;
  now: () => Date;
  /** Per-process first line against Mailgun token replays; the durable guard is in the database. */
  mailgunReplayCache: ReplayCache;
  /** Largest webhook body accepted, in bytes; larger ones are answered 413 unread. */
  maxBodyBytes: number;
}

const TIMEOUT_MS = 5_000;

function defaults(app: App): WebhookDependencies {
  return {
    fetchCertificate: memoizeCertificateFetcher(async (url) => {
      const res = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS), redirect: "error" });
      if (!res.ok) throw new Error(`certificate fetch answered ${res.status}`);
      return res.text();
    }),
    httpGet: async (url) => {
      const res = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS), redirect: "error" });
      await res.arrayBuffer().catch(() => undefined);
      return { status: res.status };
    },
    now: () => new Date(),
    // Tokens are remembered at least as long as a signature stays fresh.
    mailgunReplayCache: new ReplayCache({ ttlMs: 2 * MAILGUN_DEFAULT_TOLERANCE_MS, maxEntries: 100_000 }),
    maxBodyBytes: Math.min(app.config.limits.maxIngestBodyBytes, 4 * 1024 * 1024),
  };
}

const byApp = new WeakMap<App, WebhookDependencies>();

/** The app's webhook dependencies (created on first use); assign fields to replace them. */
export function webhookDependencies(app: App): WebhookDependencies {
  let deps = byApp.get(app);
  if (!deps) byApp.set(app, (deps = defaults(app)));
  return deps;
}
