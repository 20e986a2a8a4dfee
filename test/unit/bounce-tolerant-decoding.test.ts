// Tolerant decoding: a bounce whose MIME is broken in the ways real mail is broken is
// still read, from RFC 2045/2046 (parameters, boundaries, charsets), RFC 5322 §2.1.1 (the
// 998-character line limit a hop enforces by folding), RFC 2045 §6.7 (quoted-printable
// soft breaks), sendmail(8)'s "!" line breaks and RFC 2046 §5.2.1 (message/rfc822).
import { describe, expect, it } from "vitest";
import { analyzeMessage } from "../../src/core/bounce";
import { DAEMON_HEAD, dsnReport, message } from "../support/bounce.builders";

const RECIPIENT = [
  "Final-Recipient: rfc822; gone@receiver.example",
  "Action: failed",
  "Status: 5.1.1",
  "Diagnostic-Code: smtp; 550 5.1.1 <gone@receiver.example>: Recipient address rejected: User unknown",
];

function only(raw: string) {
  const a = analyzeMessage(raw);
  expect(a.diagnoses.map((d) => d.recipient)).toEqual(["gone@receiver.example"]);
  return a.diagnoses[0];
}

describe("MIME read tolerantly", () => {
  it("a boundary parameter on an unfolded next line (no leading white space) still splits the parts", () => {
    const raw = dsnReport({
      notice: "Your message could not be delivered.",
      recipients: [RECIPIENT],
      contentType: 'Content-Type: multipart/report; report-type=delivery-status;\nboundary="DSN-BOUNDARY-1"',
    });
    const d = only(raw);
    expect(d.status).toBe("5.1.1");
    expect(d.reason).toBe("userunknown");
  });

  it("a parameter missing its ';' separator is still read", () => {
    const raw = dsnReport({
      notice: "Your message could not be delivered.",
      recipients: [RECIPIENT],
      contentType: 'Content-Type: multipart/report; report-type=delivery-status boundary="DSN-BOUNDARY-1"',
    });
    expect(only(raw).reason).toBe("userunknown");
  });

  it("a multipart whose boundary never closes yields the parts that are there", () => {
    const raw = dsnReport({ notice: "Delivery failed.", recipients: [RECIPIENT] })
      .replace(/\n--DSN-BOUNDARY-1--\n$/, "\n")
      .replace(/--DSN-BOUNDARY-1\nContent-Type: text\/rfc822-headers[\s\S]*$/, "");
    expect(raw).not.toContain("DSN-BOUNDARY-1--");
    expect(only(raw).hardBounce).toBe(true);
  });

  it("a declared charset that lies (latin1 bytes labelled utf-8) still gives the address and the reply", () => {
    const body =
      "Zustellung fehlgeschlagen f\xfcr:\n\n<gone@receiver.example>: 550 5.1.1 Benutzer unbekannt / user unknown\n";
    const raw = message([...DAEMON_HEAD, "MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8"], body);
    const d = only(Buffer.from(raw, "latin1") as unknown as string);
    expect(d.status).toBe("5.1.1");
  });

  it("a part with no header fields (it opens with its blank line) keeps its first paragraph as body", () => {
    // RFC 2046 5.1.1: a body part that starts with the blank line has no header fields.
    const raw = message(
      [...DAEMON_HEAD, "MIME-Version: 1.0", 'Content-Type: multipart/mixed; boundary="NO-HEADERS"'],
      [
        "--NO-HEADERS",
        "",
        "<gone@receiver.example>: host mx.receiver.example said: 550 5.1.1 <gone@receiver.example>:",
        "    Recipient address rejected: User unknown (in reply to RCPT TO command)",
        "",
        "This is the mail system at host mta.sender.example.",
        "--NO-HEADERS",
        "Content-Type: text/rfc822-headers",
        "",
        "From: campaigns@sender.example",
        "To: gone@receiver.example",
        "Subject: Hello",
        "--NO-HEADERS--",
        "",
      ].join("\n"),
    );
    const d = only(raw);
    expect(d.status).toBe("5.1.1");
    expect(d.reason).toBe("userunknown");
    expect(d.hardBounce).toBe(true);
    expect(only(raw.replace(/\n/g, "\r\n")).status).toBe("5.1.1");
  });

  it("a message saved with blank lines before its header fields is still read from its headers", () => {
    const raw = message(
      [...DAEMON_HEAD, "Content-Type: text/plain"],
      "<gone@receiver.example>: host mx.receiver.example said: 550 5.1.1 User unknown (in reply to RCPT TO command)\n",
    );
    expect(only("\n" + raw).status).toBe("5.1.1");
    expect(only("\r\n \r\n" + raw.replace(/\n/g, "\r\n")).status).toBe("5.1.1");
  });

  it("a multipart without any boundary parameter is read from its body as text", () => {
    const raw = message(
      [...DAEMON_HEAD, "MIME-Version: 1.0", "Content-Type: multipart/mixed"],
      "--whatever\nContent-Type: text/plain\n\n<gone@receiver.example>: host mx.receiver.example said: 550 5.1.1 user unknown (in reply to RCPT TO command)\n--whatever--\n",
    );
    expect(only(raw).reason).toBe("userunknown");
  });
});

describe("SES / SNS JSON line-folded in transit is unfolded before it is parsed", () => {
  const json = JSON.stringify({
    notificationType: "Bounce",
    bounce: {
      bounceType: "Permanent",
      bounceSubType: "General",
      bouncedRecipients: [
        {
          emailAddress: "gone@receiver.example",
          action: "failed",
          status: "5.1.1",
          diagnosticCode: "smtp; 550 5.1.1 user unknown",
        },
      ],
      reportingMTA: "dsn; a1-2.smtp-out.example",
    },
    mail: {
      source: "sender@sender.example",
      sourceArn: "arn:aws:ses:us-east-1:000000000000:identity/sender@sender.example",
      destination: ["gone@receiver.example"],
    },
  });
  const head = [
    "From: no-reply@sns.example",
    "To: bounces@sender.example",
    "Subject: AWS Notification Message",
    "MIME-Version: 1.0",
  ];

  it("folded at 76 with Sendmail's '!' continuations", () => {
    const folded = (json.match(/.{1,75}/g) ?? []).join("!\n");
    const d = only(message([...head, "Content-Type: text/plain"], folded + "\n"));
    expect(d.hardBounce).toBe(true);
  });

  it("quoted-printable with soft line breaks", () => {
    const qp = (json.replace(/=/g, "=3D").match(/.{1,70}/g) ?? []).join("=\n");
    expect(
      only(message([...head, "Content-Type: text/plain", "Content-Transfer-Encoding: quoted-printable"], qp + "\n"))
        .status,
    ).toBe("5.1.1");
  });

  it("broken at white space past 998 characters (RFC 5322 line limit) — a long diagnostic inside", () => {
    const long = JSON.parse(json);
    long.bounce.bouncedRecipients[0].diagnosticCode = "smtp; 550 5.1.1 user unknown " + "padding words ".repeat(90);
    const text = JSON.stringify(long);
    const cut = text.lastIndexOf(" ", 998);
    expect(
      only(message([...head, "Content-Type: text/plain"], text.slice(0, cut) + "\n" + text.slice(cut) + "\n")).reason,
    ).toBe("userunknown");
  });

  it("a JSON that cannot be repaired never yields the sender or its identity as a recipient", () => {
    const broken = json.slice(0, json.indexOf('"mail"') + 60) + "\n"; // cut in the middle of "mail"
    const a = analyzeMessage(message([...head, "Content-Type: text/plain"], broken));
    const recipients = a.diagnoses.map((d) => d.recipient);
    expect(recipients).not.toContain("sender@sender.example");
    expect(recipients.some((r) => r.includes("identity"))).toBe(false);
    expect(recipients).toEqual(["gone@receiver.example"]);
  });
});

describe("a bounce forwarded inside another message is found and read", () => {
  const bounce = dsnReport({ notice: "Your message could not be delivered.", recipients: [RECIPIENT] });

  it("as a message/rfc822 attachment of a person's forward", () => {
    const raw = message(
      [
        "From: Ann Helper <ann@sender.example>",
        "To: ops@sender.example",
        "Subject: Fwd: Undelivered Mail Returned to Sender",
        "MIME-Version: 1.0",
        'Content-Type: multipart/mixed; boundary="OUTER"',
      ],
      `--OUTER\nContent-Type: text/plain\n\nSee below.\n\n--OUTER\nContent-Type: message/rfc822\n\n${bounce}\n--OUTER--\n`,
    );
    const d = only(raw);
    expect(d.hardBounce).toBe(true);
  });

  it("inline, after a mail client's forwarding header block", () => {
    const notice =
      "This is the mail system at host mta.sender.example.\n\n<gone@receiver.example>: host mx.receiver.example[192.0.2.25] said: 550 5.1.1\n    <gone@receiver.example>: Recipient address rejected: User unknown (in reply to\n    RCPT TO command)\n";
    const raw = message(
      [
        "From: Ann Helper <ann@sender.example>",
        "To: ops@sender.example",
        "Subject: Fwd: Undelivered Mail Returned to Sender",
        "Content-Type: text/plain",
      ],
      "Can you check this one?\n\n---------- Forwarded message ---------\nFrom: Mail Delivery System <MAILER-DAEMON@mta.sender.example>\nDate: Mon, 7 Dec 2026 05:00:00 +0000\nSubject: Undelivered Mail Returned to Sender\nTo: <campaigns@sender.example>\n\n" +
        notice,
    );
    const d = only(raw);
    expect(d.reason).toBe("userunknown");
    expect(d.status).toBe("5.1.1");
  });

  it("a person's mail with an ordinary message attached ('Auto-Submitted: no', RFC 3834) is not unwrapped", () => {
    const attached = message(
      ["From: Bob <bob@receiver.example>", "To: carol@receiver.example", "Subject: Minutes", "Auto-Submitted: no"],
      "Here are the minutes.\n",
    );
    const a = analyzeMessage(
      message(
        [
          "From: Ann Helper <ann@sender.example>",
          "To: ops@sender.example",
          "Subject: Fwd: Minutes",
          "MIME-Version: 1.0",
          'Content-Type: multipart/mixed; boundary="OUTER"',
        ],
        `--OUTER\nContent-Type: text/plain\n\nFYI\n\n--OUTER\nContent-Type: message/rfc822\n\n${attached}\n--OUTER--\n`,
      ),
    );
    expect(a.diagnoses.filter((d) => d.bounceType !== "UNDETERMINED" || d.hardBounce)).toEqual([]);
  });

  it("a real bounce's returned original is never taken for a forwarded bounce", () => {
    const a = analyzeMessage(bounce);
    expect(a.diagnoses.map((d) => d.recipient)).toEqual(["gone@receiver.example"]);
  });
});
