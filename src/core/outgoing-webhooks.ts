import { asSpfIp, ipInCidr, parseIp, type IpAddress } from "./dns/ip-address";

// Outgoing webhooks, the pure rules: the event vocabulary and its wire names, which URLs a
// subscription may name, the retry schedule, and what an answer from the receiver means.
// The shell (modules/webhook-subscription) stores, signs, sends and checks the socket.

export const WEBHOOK_EVENT_TYPES = [
  "BOUNCE_RECEIVED",
  "ALERT_RAISED",
  "CAMPAIGN_HEALTH_CHANGED",
  "SUPPRESSION_ADDED",
  "SUPPRESSION_REMOVED",
  "DOMAIN_AUTH_CHANGED",
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** The event of sendTestWebhook: never subscribed to, sent on request. */
export const WEBHOOK_TEST = "TEST" as const;
export type WebhookDeliveryType = WebhookEventType | typeof WEBHOOK_TEST;

/** The body's "type": Standard Webhooks' dotted, lower-case names. */
export const WEBHOOK_WIRE_NAMES: Record<WebhookDeliveryType, string> = {
  BOUNCE_RECEIVED: "bounce.received",
  ALERT_RAISED: "alert.raised",
  CAMPAIGN_HEALTH_CHANGED: "campaign.health_changed",
  SUPPRESSION_ADDED: "suppression.added",
  SUPPRESSION_REMOVED: "suppression.removed",
  DOMAIN_AUTH_CHANGED: "domain.auth_changed",
  TEST: "webhook.test",
};

/** The GraphQL type whose fields make each event's `data`. */
export const WEBHOOK_DATA_TYPES: Record<WebhookEventType, string> = {
  BOUNCE_RECEIVED: "BounceEvent",
  ALERT_RAISED: "Alert",
  CAMPAIGN_HEALTH_CHANGED: "Campaign",
  SUPPRESSION_ADDED: "Suppression",
  SUPPRESSION_REMOVED: "Suppression",
  DOMAIN_AUTH_CHANGED: "Domain",
};

/** The request body: { type, timestamp, data }, serialized once and signed as those bytes. */
export function webhookBody(type: WebhookDeliveryType, timestamp: Date, data: unknown): string {
  return JSON.stringify({ type: WEBHOOK_WIRE_NAMES[type], timestamp: timestamp.toISOString(), data });
}

// ---------------------------------------------------------------------------------------
// URLs

export const MAX_WEBHOOK_URL_LENGTH = 2048;

const cidr = (text: string): { network: IpAddress; prefix: number } => {
  const [ip, prefix] = text.split("/");
  return { network: parseIp(ip)!, prefix: Number(prefix) };
};

/** Never reachable, override or not: link-local (where cloud metadata services answer) and known metadata addresses. */
export const ALWAYS_REFUSED_RANGES = [
  "169.254.0.0/16",
  "fe80::/10",
  "fd00:ec2::254/128",
  "100.100.100.200/32",
  "0.0.0.0/8",
  "::/128",
];

/** Not on the public internet: refused unless REBOUND_WEBHOOK_ALLOW_PRIVATE=1. */
export const PRIVATE_RANGES = [
  "127.0.0.0/8",
  "10.0.0.0/8",
  "172.16.0.0/12",
  "192.168.0.0/16",
  "100.64.0.0/10",
  "192.0.0.0/24",
  "198.18.0.0/15",
  "224.0.0.0/4",
  "240.0.0.0/4",
  "::1/128",
  "fc00::/7",
  "ff00::/8",
];

const ALWAYS = ALWAYS_REFUSED_RANGES.map(cidr);
const PRIVATE = PRIVATE_RANGES.map(cidr);

/** "metadata" (never allowed), "private" (allowed by the override only) or null (public). */
export function addressClass(text: string): "metadata" | "private" | null {
  const parsed = parseIp(text.replace(/^\[|\]$/g, ""));
  if (!parsed) return null;
  const ip = asSpfIp(parsed);
  if (ALWAYS.some((r) => ipInCidr(ip, r.network, r.prefix))) return "metadata";
  if (PRIVATE.some((r) => ipInCidr(ip, r.network, r.prefix))) return "private";
  if (ip.version === 6 && ip.bytes[0] === 0x20 && ip.bytes[1] === 0x02) return "private"; // 6to4 hides an IPv4
  return null;
}

export type UrlProblem =
  | { code: "INVALID_URL"; message: string }
  | { code: "INSECURE_URL"; message: string }
  | { code: "PRIVATE_ADDRESS"; message: string };

/**
 * Whether a subscription may name this URL: https (http too with the override), no
 * credentials, and a host that is not a private, loopback, link-local or metadata address
 * (link-local and metadata stay refused with the override). A host name is checked again,
 * at connect time, against the address it resolves to.
 */
export function checkWebhookUrl(text: string, allowPrivate: boolean): UrlProblem | null {
  if (text.length > MAX_WEBHOOK_URL_LENGTH)
    return { code: "INVALID_URL", message: `The URL must be at most ${MAX_WEBHOOK_URL_LENGTH} characters.` };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { code: "INVALID_URL", message: "Not an absolute URL." };
  }
  if (url.protocol !== "https:" && !(allowPrivate && url.protocol === "http:"))
    return { code: "INSECURE_URL", message: "The URL must use https." };
  if (url.username || url.password)
    return { code: "INVALID_URL", message: "The URL must not carry a user name or password." };
  const host = url.hostname.toLowerCase();
  const kind = addressClass(host);
  if (kind === "metadata")
    return { code: "PRIVATE_ADDRESS", message: "Link-local and cloud metadata addresses are never allowed." };
  const local = host === "localhost" || host.endsWith(".localhost");
  if (!allowPrivate && (kind === "private" || local))
    return { code: "PRIVATE_ADDRESS", message: "Private and loopback addresses are not allowed." };
  return null;
}

// ---------------------------------------------------------------------------------------
// Retries

/** Seconds before each retry (the last repeats): 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h... */
export const DEFAULT_RETRY_SECONDS = [5, 300, 1800, 7200, 18000, 36000];

/**
 * Delay before the attempt after `attempt` (1-based) failed: the schedule's entry, spread by
 * ±20 % so that receivers coming back are not hit by every retry at once. `random` is in [0, 1).
 */
export function retryDelayMs(schedule: readonly number[], attempt: number, random: number): number {
  const base = schedule[Math.min(Math.max(attempt, 1), schedule.length) - 1] * 1000;
  return Math.round(base * (0.8 + 0.4 * random));
}

/** What one attempt's outcome means for the delivery and its endpoint. */
export type AttemptVerdict = "SUCCEEDED" | "RETRY" | "GONE";

/** 2xx is success; 410 Gone disables the endpoint; anything else (or no answer) is retried. */
export function verdictOf(status: number | null): AttemptVerdict {
  if (status !== null && status >= 200 && status < 300) return "SUCCEEDED";
  if (status === 410) return "GONE";
  return "RETRY";
}
