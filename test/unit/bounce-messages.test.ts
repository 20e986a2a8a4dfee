// Whole messages as they arrive at a bounce address → one diagnosis per failed recipient.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyzeMessage, splitMbox } from "../../src/core/bounce";

const fixture = (name: string) => readFileSync(join(__dirname, "../fixtures/bounces", name));

describe("an RFC 3464 delivery status notification", () => {
  const a = analyzeMessage(fixture("postfix-dsn-user-unknown.eml"));
  const d = a.diagnoses[0];

  it("yields one diagnosis for the failed recipient, read from Final-Recipient", () => {
    expect(a.kind).toBe("bounce");
    expect(a.error).toBeNull();
    expect(a.diagnoses).toHaveLength(1);
    expect(d.recipient).toBe("bob@receiver.example");
    expect(d.recipientDomain).toBe("receiver.example");
  });

  it("reads Status, reply code, Diagnostic-Code (folded), Remote-MTA, Reporting-MTA, Action and Last-Attempt-Date", () => {
    expect(d.status).toBe("5.1.1");
    expect(d.replyCode).toBe(550);
    expect(d.diagnosticCode).toContain("User unknown in virtual mailbox table");
    expect(d.remoteMta).toBe("mx.receiver.example");
    expect(d.reportingMta).toBe("mta.sender.example");
    expect(d.action).toBe("failed");
    expect(d.lastAttemptAt?.toISOString()).toBe("2026-11-01T12:00:01.000Z");
  });

  it("classifies a 5.1.1 user unknown as a hard bounce of a bad address", () => {
    expect(d.reason).toBe("userunknown");
    expect(d.bounceType).toBe("HARD");
    expect(d.hardBounce).toBe(true);
    expect(d.fault).toBe("RECIPIENT_ADDRESS");
    expect(d.variant).toBe("USER_UNKNOWN");
  });

  it("returns the original message headers so ingest can find the campaign", () => {
    expect(d.originalMessageId).toBe("campaign-42.7@sender.example");
    expect(d.originalHeaders["x-campaign-id"]).toBe("cmp_42");
  });

  it("says which rule decided and which rules version", () => {
    expect(d.evidence.join(" ")).toMatch(/5\.1\.1/);
    expect(d.ruleVersion).toMatch(/^\d{4}\.\d+\.\d+$/);
  });
});

describe("a plain-text MTA notice (qmail)", () => {
  const a = analyzeMessage(fixture("qmail-two-recipients.eml"));

  it("yields every recipient in the order the notice lists them", () => {
    expect(a.diagnoses.map((d) => d.recipient)).toEqual(["carol@receiver.example", "dave@receiver.example"]);
  });

  it("classifies each from its own block of the notice", () => {
    expect(a.diagnoses.map((d) => [d.reason, d.status, d.replyCode, d.hardBounce])).toEqual([
      ["userunknown", "5.1.1", 550, true],
      ["mailboxfull", "5.2.2", 552, false],
    ]);
  });
});

describe("an Exim notice in quoted-printable", () => {
  const d = analyzeMessage(fixture("quoted-printable-exim.eml")).diagnoses[0];

  it("decodes the soft line break before matching the blocklist wording", () => {
    expect(d.recipient).toBe("heidi@receiver.example");
    expect(d.diagnosticCode).toContain("zen.spamhaus.org");
    expect(d.reason).toBe("blocked");
  });

  it("never suppresses the recipient of a blocklist rejection: it is the sender's problem", () => {
    expect(d.hardBounce).toBe(false);
    expect(d.bounceType).toBe("HARD");
    expect(d.fault).toBe("SENDER_REPUTATION");
  });
});

describe("MIME edge cases", () => {
  it("reads a base64 delivery-status part nested in multipart/mixed, CRLF line ends, an ISO-2022-JP notice", () => {
    const a = analyzeMessage(fixture("nested-base64-iso2022jp-crlf.eml"));
    expect(a.error).toBeNull();
    expect(a.diagnoses).toHaveLength(1);
    expect(a.diagnoses[0]).toMatchObject({
      recipient: "grace@receiver.example",
      status: "5.2.2",
      reason: "mailboxfull",
      hardBounce: false,
    });
  });

  it("accepts the same message as bytes or as an already-decoded string", () => {
    const bytes = fixture("nested-base64-iso2022jp-crlf.eml");
    const fromString = analyzeMessage(bytes.toString("latin1"));
    expect(fromString.diagnoses[0].reason).toBe(analyzeMessage(bytes).diagnoses[0].reason);
  });

  it("splits an mbox file at its From_ lines, one message each", () => {
    const messages = splitMbox(fixture("mbox-two-messages.mbox"));
    expect(messages).toHaveLength(2);
    const results = messages.map((m) => analyzeMessage(m).diagnoses[0]);
    expect(results.map((d) => [d.recipient, d.reason])).toEqual([
      ["ivan@receiver.example", "userunknown"],
      ["judy@receiver.example", "mailboxfull"],
    ]);
  });

  it("treats a file that is not mbox as one message", () => {
    expect(splitMbox(fixture("vacation.eml"))).toHaveLength(1);
    expect(splitMbox("Subject: x\n\nFrom here on\n")).toHaveLength(1);
  });
});

describe("feedback loop reports (RFC 5965 ARF)", () => {
  const a = analyzeMessage(fixture("arf-abuse.eml"));
  it("yields reason feedback with the Feedback-Type for each Original-Rcpt-To", () => {
    expect(a.kind).toBe("feedback");
    expect(a.diagnoses).toHaveLength(1);
    expect(a.diagnoses[0]).toMatchObject({
      recipient: "erin@provider.example",
      reason: "feedback",
      feedbackType: "abuse",
      hardBounce: false,
    });
  });
});

describe("automatic replies (RFC 3834)", () => {
  const a = analyzeMessage(fixture("vacation.eml"));
  it("are reported as vacation for the replying address, never as a failure", () => {
    expect(a.kind).toBe("vacation");
    expect(a.diagnoses[0]).toMatchObject({
      recipient: "frank@receiver.example",
      reason: "vacation",
      hardBounce: false,
      bounceType: "UNDETERMINED",
    });
  });
});

describe("Amazon SES notifications in the mail body", () => {
  const a = analyzeMessage(fixture("ses-bounce-notification.eml"));
  it("are read from their JSON, classified from status and diagnostic, not from SES's bounceType", () => {
    expect(a.diagnoses[0]).toMatchObject({
      recipient: "mallory@receiver.example",
      status: "5.1.1",
      reason: "userunknown",
      hardBounce: true,
    });
  });
});

describe("Authentication-Results in the bounce", () => {
  it("are parsed into spf, dkim and dmarc results", () => {
    const raw = fixture("postfix-dsn-user-unknown.eml")
      .toString("latin1")
      .replace(
        "Subject:",
        "Authentication-Results: mx.sender.example; spf=pass smtp.mailfrom=x; dkim=fail header.d=x; dmarc=none\nSubject:",
      );
    expect(analyzeMessage(raw).diagnoses[0].authResults).toEqual({ spf: "pass", dkim: "fail", dmarc: "none" });
  });
});
