// Bare SMTP replies as MTAs and sending libraries report them, and structured ESP events.
import { describe, expect, it } from "vitest";
import { analyzeSmtpReply, BOUNCE_REASONS, diagnoseFromStatus, type BounceReason } from "../../src/core/bounce";

describe("replies from the big providers", () => {
  const cases: Array<[provider: string, reply: string, status: string, reason: BounceReason, hard: boolean]> = [
    [
      "Gmail 5.1.1",
      "550-5.1.1 The email account that you tried to reach does not exist. Please try\n550-5.1.1 double-checking the recipient's email address for typos or\n550 5.1.1 https://support.google.com/mail/?p=NoSuchUser a1si123 - gsmtp",
      "5.1.1",
      "userunknown",
      true,
    ],
    ["Outlook 5.1.1", "550 5.1.1 RESOLVER.ADR.RecipNotFound; not found", "5.1.1", "userunknown", true],
    [
      "Yahoo 5.1.1",
      "554 delivery error: dd This user doesn't have a yahoo.com account (x@yahoo.com) [0]",
      "5.0.0",
      "filtered",
      false,
    ],
    [
      "Postfix 5.1.1",
      "550 5.1.1 <a@b.example>: Recipient address rejected: User unknown in virtual mailbox table",
      "5.1.1",
      "userunknown",
      true,
    ],
    [
      "Gmail 5.7.1",
      "550-5.7.1 [192.0.2.1] Our system has detected that this message is likely unsolicited mail.\n550 5.7.1 To reduce the amount of spam sent to Gmail, this message has been blocked. - gsmtp",
      "5.7.1",
      "spamdetected",
      false,
    ],
    [
      "Outlook 5.7.1",
      "550 5.7.1 Unfortunately, messages from [192.0.2.1] weren't sent. Please contact your Internet service provider since part of their network is on our block list (S3150).",
      "5.7.1",
      "blocked",
      false,
    ],
    [
      "Yahoo 5.7.1",
      "553 5.7.1 [BL21] Connections will not be accepted from 192.0.2.1, because the ip is in Spamhaus's list; see http://postmaster.yahoo.com/550-bl23.html",
      "5.7.1",
      "blocked",
      false,
    ],
    ["Postfix 5.7.1", "554 5.7.1 <a@b.example>: Relay access denied", "5.7.1", "norelaying", false],
    [
      "Gmail 5.4.1",
      "550 5.4.1 Recipient address rejected: Access denied. AS(201806281) [x.prod.outlook.com]",
      "5.4.1",
      "userunknown",
      true,
    ],
    [
      "Postfix 5.4.1",
      "550 5.4.1 <a@b.example>: Recipient address rejected: Access denied",
      "5.4.1",
      "userunknown",
      true,
    ],
    [
      "Gmail 5.7.26",
      "550-5.7.26 This mail is unauthenticated, which poses a security risk to the\n550-5.7.26 sender and Gmail users, and has been blocked. The sender must\n550 5.7.26 authenticate with at least one of SPF or DKIM. - gsmtp",
      "5.7.26",
      "authfailure",
      false,
    ],
    [
      "Outlook 5.7.26",
      "550 5.7.26 Unauthenticated email from example.com is not accepted due to domain's DMARC policy",
      "5.7.26",
      "authfailure",
      false,
    ],
    [
      "Yahoo 5.7.26",
      "550 5.7.26 This mail has been blocked because the sender is unauthenticated. Yahoo requires all senders to authenticate with either SPF or DKIM.",
      "5.7.26",
      "authfailure",
      false,
    ],
    [
      "Gmail 4.2.2",
      "452-4.2.2 The email account that you tried to reach is over quota. Please direct\n452 4.2.2 the recipient to https://support.google.com/mail/?p=OverQuotaTemp - gsmtp",
      "4.2.2",
      "mailboxfull",
      false,
    ],
    [
      "Outlook 4.2.2",
      "452 4.2.2 The recipient's mailbox is full and can't accept messages now.",
      "4.2.2",
      "mailboxfull",
      false,
    ],
    ["Yahoo 4.2.2", "452 4.2.2 Mailbox full", "4.2.2", "mailboxfull", false],
    [
      "Postfix 4.2.2",
      "452 4.2.2 <a@b.example>: Recipient address rejected: Mailbox full",
      "4.2.2",
      "mailboxfull",
      false,
    ],
  ];
  it.each(cases)("%s", (_provider, reply, status, reason, hard) => {
    const d = analyzeSmtpReply(reply, "someone@receiver.example");
    expect({ status: d.status, reason: d.reason, hardBounce: d.hardBounce }).toEqual({
      status,
      reason,
      hardBounce: hard,
    });
  });

  it("joins multi-line replies and keeps the server's words", () => {
    const d = analyzeSmtpReply(
      "550-5.7.26 Unauthenticated email from example.com is not accepted due to domain's\n550-5.7.26 DMARC policy.\n550 5.7.26 https://support.google.com/mail/?p=DmarcRejection - gsmtp",
    );
    expect(d.diagnosticCode).toBe(
      "550 5.7.26 Unauthenticated email from example.com is not accepted due to domain's DMARC policy. https://support.google.com/mail/?p=DmarcRejection - gsmtp",
    );
    expect(d.replyCode).toBe(550);
  });

  it("takes the recipient from the reply when none is given", () => {
    expect(analyzeSmtpReply("550 5.1.1 <zoe@b.example>: Recipient address rejected: User unknown").recipient).toBe(
      "zoe@b.example",
    );
  });

  it("marks a 4xx reply as a soft bounce and a 5xx as hard", () => {
    expect(analyzeSmtpReply("421 4.7.0 Try again later, closing connection.").bounceType).toBe("SOFT");
    expect(analyzeSmtpReply("550 5.7.1 Message rejected").bounceType).toBe("HARD");
  });
});

describe("hardBounce: only a bad address is suppressed", () => {
  it.each([
    ["550 5.1.1 User unknown", true],
    ["550 5.1.2 Host unknown: no such domain", true],
    ["550 5.1.6 Recipient has moved; mailbox has moved", true],
    ["556 5.1.10 Recipient address has null MX", true],
    ["550 5.7.1 Message rejected as spam", false],
    ["554 5.7.1 Service unavailable; client host [192.0.2.1] blocked using zen.spamhaus.org", false],
    ["550 5.7.26 Unauthenticated email is not accepted due to domain's DMARC policy", false],
    ["552 5.2.2 Mailbox full", false],
    ["421 4.7.0 IP not in whitelist, try again later", false],
  ])("%s → %s", (reply, hard) => {
    expect(analyzeSmtpReply(reply as string, "x@y.example").hardBounce).toBe(hard);
  });
});

describe("every reason of the vocabulary has a rule that produces it", () => {
  const replies: Partial<Record<BounceReason, string>> = {
    authfailure: "550 5.7.23 SPF validation failed",
    badreputation: "421 4.7.0 Our system has detected a poor email reputation score for your IP",
    blocked: "554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using b.barracudacentral.org",
    contenterror: "554 5.6.0 Message contains invalid MIME headers",
    delivered: "250 2.1.5 OK",
    exceedlimit: "552 5.2.3 Message length exceeds administrative limit",
    expired: "451 4.4.7 Delivery time expired",
    failedstarttls: "530 5.7.10 Must issue a STARTTLS command first; STARTTLS is required to send mail",
    filtered: "550 5.2.0 Message rejected due to user rules",
    hasmoved: "550 5.1.6 kijitora@example.org has been replaced by neko@example.org",
    hostunknown: "550 5.1.2 Host or domain name not found",
    mailboxfull: "552 5.2.2 Mailbox full",
    mailererror: "554 5.3.0 Command died with status 1: procmail",
    mesgtoobig: "552 5.3.4 Message size exceeds fixed maximum message size",
    networkerror: "451 4.4.6 Mail forwarding loop for a@b.example",
    norelaying: "554 5.7.1 <a@b.example>: Relay access denied",
    notaccept: "556 5.1.10 Host/domain does not accept mail",
    notcompliantrfc: "550 5.7.1 This message is not RFC 5322 compliant: duplicate header",
    policyviolation: "550 5.7.0 Local policy violation",
    rejected: "550 5.1.8 Sender address rejected: Domain not found",
    requireptr: "550 5.7.25 The IP address sending this message does not have a PTR record setup",
    securityerror: "535 5.7.8 Authentication credentials invalid",
    spamdetected: "550 5.7.1 Message content rejected, spam detected",
    speeding: "451 4.7.1 Client host rejected: Please try again slower",
    suspend: "550 5.2.1 This mailbox is disabled (554.30)",
    syntaxerror: "503 5.5.1 Bad sequence of commands",
    systemerror: "451 4.3.5 Server configuration error",
    systemfull: "452 4.3.1 Mail system full",
    toomanyconn: "421 4.7.0 Too many connections from your host",
    userunknown: "550 5.1.1 User unknown",
    virusdetected: "554 5.7.1 Virus detected in message",
    onhold: "550 Mail not delivered for some reason",
  };
  it.each(Object.entries(replies))("%s", (reason, reply) => {
    expect(analyzeSmtpReply(reply, "x@y.example").reason).toBe(reason);
  });

  it("reaches the reasons that only whole messages or vendors give (feedback, vacation, suppressed, undefined)", () => {
    expect(BOUNCE_REASONS).toEqual(
      expect.arrayContaining(["feedback", "vacation", "suppressed", "undefined", "delivered", "failedstarttls"]),
    );
    expect(analyzeSmtpReply("", "x@y.example").reason).toBe("undefined");
  });
});

describe("structured ESP events", () => {
  it("classify from status and diagnostic text, ignoring the vendor's hard/soft label", () => {
    const d = diagnoseFromStatus({
      recipient: "x@y.example",
      status: "5.7.1",
      diagnosticCode: "smtp; 550 5.7.1 Service unavailable; client [192.0.2.1] blocked using zen.spamhaus.org",
    });
    expect(d).toMatchObject({ reason: "blocked", hardBounce: false, status: "5.7.1", replyCode: 550 });
  });

  it("read a bare smtpResponse too", () => {
    expect(diagnoseFromStatus({ recipient: "x@y.example", smtpResponse: "550 5.1.1 user unknown" })).toMatchObject({
      reason: "userunknown",
      hardBounce: true,
    });
  });

  it("never throw on missing fields", () => {
    expect(() => diagnoseFromStatus({ recipient: "" })).not.toThrow();
  });
});

describe("a success status never speaks for a failure after it", () => {
  it("250 2.1.0 then 550 5.1.1 in one reply text → 5.1.1", () => {
    const d = analyzeSmtpReply("250 2.1.0 Sender OK 550 5.1.1 <gone@receiver.example>: User unknown");
    expect(d).toMatchObject({ status: "5.1.1", replyCode: 550, reason: "userunknown" });
  });
});
