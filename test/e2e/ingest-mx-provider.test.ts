import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDnsServer, type TestDnsServer } from "../support/dns-server";
import { ok, type Gql } from "../support/graphql-client";
import { createSendingSetup } from "../support/fixtures";
import { startTestApp, type TestApp } from "../support/test-app";

// A custom recipient domain hosted by Google Workspace or Microsoft 365 counts under GMAIL or
// MICROSOFT, from its MX hosts on a real (loopback) DNS server, for sends and bounces alike.

let dns: TestDnsServer;
let app: TestApp;
let gql: Gql;

beforeAll(async () => {
  dns = await startDnsServer({
    "workspace-customer.test": [{ type: "MX", priority: 1, exchange: "aspmx.l.google.com" }],
    "o365-customer.test": [{ type: "MX", priority: 0, exchange: "o365-customer-test.mail.protection.outlook.com" }],
    "selfhosted.test": [{ type: "MX", priority: 10, exchange: "mx.selfhosted.test" }],
  });
  Object.assign(process.env, {
    REBOUND_DNS_SERVERS: dns.address,
    REBOUND_DNS_TIMEOUT_MS: "500",
    REBOUND_DNS_TRIES: "1",
    REBOUND_AUDIT_INTERVAL_MINUTES: "0",
  });
  app = await startTestApp("mxprovider");
  ({ gql } = await app.newTenant("mx"));
});
afterAll(async () => {
  await app?.close();
  await dns?.close();
});

describe("recipient provider of custom domains", () => {
  it("comes from the domain's MX hosts for recorded sends and ingested bounces", async () => {
    const setup = await createSendingSetup(gql, "mx-sender.example");
    const sends = ok(
      await gql(
        `mutation($input: RecordSendsInput!) { recordSends(input: $input) { recorded byProvider { provider count } userErrors { code } } }`,
        {
          input: {
            campaignId: setup.campaignId,
            inboxId: setup.inboxId,
            recipients: ["a@workspace-customer.test", "b@o365-customer.test", "c@selfhosted.test", "d@gmail.com"],
          },
        },
      ),
      "recordSends",
    );
    const counts = Object.fromEntries(
      sends.byProvider.map((p: { provider: string; count: number }) => [p.provider, p.count]),
    );
    expect(counts).toEqual({ GMAIL: 2, MICROSOFT: 1, OTHER: 1 });

    const res = ok(
      await gql(
        `mutation($input: IngestBouncesInput!) { ingestBounces(input: $input) { events { recipient recipientProvider } userErrors { code } } }`,
        {
          input: {
            events: [
              {
                recipient: "a@workspace-customer.test",
                campaignId: setup.campaignId,
                smtpResponse: "550 5.1.1 The email account that you tried to reach does not exist.",
              },
              {
                recipient: "b@o365-customer.test",
                campaignId: setup.campaignId,
                smtpResponse: "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup",
              },
            ],
          },
        },
      ),
      "ingestBounces",
    );
    expect(res.events.map((e: { recipientProvider: string }) => e.recipientProvider)).toEqual(["GMAIL", "MICROSOFT"]);
    const gmail = ok(
      await gql(`query($c: ID!) { campaign(id: $c) { benchmarks { provider sent hardBounces } } }`, {
        c: setup.campaignId,
      }),
    ).campaign.benchmarks.find((b: { provider: string }) => b.provider === "GMAIL");
    expect(gmail).toMatchObject({ sent: 2, hardBounces: 1 });
  });
});
