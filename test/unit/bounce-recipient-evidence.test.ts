// Per-recipient evidence, the order of trust and addresses by role, written from RFC 3464
// (DSN fields), RFC 5321 §4.2 (reply lines, multi-line replies), RFC 3463 (status codes)
// and the notice layouts the MTAs document (Postfix bounce(5), qmail-send's bounce format,
// Sendmail's "Transcript of session follows").
import { describe, expect, it } from "vitest";
import { analyzeMessage } from "../../src/core/bounce";
import { DAEMON_HEAD, dsnReport, message } from "../support/bounce.builders";

const notice = (body: string, headers = DAEMON_HEAD) => analyzeMessage(message(headers, body));
const byRecipient = (raw: string) => new Map(analyzeMessage(raw).diagnoses.map((d) => [d.recipient, d]));

describe("each recipient gets its own words, from every source", () => {
  it("two Postfix blocks: neither swallows the other's reply (bounce(5) layout, wrapped lines)", () => {
    const m = byRecipient(
      message(
        DAEMON_HEAD,
        [
          "This is the mail system at host mta.sender.example.",
          "",
          "<gone@receiver.example>: host mx.receiver.example[192.0.2.25] said: 550 5.1.1",
          "    <gone@receiver.example>: Recipient address rejected: User unknown in local",
          "    recipient table (in reply to RCPT TO command)",
          "",
          "<full@other.example>: host mx.other.example[192.0.2.26] said: 552 5.2.2",
          "    Mailbox full: quota exceeded (in reply to RCPT TO command)",
          "",
        ].join("\n"),
      ),
    );
    expect(m.get("gone@receiver.example")).toMatchObject({ reason: "userunknown", status: "5.1.1", hardBounce: true });
    expect(m.get("full@other.example")).toMatchObject({ reason: "mailboxfull", status: "5.2.2", hardBounce: false });
  });

  it("a multi-line reply (550-5.1.1 ... / 550 5.1.1 ...) is joined into one diagnostic", () => {
    const a = notice(
      [
        "<gone@receiver.example>:",
        "192.0.2.25 does not like recipient.",
        "Remote host said: 550-5.1.1 The email account that you tried to reach does not exist.",
        "550-5.1.1 Please try double-checking the recipient's email address for typos",
        "550 5.1.1 or unnecessary spaces.",
        "Giving up on 192.0.2.25.",
      ].join("\n"),
    );
    const d = a.diagnoses[0];
    expect(d.recipient).toBe("gone@receiver.example");
    expect(d.diagnosticCode).toMatch(/does not exist\. Please try double-checking .* or unnecessary spaces/);
    expect(d.diagnosticCode).not.toMatch(/550-/);
    expect(d).toMatchObject({ reason: "userunknown", status: "5.1.1", replyCode: 550 });
  });

  it("the reply printed before the address line is tied to that address", () => {
    const a = notice(
      [
        "Delivery to the following recipient failed permanently:",
        "",
        "Technical details of permanent failure:",
        "550 5.1.1 Requested action not taken: mailbox unavailable (user unknown) for",
        "     gone@receiver.example",
        "",
      ].join("\n"),
    );
    expect(a.diagnoses.map((d) => [d.recipient, d.reason, d.status])).toEqual([
      ["gone@receiver.example", "userunknown", "5.1.1"],
    ]);
  });

  it("qmail's local delivery trailer '(#5.1.1)' is tied to its recipient", () => {
    const a = notice(
      [
        "Hi. This is the qmail-send program at mta.sender.example.",
        "I'm afraid I wasn't able to deliver your message to the following addresses.",
        "This is a permanent error; I've given up. Sorry it didn't work out.",
        "",
        "<gone@receiver.example>:",
        "Sorry, no mailbox here by that name. (#5.1.1)",
        "",
      ].join("\n"),
    );
    expect(a.diagnoses[0]).toMatchObject({
      recipient: "gone@receiver.example",
      reason: "userunknown",
      hardBounce: true,
    });
    expect(a.diagnoses[0].status?.startsWith("5.")).toBe(true);
  });

  it("a bilingual notice listing the same recipient twice gives one row", () => {
    const a = notice(
      [
        "Le message n'a pas pu etre remis aux destinataires suivants :",
        "",
        "<gone@receiver.example>: 550 5.1.1 Destinataire inconnu",
        "",
        "The message could not be delivered to the following recipients:",
        "",
        "<gone@receiver.example>: 550 5.1.1 Unknown recipient",
        "",
      ].join("\n"),
    );
    expect(a.diagnoses.map((d) => d.recipient)).toEqual(["gone@receiver.example"]);
    expect(a.diagnoses[0].status).toBe("5.1.1");
  });
});

describe("the order of trust: the remote server's reply, then the reporting MTA's fields, then its summary", () => {
  it("Status with a trailing (comment) is read structurally (RFC 3464 §2.1.2 allows comments)", () => {
    const raw = dsnReport({
      notice: "Delivery failed.",
      recipients: [
        [
          "Final-Recipient: rfc822; gone@receiver.example",
          "Action: failed",
          "Status: 5.1.1 (bad destination mailbox address)",
        ],
      ],
    });
    expect(analyzeMessage(raw).diagnoses[0]).toMatchObject({
      status: "5.1.1",
      reason: "userunknown",
      hardBounce: true,
    });
  });

  it("the remote reply's precise code wins over the relay's generic Status 5.0.0", () => {
    const raw = dsnReport({
      notice: "Delivery failed.",
      recipients: [
        [
          "Final-Recipient: rfc822; full@receiver.example",
          "Action: failed",
          "Status: 5.0.0",
          "Diagnostic-Code: smtp; 552 5.2.2 Mailbox full",
        ],
      ],
    });
    expect(analyzeMessage(raw).diagnoses[0]).toMatchObject({ status: "5.2.2", replyCode: 552, reason: "mailboxfull" });
  });

  it("a number in a SIZE= parameter of the echoed command is no reply code", () => {
    const a = notice(
      [
        "A message that you sent could not be delivered to one or more of its recipients.",
        "",
        "  gone@receiver.example",
        "    SMTP error from remote mail server after RCPT TO:<gone@receiver.example> SIZE=550:",
        "    421 4.7.0 Try again later, closing connection",
        "",
      ].join("\n"),
    );
    expect(a.diagnoses[0]).toMatchObject({ replyCode: 421, status: "4.7.0", bounceType: "SOFT", hardBounce: false });
  });

  it("in a transcript, an earlier command's success never wins over a later failure", () => {
    const a = notice(
      [
        "   ----- The following addresses had permanent fatal errors -----",
        "<gone@receiver.example>",
        "",
        "   ----- Transcript of session follows -----",
        "... while talking to mx.receiver.example.:",
        ">>> MAIL From:<campaigns@sender.example> SIZE=2048",
        "<<< 250 2.1.0 Sender OK",
        ">>> RCPT To:<gone@receiver.example>",
        "<<< 550 5.1.1 <gone@receiver.example>... User unknown",
        "550 5.1.1 <gone@receiver.example>... User unknown",
      ].join("\n"),
    );
    expect(a.diagnoses[0]).toMatchObject({
      recipient: "gone@receiver.example",
      replyCode: 550,
      status: "5.1.1",
      reason: "userunknown",
    });
  });

  it("conflicting evidence (user-unknown words under a 4.x.x status) is said, and does not suppress", () => {
    const raw = dsnReport({
      notice: "Delivery delayed.",
      recipients: [
        [
          "Final-Recipient: rfc822; maybe@receiver.example",
          "Action: failed",
          "Status: 4.4.1",
          "Diagnostic-Code: smtp; 550 5.1.1 user unknown",
        ],
      ],
    });
    const d = analyzeMessage(raw).diagnoses[0];
    expect(d.hardBounce).toBe(false);
    expect(d.evidence.join(" ")).toMatch(/conflict/i);
  });
});

describe("two remote replies for one recipient that disagree", () => {
  it("a DSN Diagnostic-Code 550 5.1.1 and a notice quoting 452 4.2.2 for the same address: said, no hard bounce", () => {
    const raw = dsnReport({
      notice:
        "<maybe@receiver.example>: host mx.receiver.example[192.0.2.25] said: 452 4.2.2 Mailbox temporarily over quota (in reply to RCPT TO command)",
      recipients: [
        [
          "Final-Recipient: rfc822; maybe@receiver.example",
          "Action: failed",
          "Status: 5.1.1",
          "Diagnostic-Code: smtp; 550 5.1.1 user unknown",
        ],
      ],
    });
    const d = analyzeMessage(raw).diagnoses[0];
    expect(d.hardBounce).toBe(false);
    expect(d.evidence.join(" ")).toMatch(
      /conflicting evidence: the DSN's Diagnostic-Code says 550 but the notice quotes 452/,
    );
  });

  it("an earlier attempt's temporary reply (another MX) before the final permanent one is no conflict", () => {
    const raw = dsnReport({
      notice: [
        "   ----- The following addresses had permanent fatal errors -----",
        "<gone@receiver.example>",
        "    (reason: 550 5.1.1 User unknown)",
        "",
        "   ----- Transcript of session follows -----",
        "... while talking to mx1.receiver.example.:",
        "<<< 450 4.3.2 busy - please try later",
        "... while talking to mx2.receiver.example.:",
        ">>> RCPT To:<gone@receiver.example>",
        "<<< 550 5.1.1 User unknown",
      ].join("\n"),
      recipients: [
        [
          "Final-Recipient: rfc822; gone@receiver.example",
          "Action: failed",
          "Status: 5.1.1",
          "Remote-MTA: dns; mx2.receiver.example",
          "Diagnostic-Code: smtp; 550 5.1.1 User unknown",
        ],
      ],
    });
    const d = analyzeMessage(raw).diagnoses[0];
    expect(d.evidence.join(" ")).not.toMatch(/conflict/);
    expect(d.hardBounce).toBe(true);
  });

  it("agreeing sources raise no conflict", () => {
    const raw = dsnReport({
      notice:
        "<gone@receiver.example>: host mx.receiver.example[192.0.2.25] said: 550 5.1.1 user unknown (in reply to RCPT TO command)",
      recipients: [
        [
          "Final-Recipient: rfc822; gone@receiver.example",
          "Action: failed",
          "Status: 5.1.1",
          "Diagnostic-Code: smtp; 550 5.1.1 user unknown",
        ],
      ],
    });
    const d = analyzeMessage(raw).diagnoses[0];
    expect(d.hardBounce).toBe(true);
    expect(d.evidence.join(" ")).not.toMatch(/conflict/);
  });
});

describe("addresses by role", () => {
  it("never reports the bounce's sender, envelope, From, quoted headers, list headers, paths or URLs", () => {
    const a = notice(
      [
        "Your message to the list could not be delivered.",
        "",
        "From: Campaigns <campaigns@sender.example>",
        "Sender: owner-news@lists.sender.example",
        "List-Unsubscribe: <mailto:leave@lists.sender.example>",
        "See https://help.example/lookup?user=who@receiver.example for details.",
        "For help, please contact helpdesk@mta.sender.example or write to <mailto:support@mta.sender.example>.",
        "Log file /var/spool/mail/archive/gone@receiver.example/err",
        "",
        "<gone@receiver.example>: 550 5.1.1 user unknown",
        "",
      ].join("\n"),
      [...DAEMON_HEAD, "Sender: bounce-handler@mta.sender.example"],
    );
    expect(a.diagnoses.map((d) => d.recipient)).toEqual(["gone@receiver.example"]);
  });

  it("an address the notice gives as its contact is not a recipient, even when no line is stronger", () => {
    const a = notice(
      "Your mail for gone@receiver.example could not be delivered: user unknown.\nQuestions? Please contact helpdesk@mta.sender.example, or mailto:abuse-desk@mta.sender.example\n",
    );
    expect(a.diagnoses.map((d) => d.recipient)).toEqual(["gone@receiver.example"]);
  });

  it("reports Original-Recipient, the address that was sent to, beside the final one", () => {
    const raw = dsnReport({
      notice: "Delivery failed.",
      recipients: [
        [
          "Original-Recipient: rfc822; alias@receiver.example",
          "Final-Recipient: rfc822; real-box@mail.receiver.example",
          "Action: failed",
          "Status: 5.1.1",
        ],
      ],
    });
    const d = analyzeMessage(raw).diagnoses[0];
    expect(d.originalRecipient).toBe("alias@receiver.example");
    expect(d.recipient).toBe("real-box@mail.receiver.example");
    expect(d.evidence.join(" ")).toContain("Original-Recipient alias@receiver.example");
  });
});

describe("local delivery lines are tied to their recipient", () => {
  it("Sendmail's mail.local 'unknown user' line, under the recipient's address", () => {
    const a = notice(
      [
        "The original message was received at Mon, 7 Dec 2026 05:00:00 +0000",
        "",
        "   ----- The following addresses had permanent fatal errors -----",
        "gone",
        "    (reason: 550 5.1.1 User unknown)",
        "    (expanded from: <gone@receiver.example>)",
        "",
        "   ----- Transcript of session follows -----",
        "mail.local: unknown user: gone",
        "550 5.1.1 gone... User unknown",
      ].join("\n"),
    );
    expect(a.diagnoses.map((d) => [d.recipient, d.reason, d.status])).toEqual([
      ["gone@receiver.example", "userunknown", "5.1.1"],
    ]);
  });

  it("a procmail/local delivery quota line answers for the address above it, not for the next", () => {
    const a = notice(
      [
        "<full@receiver.example>: cannot append message to file /var/mail/full: Disk quota exceeded",
        "",
        '<gone@receiver.example>: unknown user: "gone"',
        "",
      ].join("\n"),
    );
    const m = new Map(a.diagnoses.map((d) => [d.recipient, d]));
    expect(m.get("full@receiver.example")?.reason).toBe("mailboxfull");
    // With no SMTP stage, "unknown user" reads as a recipient-side refusal (Sisimai's
    // convention, kept: it never suppresses on words alone); what matters here is that the
    // quota words above stay with their own address, and that the words say permanent.
    expect(m.get("gone@receiver.example")?.reason).not.toBe("mailboxfull");
    expect(m.get("gone@receiver.example")?.bounceType).toBe("HARD");
  });
});

describe("a bounce is known by its wording, not only by a mailer-daemon sender", () => {
  it("'Nondeliverable mail' from a system account: the failed address is read from the quoted original", () => {
    const a = notice(
      [
        "Your message was not delivered to its recipient.",
        "",
        "----- Original message -----",
        "",
        "From: Campaigns <campaigns@sender.example>",
        "To: gone@receiver.example",
        "Subject: Hello",
        "",
        "Hello there.",
      ].join("\n"),
      [
        "From: Mail System <system@mta.receiver.example>",
        "To: campaigns@sender.example",
        "Subject: Nondeliverable mail",
      ],
    );
    expect(a.kind).toBe("bounce");
    expect(a.diagnoses.map((d) => d.recipient)).toEqual(["gone@receiver.example"]);
  });
});
