import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ok, type Gql } from "../support/graphql-client";
import { startTestApp, type TestApp } from "../support/test-app";

// The classifier's GraphQL faces: stateless (nothing is stored), every field typed.

let app: TestApp;
let gql: Gql;

beforeAll(async () => {
  app = await startTestApp("analyze");
  ({ gql } = await app.newTenant("analyze"));
});
afterAll(() => app?.close());

const FIELDS = `recipient recipientDomain recipientProvider replyCode status bounceType reason hardBounce fault variant likelyCause firstAction diagnosticCode remoteMta reportingMta authResults { spf dkim dmarc } feedbackType evidence ruleVersion`;

describe("analyzeSmtpReply", () => {
  it("tells a bad address from a sender problem", async () => {
    const res = ok(
      await gql(`query {
      unknown: analyzeSmtpReply(text: "550 5.1.1 <jane@gmail.com>: Recipient address rejected: User unknown in virtual mailbox table") { ${FIELDS} }
      policy: analyzeSmtpReply(text: "550 5.7.1 Message rejected due to local policy: access denied", recipient: "bob@outlook.com") { ${FIELDS} }
    }`),
    );
    expect(res.unknown).toMatchObject({
      recipient: "jane@gmail.com",
      recipientProvider: "GMAIL",
      replyCode: 550,
      status: "5.1.1",
      bounceType: "HARD",
      reason: "USERUNKNOWN",
      hardBounce: true,
      fault: "RECIPIENT_ADDRESS",
      variant: "USER_UNKNOWN",
    });
    expect(res.policy).toMatchObject({
      recipient: "bob@outlook.com",
      recipientProvider: "MICROSOFT",
      status: "5.7.1",
      bounceType: "HARD",
      hardBounce: false,
      variant: "ACCESS_DENIED",
    });
    expect(res.policy.fault).toMatch(/^SENDER_|POLICY/);
    expect(res.unknown.firstAction.length).toBeGreaterThan(10);
  });
});

describe("analyzeBounce", () => {
  it("reads a whole DSN message and stores nothing", async () => {
    const raw = readFileSync(resolve(__dirname, "../fixtures/bounces/postfix-dsn-user-unknown.eml"), "utf8");
    const res = ok(
      await gql(`query($raw: String!) { analyzeBounce(raw: $raw) { kind messageId error diagnoses { ${FIELDS} } } }`, {
        raw,
      }),
    );
    expect(res.analyzeBounce.kind).toBe("BOUNCE");
    expect(res.analyzeBounce.diagnoses.length).toBeGreaterThan(0);
    expect(res.analyzeBounce.diagnoses[0]).toMatchObject({ reason: "USERUNKNOWN", hardBounce: true });
    expect(ok(await gql(`{ bounceEvents(first: 10) { edges { node { id } } } }`)).bounceEvents.edges).toEqual([]);
  });

  it("answers junk with an explanation, not an error", async () => {
    const res = ok(
      await gql(`query { analyzeBounce(raw: "\\u0001\\u0002 not a message") { kind diagnoses { reason } error } }`),
    );
    expect(res.analyzeBounce.diagnoses).toEqual([]);
    expect(res.analyzeBounce.error).toBeTruthy();
    // NUL is refused at the edge (the input wall), before any resolver: a coded 4xx.
    const nul = await gql(`query { analyzeBounce(raw: "\\u0000 not a message") { kind } }`);
    expect(nul.status).toBe(400);
    expect(nul.errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
  });
});
