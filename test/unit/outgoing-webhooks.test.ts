import { describe, expect, it } from "vitest";
import { Webhook } from "standardwebhooks";
import { ConfigError, loadConfig } from "../../src/app/config";
import {
  DEFAULT_RETRY_SECONDS,
  addressClass,
  retryDelayMs,
  verdictOf,
  webhookBody,
} from "../../src/core/outgoing-webhooks";
import { decryptSecret, encryptSecret, newSigningSecret } from "../../src/modules/webhook-subscription/webhook-secret";
import { signatureHeader } from "../../src/modules/webhook-subscription";

// The pure rules of outgoing webhooks and the pieces around them: the retry schedule, what an
// answer means, address classes, secrets at rest, the signature header, the configuration.

describe("retry schedule", () => {
  it("follows 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, then 10 h again, within ±20 %", () => {
    const expected = [5, 300, 1800, 7200, 18000, 36000, 36000, 36000];
    expected.forEach((seconds, i) => {
      expect(retryDelayMs(DEFAULT_RETRY_SECONDS, i + 1, 0)).toBe(seconds * 800);
      expect(retryDelayMs(DEFAULT_RETRY_SECONDS, i + 1, 0.5)).toBe(seconds * 1000);
      expect(retryDelayMs(DEFAULT_RETRY_SECONDS, i + 1, 0.999999)).toBeLessThanOrEqual(seconds * 1200);
    });
    // About three days of retries: the delays add up past 72 h at the 12th retry (13 attempts).
    let total = 0;
    let retries = 0;
    while (total < 72 * 3600) total += DEFAULT_RETRY_SECONDS[Math.min(retries++, DEFAULT_RETRY_SECONDS.length - 1)];
    expect(retries).toBe(12);
  });
});

describe("answers", () => {
  it("2xx succeeds, 410 disables, everything else (3xx included, no answer) is retried", () => {
    expect([200, 201, 204, 299].map(verdictOf)).toEqual(["SUCCEEDED", "SUCCEEDED", "SUCCEEDED", "SUCCEEDED"]);
    expect(verdictOf(410)).toBe("GONE");
    expect([301, 302, 307, 400, 404, 429, 500, 503, null].map(verdictOf).every((v) => v === "RETRY")).toBe(true);
  });
});

describe("address classes", () => {
  it("knows metadata, link-local, private and public addresses, in IPv4-mapped form too", () => {
    expect(addressClass("169.254.169.254")).toBe("metadata");
    expect(addressClass("[::ffff:169.254.169.254]")).toBe("metadata");
    expect(addressClass("fe80::1")).toBe("metadata");
    expect(addressClass("fd00:ec2::254")).toBe("metadata");
    expect(addressClass("0.0.0.0")).toBe("metadata");
    expect(addressClass("127.0.0.1")).toBe("private");
    expect(addressClass("::1")).toBe("private");
    expect(addressClass("172.31.255.255")).toBe("private");
    expect(addressClass("172.32.0.1")).toBeNull();
    expect(addressClass("8.8.8.8")).toBeNull();
    expect(addressClass("2606:4700::1111")).toBeNull();
    expect(addressClass("hooks.example.com")).toBeNull();
  });
});

describe("secrets and signatures", () => {
  it("stores secrets encrypted, readable only with the same key", () => {
    const secret = newSigningSecret();
    const stored = encryptSecret(secret, "k1");
    expect(stored).not.toContain(secret.slice(6));
    expect(decryptSecret(stored, "k1")).toBe(secret);
    expect(() => decryptSecret(stored, "k2")).toThrow();
    expect(encryptSecret(secret, "k1")).not.toBe(stored);
  });

  it("signs with every secret given, each verifying alone with Webhook.verify", () => {
    const [a, b] = [newSigningSecret(), newSigningSecret()];
    const now = new Date();
    const body = webhookBody("BOUNCE_RECEIVED", now, { id: "x", recipient: "a@b.example" });
    expect(JSON.parse(body)).toEqual({
      type: "bounce.received",
      timestamp: now.toISOString(),
      data: { id: "x", recipient: "a@b.example" },
    });
    const signature = signatureHeader([a, b], "msg_1", now, body);
    expect(signature).toMatch(/^v1,[A-Za-z0-9+/=]+ v1,[A-Za-z0-9+/=]+$/);
    const headers = {
      "webhook-id": "msg_1",
      "webhook-timestamp": String(Math.floor(now.getTime() / 1000)),
      "webhook-signature": signature,
    };
    for (const secret of [a, b]) expect(new Webhook(secret).verify(body, headers)).toBeTruthy();
    expect(() => new Webhook(newSigningSecret()).verify(body, headers)).toThrow();
    expect(() => new Webhook(a).verify(body.replace("a@b", "c@d"), headers)).toThrow();
  });
});

describe("configuration", () => {
  it("has safe defaults and refuses bad values by name", () => {
    expect(loadConfig({}).webhooks).toEqual({
      allowPrivate: false,
      secretKey: "",
      workers: 64,
      timeoutMs: 10_000,
      pollMs: 1_000,
      leaseSeconds: 60,
      retrySeconds: [5, 300, 1800, 7200, 18000, 36000],
      giveUpHours: 72,
    });
    expect(loadConfig({ REBOUND_WEBHOOK_RETRY_SECONDS: "0.5, 2" }).webhooks.retrySeconds).toEqual([0.5, 2]);
    expect(() => loadConfig({ REBOUND_WEBHOOK_ALLOW_PRIVATE: "yes" })).toThrow(/REBOUND_WEBHOOK_ALLOW_PRIVATE/);
    expect(() => loadConfig({ REBOUND_WEBHOOK_RETRY_SECONDS: "5,soon" })).toThrow(ConfigError);
    expect(() => loadConfig({ REBOUND_WEBHOOK_RETRY_SECONDS: "" })).toThrow(/REBOUND_WEBHOOK_RETRY_SECONDS/);
    expect(() => loadConfig({ REBOUND_WEBHOOK_GIVE_UP_HOURS: "0" })).toThrow(/REBOUND_WEBHOOK_GIVE_UP_HOURS/);
  });
});
