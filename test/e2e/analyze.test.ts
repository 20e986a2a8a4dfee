import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DAEMON_HEAD, dsnReport, message } from "../support/bounce.builders";
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

  // RFC 3464 §2.3.1: Original-Recipient is the address as the sender gave it, Final-Recipient
  // the one the reporting MTA tried to deliver to (after aliases and forwarding).
  it("names the address sent to (Original-Recipient) beside the final one, null when the DSN gives none", async () => {
    const raw = dsnReport({
      notice: "Delivery to the following recipients failed.",
      recipients: [
        [
          "Original-Recipient: rfc822;sales@receiver.example",
          "Final-Recipient: rfc822;jane.doe@mailhost.receiver.example",
          "Action: failed",
          "Status: 5.1.1",
          "Diagnostic-Code: smtp; 550 5.1.1 <jane.doe@mailhost.receiver.example>: user unknown",
        ],
        [
          "Final-Recipient: rfc822;bob@receiver.example",
          "Action: failed",
          "Status: 5.1.1",
          "Diagnostic-Code: smtp; 550 5.1.1 <bob@receiver.example>: user unknown",
        ],
      ],
    });
    const res = ok(
      await gql(
        `query($raw: String!) { analyzeBounce(raw: $raw) { truncated diagnoses { recipient originalRecipient } } }`,
        {
          raw,
        },
      ),
    );
    expect(res.analyzeBounce.diagnoses).toEqual([
      { recipient: "jane.doe@mailhost.receiver.example", originalRecipient: "sales@receiver.example" },
      { recipient: "bob@receiver.example", originalRecipient: null },
    ]);
    expect(res.analyzeBounce.truncated).toBeNull();
    const reply = ok(
      await gql(
        `query { analyzeSmtpReply(text: "550 5.1.1 <x@receiver.example>: user unknown") { originalRecipient } }`,
      ),
    );
    expect(reply.analyzeSmtpReply.originalRecipient).toBeNull();
  });

  it("says which cap stopped the reading of a message (truncated), as each diagnosis's evidence does", async () => {
    const line = Array.from({ length: 300 }, (_, i) => `<r${i}@receiver.example>`).join(" ");
    const raw = message(DAEMON_HEAD, `Delivery to these recipients failed: ${line}\n550 5.1.1 user unknown\n`);
    const res = ok(
      await gql(`query($raw: String!) { analyzeBounce(raw: $raw) { truncated diagnoses { evidence } } }`, { raw }),
    );
    const a = res.analyzeBounce;
    expect(a.truncated).toEqual([expect.stringMatching(/notice line 1: only its first 200 addresses were read/)]);
    expect(a.diagnoses.length).toBeGreaterThan(0);
    for (const d of a.diagnoses) expect(d.evidence).toEqual(expect.arrayContaining(a.truncated));
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

  // GraphQL strings are decoded text: "é" arrives as one character, not as the bytes of any
  // charset. A message pasted with accented words must read back with the same words,
  // whatever characters it holds (Latin-1 range only, or beyond it).
  it.each([
    ["Latin-1 range only", "Adresse électronique inconnue, réessayez plus tard."],
    ["beyond Latin-1", "Adresse électronique inconnue — réessayez plus tard."],
  ])("keeps non-ASCII words of a UTF-8 message intact (%s)", async (_case, words) => {
    const raw = message(
      [
        ...DAEMON_HEAD,
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=utf-8",
        "Content-Transfer-Encoding: 8bit",
      ],
      `This is the mail system.\n\n<lea@example.net>: host mx.example.net[192.0.2.1] said: 550 5.1.1 ${words} (in reply to RCPT TO command)\n`,
    );
    const res = ok(
      await gql(`query($raw: String!) { analyzeBounce(raw: $raw) { diagnoses { recipient diagnosticCode } } }`, {
        raw,
      }),
    );
    expect(res.analyzeBounce.diagnoses[0].diagnosticCode).toContain(words);
  });
});
