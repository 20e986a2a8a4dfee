import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSendingSetup, ingest } from "../support/fixtures";
import { ok, type Gql } from "../support/graphql-client";
import { startTestApp, type TestApp } from "../support/test-app";

// Ingestion never suppresses the tenant's own inboxes or addresses on its sending domains,
// whatever a bounce says about them; other recipients of the same batch are suppressed.

let app: TestApp;
let gql: Gql;
let campaignId: string;
beforeAll(async () => {
  app = await startTestApp("ownmail");
  ({ gql } = await app.newTenant());
  ({ campaignId } = await createSendingSetup(gql, "mail.ownco.example"));
});
afterAll(() => app.close());

describe("the tenant's own mail", () => {
  it("is stored as bounced but never suppressed; real recipients in the same batch are", async () => {
    const unknown = "550 5.1.1 The email account that you tried to reach does not exist.";
    const result = await ingest(gql, [
      { recipient: "sender@mail.ownco.example", campaignId, smtpResponse: unknown, eventKey: "own-1" },
      { recipient: "colleague@mail.ownco.example", campaignId, smtpResponse: unknown, eventKey: "own-2" },
      {
        recipient: "someone@nosuchhost.mail.ownco.example",
        campaignId,
        smtpResponse: "550 5.1.2 Host unknown: no such domain",
        eventKey: "own-3",
      },
      { recipient: "gone@gmail.com", campaignId, smtpResponse: unknown, eventKey: "own-4" },
    ]);
    expect(result.inserted).toBe(4);
    const suppressions = ok(
      await gql(`{ suppressions(first: 100) { edges { node { value reason } } } }`),
    ).suppressions.edges.map((e: { node: { value: string } }) => e.node.value);
    expect(suppressions).toEqual(["gone@gmail.com"]);
    const check = ok(
      await gql(`{ checkRecipients(addresses: ["sender@mail.ownco.example", "gone@gmail.com"]) { verdict } }`),
    );
    expect(check.checkRecipients.map((r: { verdict: string }) => r.verdict)).toEqual(["OK", "SUPPRESSED"]);
  });
});
