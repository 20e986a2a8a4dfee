// Outgoing webhooks are safe by default: a URL must be https and may not name a private,
// loopback, link-local or metadata address; a host name is checked again against the
// address it resolves to when the connection is made (so DNS rebinding cannot get around
// it); redirects are not followed. REBOUND_WEBHOOK_ALLOW_PRIVATE=1 allows http and private
// addresses, never link-local or metadata ones. Names resolve through a DNS server on
// loopback (REBOUND_DNS_SERVERS).

import "reflect-metadata";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkWebhookUrl } from "../../src/core/outgoing-webhooks";
import { startDnsServer, testDnsEnv, type TestDnsServer } from "../support/dns-server";
import { ok, type Gql } from "../support/graphql-client";
import { startTestApp, type TestApp } from "../support/test-app";
import { startWebhookReceiver, type WebhookReceiver } from "../support/webhook-receiver";
import { createSetup, type Setup } from "./ingest-support";

const CREATE = `mutation($input: CreateWebhookSubscriptionInput!) { createWebhookSubscription(input: $input) {
  webhookSubscription { id } secret userErrors { field message code } } }`;
const INGEST = `mutation($input: IngestBouncesInput!) { ingestBounces(input: $input) { inserted userErrors { code message } } }`;
const ATTEMPTS = `query($id: ID!) { node(id: $id) { ... on WebhookSubscription {
  deliveries(first: 10) { edges { node { status attempts { httpStatus error } } } } } } }`;

let dns: TestDnsServer;
let strict: TestApp;
let relaxed: TestApp;
let strictGql: Gql;
let relaxedGql: Gql;
let strictSetup: Setup;
let relaxedSetup: Setup;
let seq = 0;

beforeAll(async () => {
  dns = await startDnsServer({
    "hooks.internal.example": [{ type: "A", data: "10.0.0.1" }],
    "rebind.internal.example": [{ type: "A", data: "127.0.0.1" }],
    "metadata.internal.example": [{ type: "A", data: "169.254.169.254" }],
  });
  const env = {
    ...testDnsEnv(dns),
    REBOUND_WEBHOOK_RETRY_SECONDS: "0.2",
    REBOUND_WEBHOOK_POLL_MS: "100",
    REBOUND_WEBHOOK_WORKERS: "16",
  };
  strict = await startTestApp("webhooks_strict", env);
  relaxed = await startTestApp("webhooks_relaxed", { ...env, REBOUND_WEBHOOK_ALLOW_PRIVATE: "1" });
  strictGql = (await strict.newTenant("strict")).gql;
  relaxedGql = (await relaxed.newTenant("relaxed")).gql;
  strictSetup = await createSetup(strictGql, "strict");
  relaxedSetup = await createSetup(relaxedGql, "relaxed");
}, 90_000);
afterAll(async () => {
  await strict?.close();
  await relaxed?.close();
  await dns?.close();
});

const create = async (gql: Gql, url: string) =>
  (await gql(CREATE, { input: { url, events: ["BOUNCE_RECEIVED"] } })).data.createWebhookSubscription;

async function attemptsAfterIngest(gql: Gql, setup: Setup, subscriptionId: string) {
  ok(
    await gql(INGEST, {
      input: {
        events: [
          {
            recipient: `safety${++seq}@acme.example`,
            campaignId: setup.campaignId,
            smtpResponse: "550 5.1.1 User unknown",
            eventKey: `safety-${process.pid}-${seq}`,
          },
        ],
      },
    }),
    "ingestBounces",
  );
  const started = Date.now();
  for (;;) {
    const edges = ok(await gql(ATTEMPTS, { id: subscriptionId })).node.deliveries.edges;
    const attempts = edges.flatMap((e: any) => e.node.attempts);
    if (attempts.length > 0) return { attempts, status: edges[0].node.status };
    if (Date.now() - started > 10_000) throw new Error("no attempt was recorded");
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("without REBOUND_WEBHOOK_ALLOW_PRIVATE", () => {
  it.each([
    ["http://127.0.0.1/hooks", "INSECURE_URL"],
    ["https://127.0.0.1/hooks", "PRIVATE_ADDRESS"],
    ["http://169.254.169.254/latest/meta-data", "INSECURE_URL"],
    ["https://169.254.169.254/latest/meta-data", "PRIVATE_ADDRESS"],
    ["http://[::1]/hooks", "INSECURE_URL"],
    ["https://[::1]/hooks", "PRIVATE_ADDRESS"],
    ["https://[::ffff:127.0.0.1]/hooks", "PRIVATE_ADDRESS"],
    ["https://10.0.0.1/hooks", "PRIVATE_ADDRESS"],
    ["https://192.168.1.10/hooks", "PRIVATE_ADDRESS"],
    ["https://localhost/hooks", "PRIVATE_ADDRESS"],
    ["https://user:pass@example.com/hooks", "INVALID_URL"],
    ["not a url", "INVALID_URL"],
  ])("refuses %s at creation (%s)", async (url, code) => {
    const r = await create(strictGql, url);
    expect(r.webhookSubscription).toBeNull();
    expect(r.secret).toBeNull();
    expect(r.userErrors).toEqual([expect.objectContaining({ code, field: ["input", "url"] })]);
  });

  it("refuses a host name that resolves to 10.0.0.1, at connect time", async () => {
    const r = await create(strictGql, "https://hooks.internal.example/hooks");
    expect(r.userErrors).toEqual([]);
    const { attempts, status } = await attemptsAfterIngest(strictGql, strictSetup, r.webhookSubscription.id);
    expect(status).toBe("PENDING");
    expect(attempts[0].httpStatus).toBeNull();
    expect(attempts[0].error).toMatch(/10\.0\.0\.1.*not allowed.*private/i);
  });

  it("refuses a host name that resolves to loopback (DNS rebinding), at connect time", async () => {
    const receiver = await startWebhookReceiver();
    try {
      const r = await create(strictGql, `https://rebind.internal.example:${receiver.port}/hooks`);
      expect(r.userErrors).toEqual([]);
      const { attempts } = await attemptsAfterIngest(strictGql, strictSetup, r.webhookSubscription.id);
      expect(attempts[0].error).toMatch(/127\.0\.0\.1.*not allowed/);
      expect(receiver.requests).toEqual([]);
    } finally {
      await receiver.close();
    }
  });
});

describe("with REBOUND_WEBHOOK_ALLOW_PRIVATE=1", () => {
  it.each([
    "http://169.254.169.254/latest/meta-data",
    "https://169.254.169.254/",
    "http://[fe80::1]/hooks",
    "http://[fd00:ec2::254]/",
    "http://[::ffff:169.254.169.254]/",
  ])("still refuses %s at creation", async (url) => {
    const r = await create(relaxedGql, url);
    expect(r.webhookSubscription).toBeNull();
    expect(r.userErrors).toEqual([expect.objectContaining({ code: "PRIVATE_ADDRESS" })]);
  });

  it("allows http to loopback", async () => {
    const r = await create(relaxedGql, "http://127.0.0.1:9/hooks");
    expect(r.userErrors).toEqual([]);
  });

  it("refuses a host name that resolves to 169.254.169.254, at connect time", async () => {
    const r = await create(relaxedGql, "http://metadata.internal.example/latest/meta-data");
    expect(r.userErrors).toEqual([]);
    const { attempts } = await attemptsAfterIngest(relaxedGql, relaxedSetup, r.webhookSubscription.id);
    expect(attempts[0].httpStatus).toBeNull();
    expect(attempts[0].error).toMatch(/169\.254\.169\.254.*refused/);
  });

  it("does not follow a redirect, even to an allowed address", async () => {
    const target = await startWebhookReceiver();
    const redirecting: WebhookReceiver = await startWebhookReceiver();
    try {
      redirecting.setMode({ kind: "status", status: 307, headers: { location: target.url } });
      const r = await create(relaxedGql, redirecting.url);
      const { attempts, status } = await attemptsAfterIngest(relaxedGql, relaxedSetup, r.webhookSubscription.id);
      expect(attempts[0].httpStatus).toBe(307);
      expect(status).toBe("PENDING");
      await new Promise((res) => setTimeout(res, 500));
      expect(target.requests).toEqual([]);
    } finally {
      await target.close();
      await redirecting.close();
    }
  });
});

describe("answers", () => {
  it("reads at most 64 KB of an answer: an endless body does not hold the attempt", async () => {
    let written = 0;
    const endless = createServer((req, res) => {
      req.resume();
      res.writeHead(200, { "content-type": "text/plain" });
      const chunk = Buffer.alloc(16 * 1024, 120);
      const pump = () => {
        while (!res.destroyed && res.write(chunk)) written += chunk.length;
        if (!res.destroyed) res.once("drain", pump);
      };
      pump();
    });
    await new Promise<void>((r) => endless.listen(0, "127.0.0.1", () => r()));
    try {
      const port = (endless.address() as AddressInfo).port;
      const r = await create(relaxedGql, `http://127.0.0.1:${port}/hooks`);
      const { attempts, status } = await attemptsAfterIngest(relaxedGql, relaxedSetup, r.webhookSubscription.id);
      expect(attempts[0].httpStatus).toBe(200);
      expect(attempts[0].error).toBeNull();
      expect(status).toBe("SUCCEEDED");
      // Cut off long before the 10 s timeout, and before the server wrote much past 64 KB.
      expect(written).toBeLessThan(16 * 1024 * 1024);
    } finally {
      endless.closeAllConnections();
      await new Promise<void>((r) => endless.close(() => r()));
    }
  });
});

describe("the URL rule (pure)", () => {
  it("names the same problems as the API, and knows IPv4-mapped and 6to4 forms", () => {
    expect(checkWebhookUrl("https://hooks.example.com/x", false)).toBeNull();
    expect(checkWebhookUrl("https://93.184.216.34/x", false)).toBeNull();
    expect(checkWebhookUrl("https://[2002:a00:1::]/x", false)?.code).toBe("PRIVATE_ADDRESS");
    expect(checkWebhookUrl("https://[::ffff:10.0.0.1]/x", false)?.code).toBe("PRIVATE_ADDRESS");
    expect(checkWebhookUrl("https://[::ffff:10.0.0.1]/x", true)).toBeNull();
    expect(checkWebhookUrl("https://100.100.100.200/x", true)?.code).toBe("PRIVATE_ADDRESS");
    expect(checkWebhookUrl("ftp://example.com/x", true)?.code).toBe("INSECURE_URL");
    expect(checkWebhookUrl(`https://example.com/${"a".repeat(2100)}`, false)?.code).toBe("INVALID_URL");
  });
});
