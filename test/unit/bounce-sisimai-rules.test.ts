// The general rules ported from Sisimai (BSD 2-Clause): provider tables keyed on the
// recipient's domain or the remote host, per-MTA tables keyed on the MTA's header
// signature, feedback reports that are not RFC 5965, and mbox separators. Every message
// here is written for the test.
import { describe, expect, it } from "vitest";
import { analyzeMessage, splitMbox } from "../../src/core/bounce";

interface Dsn {
  to: string;
  status: string;
  diag: string;
  remoteMta?: string;
  action?: string;
  from?: string;
  subject?: string;
  extraHeaders?: string;
}

/** A minimal RFC 3464 report with one recipient. */
function dsn(o: Dsn): string {
  return [
    `From: ${o.from ?? "MAILER-DAEMON@mta.sender.example (Mail Delivery System)"}`,
    "To: bounces@sender.example",
    `Subject: ${o.subject ?? "Undelivered Mail Returned to Sender"}`,
    "Date: Mon, 2 Nov 2026 10:00:00 +0000",
    "Message-ID: <report.1@mta.sender.example>",
    ...(o.extraHeaders ? [o.extraHeaders] : []),
    "MIME-Version: 1.0",
    'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"',
    "",
    "--b1",
    "Content-Type: text/plain; charset=us-ascii",
    "",
    "The message could not be delivered.",
    "",
    "--b1",
    "Content-Type: message/delivery-status",
    "",
    "Reporting-MTA: dns; mta.sender.example",
    "",
    `Final-Recipient: rfc822; ${o.to}`,
    `Action: ${o.action ?? "failed"}`,
    `Status: ${o.status}`,
    ...(o.remoteMta ? [`Remote-MTA: dns; ${o.remoteMta}`] : []),
    `Diagnostic-Code: smtp; ${o.diag}`,
    "",
    "--b1",
    "Content-Type: text/rfc822-headers",
    "",
    "From: news@sender.example",
    `To: ${o.to}`,
    "Subject: November news",
    "Message-ID: <news.1@sender.example>",
    "",
    "--b1--",
    "",
  ].join("\n");
}

const one = (raw: string) => {
  const a = analyzeMessage(raw);
  expect(a.error).toBeNull();
  return a.diagnoses[0];
};

describe("provider tables (the recipient's domain or the remote host names the provider)", () => {
  it("La Poste / Orange: the last three digits of an LPN/OFR code name the cause", () => {
    const d = one(
      dsn({
        to: "jean@laposte.net",
        status: "5.5.0",
        diag: "550 5.5.0 Le compte du destinataire est bloque. The recipient account is blocked. LPN007_426",
      }),
    );
    expect(d.reason).toBe("suspend");
    expect(d.hardBounce).toBe(false);
    const u = one(
      dsn({
        to: "marie@orange.fr",
        status: "5.5.0",
        diag: "550 5.5.0 Adresse destinataire invalide. Invalid recipient. OFR004_416",
      }),
    );
    expect(u.reason).toBe("userunknown");
    expect(u.hardBounce).toBe(true);
  });

  it("Cox: an AUP# code outranks the generic reading of 'sender rejected'", () => {
    const d = one(
      dsn({ to: "pat@cox.net", status: "5.1.0", diag: "550 5.1.0 <bounces@sender.example> sender rejected. AUP#CXBL" }),
    );
    expect(d.reason).toBe("blocked");
    expect(d.hardBounce).toBe(false);
  });

  it("Spectrum (charter.net): four-digit AUP codes map by range", () => {
    const d = one(
      dsn({
        to: "lee@charter.net",
        status: "5.1.0",
        diag: "550 5.1.0 <x@sender.example> sender rejected. AUP#In-1330",
      }),
    );
    expect(d.reason).toBe("toomanyconn");
  });

  it("Yahoo Inc (*.yahoodns.net): TSS04 deferrals are 'rejected', 'dd This user doesn't have' is an unknown user", () => {
    const t = one(
      dsn({
        to: "kim@yahoo.example",
        status: "4.7.0",
        remoteMta: "mta7.am0.yahoodns.net",
        diag: "421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred due to unexpected volume or user complaints",
      }),
    );
    expect(t.reason).toBe("rejected");
    const u = one(
      dsn({
        to: "nobody@yahoo.example",
        status: "5.0.0",
        remoteMta: "mta5.am0.yahoodns.net",
        diag: "554 delivery error: dd This user doesn't have a yahoo.example account (nobody@yahoo.example) [0]",
      }),
    );
    expect(u.reason).toBe("userunknown");
  });

  it("Google: documented replies, matched with their reply and status codes", () => {
    const d = one(
      dsn({
        to: "sam@company.example",
        status: "5.7.26",
        remoteMta: "aspmx.l.google.com",
        diag: "550-5.7.26 Unauthenticated email from sender.example is not accepted due to domain's DMARC policy.",
      }),
    );
    expect(d.reason).toBe("authfailure");
    const p = one(
      dsn({
        to: "sam@company.example",
        status: "4.7.0",
        remoteMta: "gmail-smtp-in.l.google.com",
        diag: "421-4.7.0 The IP address sending this message does not have a PTR record setup",
      }),
    );
    expect(p.reason).toBe("requireptr");
  });

  it("Microsoft (Exchange Online): 4.7.650 IP reputation is badreputation", () => {
    const d = one(
      dsn({
        to: "ann@outlook.example",
        status: "4.7.650",
        remoteMta: "mail.protection.outlook.com",
        diag: "451 4.7.650 The mail server [192.0.2.1] has been temporarily rate limited due to IP reputation.",
      }),
    );
    expect(d.reason).toBe("badreputation");
  });

  it("Tencent (*.qq.com): frequency limits are too many connections", () => {
    const d = one(
      dsn({
        to: "li@example.cn",
        status: "5.0.0",
        remoteMta: "mx2.qq.com",
        diag: "550 Ip frequency limited [abc]. http://service.mail.qq.com/cgi-bin/help?subtype=1",
      }),
    );
    expect(d.reason).toBe("toomanyconn");
  });

  it("an unknown provider keeps the generic reading", () => {
    const d = one(
      dsn({
        to: "bob@receiver.example",
        status: "5.1.1",
        remoteMta: "mx.receiver.example",
        diag: "550 5.1.1 <bob@receiver.example>: Recipient address rejected: User unknown",
      }),
    );
    expect(d.reason).toBe("userunknown");
  });
});

describe("per-MTA tables (applied only when the notice carries that MTA's signature)", () => {
  it("Courier: 'No such domain.' under an unknown diagnostic type is hostunknown", () => {
    const raw = dsn({
      to: "kit@nowhere.example",
      status: "5.0.0",
      diag: "x",
      subject: "NOTICE: mail delivery status.",
    }).replace("Diagnostic-Code: smtp; x", "Diagnostic-Code: unknown; No such domain.");
    expect(one(raw).reason).toBe("hostunknown");
  });

  it("Exim: 'malformed address:' is a syntax error of the address", () => {
    const raw = [
      "From: Mail Delivery System <Mailer-Daemon@mx.sender.example>",
      "To: news@sender.example",
      "Subject: Mail delivery failed: returning message to sender",
      "X-Failed-Recipients: broken@receiver.example",
      "Message-Id: <E1abcde-ABCDEF-Zz@mx.sender.example>",
      "",
      "This message was created automatically by mail delivery software.",
      "",
      "  broken@receiver.example <broken@receiver.example>: malformed address: <x@y> may not follow broken@receiver.example",
      "",
    ].join("\n");
    expect(one(raw).reason).toBe("syntaxerror");
  });

  it("IMail Server: 'Invalid final delivery userid' is an unknown user", () => {
    const raw = [
      'From: "Postmaster" <postmaster@receiver.example>',
      "To: news@sender.example",
      "Subject: Undeliverable Mail",
      "X-Mailer: <SMTP32 v8.15>",
      "",
      "Invalid final delivery userid: ghost@receiver.example",
      "",
    ].join("\n");
    const d = one(raw);
    expect(d.recipient).toBe("ghost@receiver.example");
    expect(d.reason).toBe("userunknown");
    expect(d.hardBounce).toBe(true);
  });

  it("MessageLabs: the authentication notice is a security error; the same words without its signature are not read that way", () => {
    const body = [
      "",
      "Could not deliver the message to:",
      "",
      "  pat@receiver.example",
      "  550-Please turn on SMTP Authentication in your mail client.",
      "",
    ];
    const ml = [
      "From: Mail Delivery System <MAILER-DAEMON@messagelabs.com>",
      "To: news@sender.example",
      "Subject: Mail Delivery Failure",
      "X-Msg-Ref: server-1.tower-1.messagelabs.com!1!2!3",
      ...body,
    ].join("\n");
    expect(one(ml).reason).toBe("securityerror");
    const other = [
      "From: Mail Delivery System <MAILER-DAEMON@mx.other.example>",
      "To: news@sender.example",
      "Subject: Mail Delivery Failure",
      ...body,
    ].join("\n");
    expect(analyzeMessage(other).diagnoses[0]?.reason).not.toBe("securityerror");
  });

  it("au (EZweb): X-SPASIGN: NG marks the carrier's domain filter", () => {
    const raw = [
      "From: <Postmaster@ezweb.ne.jp>",
      "To: news@sender.example",
      "Subject: Mail System Error - Returned Mail",
      "X-SPASIGN: NG",
      "",
      "<filtered-user@ezweb.ne.jp>",
      "Each of the following recipients was rejected by a remote mail server.",
      "",
    ].join("\n");
    expect(one(raw).reason).toBe("filtered");
  });

  it("Lotus Domino: the directory lookup in Japanese is an unknown user", () => {
    const raw = dsn({ to: "taro@receiver.example", status: "5.0.0", diag: "x" }).replace(
      "Diagnostic-Code: smtp; x",
      "Diagnostic-Code: smtp; ユーザー Taro (taro@receiver.example) は Domino ディレクトリには見つかりません。",
    );
    expect(one(Buffer.from(raw, "utf8").toString("latin1")).reason).toBe("userunknown");
  });
});

describe("feedback that is not an RFC 5965 report", () => {
  it("Microsoft's Junk Mail Reporting Program (multipart/mixed with the original attached)", () => {
    const raw = [
      "From: staff@hotmail.com",
      "To: abuse@sender.example",
      "Subject: complaint about message from 192.0.2.1",
      'Content-Type: multipart/mixed; boundary="jm"',
      "",
      "--jm",
      "Content-Type: message/rfc822",
      "",
      "X-HmXmrOriginalRecipient: reader@hotmail.example",
      "From: news@sender.example",
      "To: reader@hotmail.example",
      "Subject: November news",
      "",
      "Hello",
      "--jm--",
      "",
    ].join("\n");
    const a = analyzeMessage(raw);
    expect(a.kind).toBe("feedback");
    expect(a.diagnoses[0].recipient).toBe("reader@hotmail.example");
    expect(a.diagnoses[0].reason).toBe("feedback");
    expect(a.diagnoses[0].feedbackType).toBe("abuse");
  });

  it("Apple Mail's unsubscribe button (X-Apple-Unsubscribe: true) is an opt-out", () => {
    const raw = [
      "From: reader@icloud.example",
      "To: unsubscribe-123@sender.example",
      "Subject: unsubscribe",
      "Auto-Submitted: auto-replied",
      "X-Apple-Unsubscribe: true",
      "",
      "Apple Mail sent this email to unsubscribe from the message.",
      "",
    ].join("\n");
    const d = one(raw);
    expect(d.reason).toBe("feedback");
    expect(d.feedbackType).toBe("opt-out");
    expect(d.recipient).toBe("reader@icloud.example");
  });
});

describe("mbox files", () => {
  it("split at a 'From ' line with an asctime date even when no blank line precedes it", () => {
    const m1 = "From a@b.example Thu Jul  2 12:05:05 2020\nSubject: one\n\nbody\n--x--\n";
    const m2 = "From double-bounce@mta.example  Thu Jul  2 12:05:05 2020\nSubject: two\n\nbody\n";
    expect(splitMbox(m1 + m2)).toHaveLength(2);
    // Without the blank line, a "From " sentence inside a body (no date) is text, not a separator.
    expect(
      splitMbox("From a@b.example Thu Jul  2 12:05:05 2020\nSubject: x\n\nHello,\nFrom here on we talk.\n"),
    ).toHaveLength(1);
  });
});
