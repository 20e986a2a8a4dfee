// Rule families ported from Sisimai's Lhost and Reason modules (BSD 2-Clause, see
// src/core/bounce/LICENSE-sisimai.txt), each specified on a message written for the test
// (test/fixtures/bounces). Rules key on wording, status codes, the SMTP stage and the
// MTA's header signature, never on a sample.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyzeMessage, analyzeSmtpReply } from "../../src/core/bounce";
import { findCommand } from "../../src/core/bounce/smtp-reply";
import { LiteralMatcher } from "../../src/core/bounce/literal-matcher";

const fixture = (name: string) => readFileSync(join(__dirname, "../fixtures/bounces", name));
const only = (name: string) => {
  const a = analyzeMessage(fixture(name));
  expect(a.error).toBeNull();
  expect(a.diagnoses).toHaveLength(1);
  return a.diagnoses[0];
};

describe("null MX: a domain that accepts no mail is a permanent, address-level failure", () => {
  it("qmail's 'couldn't find a mail exchanger or IP address' (notqmail on a null MX) is notaccept, hard", () => {
    const d = only("qmail-null-mx.eml");
    expect(d).toMatchObject({
      recipient: "reader@nomail.example",
      reason: "notaccept",
      status: "5.4.4",
      hardBounce: true,
    });
  });
  it("OpenSMTPD's 'No MX found for domain' is notaccept and permanent even inside a delay report", () => {
    const d = only("opensmtpd-no-mx-delayed.eml");
    expect(d).toMatchObject({
      recipient: "reader@nullmx.example",
      reason: "notaccept",
      bounceType: "HARD",
      hardBounce: true,
    });
    expect(d.status?.[0]).toBe("5");
  });
});

describe("qmail: the stage named by 'Connected to ... but sender was rejected' yields to the server's words", () => {
  it("Yahoo's [TSS04] deferral is badreputation, not a rejected sender", () => {
    expect(only("qmail-yahoo-tss04.eml")).toMatchObject({ reason: "badreputation", replyCode: 421, hardBounce: false });
  });
  it("without more specific words the stage decides: rejected", () => {
    expect(only("qmail-sender-rejected.eml")).toMatchObject({ reason: "rejected", hardBounce: false });
  });
});

describe("connection-stage refusals are blocked", () => {
  it("Exim's 'after initial connection' with a 5.7.1 is blocked, not a security error", () => {
    expect(only("exim-initial-connection.eml")).toMatchObject({
      reason: "blocked",
      status: "5.7.1",
      replyCode: 554,
      hardBounce: false,
    });
  });
  it("a bare 554 at the greeting is blocked", () => {
    const d = analyzeSmtpReply(
      "SMTP error from remote mail server after initial connection: 550 Access denied",
      "a@b.example",
    );
    expect(d.reason).toBe("blocked");
  });
});

describe("SMTP stage wording", () => {
  it("'HELO=[192.0.2.5]' inside the text is a parameter, not a rejection at HELO", () => {
    expect(findCommand("550 Rejected: the message from HELO=[192.0.2.5] looks like spam")).toBeNull();
    expect(findCommand("Connected to 192.0.2.1 but my name was rejected. HELO")).toBe("EHLO");
    expect(only("imail-helo-parameter.eml").reason).toBe("spamdetected");
  });
  it("the latest command named in the session wins", () => {
    expect(findCommand(">>> MAIL FROM:<a@b> <<< 250 ok >>> RCPT TO:<c@d> <<< 550 unknown")).toBe("RCPT");
    expect(findCommand("SMTP error from remote mail server after end of data")).toBe("DATA");
    expect(findCommand("in reply to RCPT TO command")).toBe("RCPT");
  });
});

describe("status codes that outrank the notice's history", () => {
  it("4.4.7 with no server reply is expired, whatever earlier attempts met (Sendmail)", () => {
    expect(only("sendmail-expired-no-reply.eml")).toMatchObject({ reason: "expired", status: "4.4.7" });
  });
});

describe("per-MTA wording tables, gated on the MTA's signature", () => {
  it("Amazon SES receiving rules: 'Mailbox does not exist' is the recipient's filter (X-SES-Outgoing)", () => {
    expect(only("receivingses-mailbox-does-not-exist.eml")).toMatchObject({ reason: "filtered", hardBounce: false });
  });
  it("Facebook's RCP-P2 (recipient preferences) is filtered", () => {
    expect(only("facebook-rcp-p2.eml")).toMatchObject({ reason: "filtered", hardBounce: false });
  });
  it("amavisd-new's ' - INFECTED' is virusdetected", () => {
    expect(only("amavis-infected.eml").reason).toBe("virusdetected");
  });
  it("Exchange's QUEUE.Expired token is expired", () => {
    expect(only("exchange-queue-expired.eml").reason).toBe("expired");
  });
});

describe("phrase tables", () => {
  it("'Connection rate limit exceeded' is too many connections, not a sending-rate limit", () => {
    expect(analyzeSmtpReply("452 4.3.2 Connection rate limit exceeded.", "a@b.example").reason).toBe("toomanyconn");
    expect(analyzeSmtpReply("450 4.7.1 Rate limit exceeded, please try again slower", "a@b.example").reason).toBe(
      "speeding",
    );
  });
  it("a duplicate header is a content error", () => {
    expect(analyzeSmtpReply("554 Transaction failed: Duplicate header 'DKIM-Signature'.", "a@b.example").reason).toBe(
      "contenterror",
    );
  });
});

describe("LiteralMatcher (one pass for every fragment)", () => {
  const m = new LiteralMatcher(["he", "she", "his", "hers", "user unknown"]);
  it("reports every occurrence with its start, overlapping ones included, folding ASCII case", () => {
    const hits: Array<[string, number]> = [];
    m.scan("USHERS: User Unknown", (id, start) => hits.push([m.phrases[id], start]));
    expect(hits).toEqual([
      ["she", 1],
      ["he", 2],
      ["hers", 2],
      ["user unknown", 8],
    ]);
  });
  it("finds nothing in text without the fragments, and handles characters outside their alphabet", () => {
    expect(m.present("日本語 — ∅")).toEqual([]);
    expect(new LiteralMatcher(["ディレクトリ"]).present("Domino ディレクトリには")).toEqual([0]);
  });
});

describe("Sendmail's session transcript", () => {
  it("the whole multi-line reply is the server's words, not the first line the Diagnostic-Code keeps", () => {
    const d = only("sendmail-transcript-multiline.eml");
    expect(d.diagnosticCode).toContain("authentication checks");
    expect(d).toMatchObject({ reason: "authfailure", status: "5.7.1", replyCode: 550 });
  });
  it("a Diagnostic-Code that is only an exit code gives way to the MTA's status line", () => {
    expect(only("sendmail-exit-code.eml")).toMatchObject({ reason: "mailererror", status: "5.3.0", replyCode: 554 });
  });
  it("a reply before any command was sent (no '>>>' line) is a refusal at the greeting: blocked", () => {
    expect(only("sendmail-reply-before-commands.eml")).toMatchObject({ reason: "blocked", replyCode: 554 });
  });
});

describe("Gmail's relay states", () => {
  it("'(state 6).' is a system error on the remote side", () => {
    expect(only("gmail-relay-state.eml")).toMatchObject({
      recipient: "reader@old-relay.example",
      reason: "systemerror",
      replyCode: 500,
    });
  });
  it("a specific status code in the reply names the reason instead of the state", () => {
    expect(only("gmail-relay-state-status.eml")).toMatchObject({ reason: "mailboxfull", status: "5.2.2" });
  });
});

describe("reply and status codes as providers write them", () => {
  it("Microsoft's three-digit status details are status codes (5.7.509, 4.7.650), IP addresses and versions are not", async () => {
    const { findStatus, findReplyCode } = await import("../../src/core/bounce/smtp-reply");
    expect(findStatus("550 5.7.509 Access denied, sending domain does not pass DMARC verification")).toBe("5.7.509");
    expect(findStatus("451 4.7.650 The mail server has been temporarily rate limited")).toBe("4.7.650");
    expect(findStatus("550 5.2.121 Recipient's per hour message receive limit exceeded")).toBe("5.2.121");
    expect(findStatus("connect to 5.6.255.1 failed")).toBeNull();
    expect(findStatus("running 4.1.200 of the software")).toBeNull();
    expect(findReplyCode("<a@b.example>: 550: : User unknown")).toBe("550");
    expect(findReplyCode("at 10:25:30 the server closed")).toBeNull();
  });
});
