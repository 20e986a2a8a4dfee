// Notices in the layouts MTAs document or are known to write, read by structure: Postfix's
// bounce(5) templates (failure and delay), Exim's "Mail delivery failed" and "Warning:
// message ... delayed" texts, qmail-send's bounce format (QSBMF), Sendmail's "Transcript of
// session follows", Lotus Domino's "was not delivered to ... because", MailMarshal's
// "Could not be delivered because of", and auto-replies and challenge/response requests that
// are no bounce at all. Every notice here is written from those documents, with example.*
// addresses; none comes from another project's samples.
import { describe, expect, it } from "vitest";
import { analyzeMessage, analyzeSmtpReply } from "../../src/core/bounce";
import { DAEMON_HEAD, dsnReport, message } from "../support/bounce.builders";

const withSubject = (subject: string, from = "Mail Delivery System <MAILER-DAEMON@mx.sender.example>") => [
  `From: ${from}`,
  "To: campaigns@sender.example",
  `Subject: ${subject}`,
  "Date: Mon, 7 Dec 2026 05:00:00 +0000",
];
const byRecipient = (raw: string) => new Map(analyzeMessage(raw).diagnoses.map((d) => [d.recipient, d]));

const POSTFIX_INTRO = [
  "This is the mail system at host mx.sender.example.",
  "",
  "I'm sorry to have to inform you that your message could not",
  "be delivered to one or more recipients. It's attached below.",
  "",
  "For further assistance, please send mail to postmaster.",
  "",
  "                   The mail system",
  "",
].join("\n");

const QMAIL_INTRO = [
  "Hi. This is the qmail-send program at mx.sender.example.",
  "I'm afraid I wasn't able to deliver your message to the following addresses.",
  "This is a permanent error; I've given up. Sorry it didn't work out.",
  "",
].join("\n");

const EXIM_INTRO = [
  "This message was created automatically by mail delivery software.",
  "",
  "A message that you sent could not be delivered to one or more of its",
  "recipients. This is a permanent error. The following address(es) failed:",
  "",
].join("\n");

describe("permanence from a notice's summary, read across its wrapped lines", () => {
  // Postfix's failure template wraps "could not\nbe delivered": a local delivery error
  // with no code (a full disk quota, procmail's exit status) is still a returned message.
  const cases: Array<[string, string]> = [
    [
      "local mailbox over its disk quota",
      "<full@receiver.example>: cannot update mailbox /var/mail/full for user full.\n    error writing message: Disk quota exceeded\n",
    ],
    [
      "procmail's quota error through a command",
      '<full@receiver.example> (expanded from <alias@receiver.example>): Command died\n    with status 73: "/usr/bin/procmail". Command output: procmail: Quota\n    exceeded while writing "/var/mail/full"\n',
    ],
  ];
  for (const [name, block] of cases) {
    it(`Postfix, ${name} → mailboxfull, permanent (inferred 5.0.0), not a bad address`, () => {
      const [d, ...rest] = analyzeMessage(message(DAEMON_HEAD, POSTFIX_INTRO + block)).diagnoses;
      expect(rest).toEqual([]);
      expect(d).toMatchObject({ recipient: "full@receiver.example", reason: "mailboxfull", bounceType: "HARD" });
      expect(d.status).toBe("5.0.0");
      expect(d.hardBounce).toBe(false);
      expect(d.evidence.join(" ")).toMatch(/inferred.*could not be delivered/);
    });
  }
});

describe("delay notices that say they are only a warning are temporary", () => {
  it("Postfix's delay template (could not be delivered for 4 hours, will be retried) → SOFT 4.0.0", () => {
    const body = [
      "This is the mail system at host mx.sender.example.",
      "",
      "####################################################################",
      "# THIS IS A WARNING ONLY.  YOU DO NOT NEED TO RESEND YOUR MESSAGE. #",
      "####################################################################",
      "",
      "Your message could not be delivered for more than 4 hour(s).",
      "It will be retried until it is 5 day(s) old.",
      "",
      "                   The mail system",
      "",
      "<later@receiver.example>: connect to mx.receiver.example[192.0.2.1]:25:",
      "    Connection timed out",
      "",
    ].join("\n");
    const [d] = analyzeMessage(message(withSubject("Delayed Mail (still being retried)"), body)).diagnoses;
    expect(d).toMatchObject({ recipient: "later@receiver.example", bounceType: "SOFT", status: "4.0.0" });
    expect(d.hardBounce).toBe(false);
    expect(d.evidence.join(" ")).toMatch(/inferred.*WARNING ONLY/);
  });
});

describe("a reply printed after the host that gave it (Exim), multi-line, is read whole", () => {
  it("host mx [ip]: 550-5.7.1 ... / 550-5.7.1 ... / 550 5.7.1 ... → one reply, spam words read", () => {
    const body =
      EXIM_INTRO +
      [
        "  gone@receiver.example",
        "    SMTP error from remote mail server after end of data:",
        "    host mx.receiver.example [192.0.2.1]: 550-5.7.1 Our system has detected that this message is",
        "    550-5.7.1 likely unsolicited mail. To reduce the amount of spam sent to us,",
        "    550 5.7.1 this message has been blocked.",
        "",
      ].join("\n");
    const [d] = analyzeMessage(
      message(withSubject("Mail delivery failed: returning message to sender"), body),
    ).diagnoses;
    expect(d).toMatchObject({ recipient: "gone@receiver.example", reason: "spamdetected", status: "5.7.1" });
    expect(d.diagnosticCode).toMatch(
      /^host mx\.receiver\.example \[192\.0\.2\.1\]: 550 5\.7\.1 Our system has detected/,
    );
    expect(d.diagnosticCode).not.toMatch(/550-/);
  });
});

describe("an MTA's wording in one recipient's block says nothing of the others", () => {
  it("qmail, three blocks: no mailbox / over quota / sender refused, each read on its own", () => {
    const m = byRecipient(
      message(
        withSubject("failure notice"),
        QMAIL_INTRO +
          [
            "<a@receiver.example>:",
            "Sorry, no mailbox here by that name. (#5.1.1)",
            "",
            "<b@receiver.example>:",
            "over quota",
            "",
            "<c@other.example>:",
            "Connected to 192.0.2.9 but sender was rejected.",
            "Remote host said: 553 sorry, your envelope sender has been denied (#5.7.1)",
            "",
            "--- Below this line is a copy of the message.",
            "",
            "From: campaigns@sender.example",
            "",
          ].join("\n"),
      ),
    );
    expect([...m.keys()]).toEqual(["a@receiver.example", "b@receiver.example", "c@other.example"]);
    expect(m.get("a@receiver.example")).toMatchObject({ reason: "userunknown", hardBounce: true });
    expect(m.get("b@receiver.example")).toMatchObject({ reason: "mailboxfull", hardBounce: false, bounceType: "HARD" });
    expect(m.get("c@other.example")).toMatchObject({ reason: "rejected", hardBounce: false, replyCode: 553 });
  });
});

describe("a reply printed once above the list of recipients stands for each of them", () => {
  it("MailMarshal: Could not be delivered because of <reply> / The following recipients were affected", () => {
    const body = [
      "Your message:",
      "",
      "   From:    campaigns@sender.example",
      "   Subject: Hello",
      "",
      "Could not be delivered because of",
      "",
      "550 5.1.1 User unknown",
      "",
      "The following recipients were affected:",
      "    gone@receiver.example",
      "    left@receiver.example",
      "",
    ].join("\n");
    const ds = analyzeMessage(
      message(withSubject("Undeliverable: Hello", "MailMarshal <postmaster@receiver.example>"), body),
    ).diagnoses;
    expect(ds.map((d) => d.recipient)).toEqual(["gone@receiver.example", "left@receiver.example"]);
    for (const d of ds)
      expect(d).toMatchObject({ reason: "userunknown", status: "5.1.1", replyCode: 550, hardBounce: true });
  });

  it("two different replies above the list: neither is given to the recipients", () => {
    const body = [
      "Could not be delivered because of",
      "",
      "550 5.1.1 User unknown",
      "",
      "and",
      "",
      "452 4.2.2 Mailbox full",
      "",
      "The following recipients were affected:",
      "    gone@receiver.example",
      "",
    ].join("\n");
    const [d] = analyzeMessage(message(DAEMON_HEAD, body)).diagnoses;
    expect(d.recipient).toBe("gone@receiver.example");
    expect(d.replyCode).toBeNull();
  });
});

describe("old text notices with no code: the notice's own verdict decides permanence", () => {
  const cases: Array<[string, string[], string]> = [
    [
      'Hotmail\'s "Delivery to the following recipients failed."',
      withSubject("Delivery Status Notification (Failure)", "postmaster@mail.receiver.example"),
      "This is an automatically generated Delivery Status Notification.\n\nDelivery to the following recipients failed.\n\n       gone@receiver.example\n",
    ],
    [
      'a "Unable to deliver message to the following address(es)." notice',
      withSubject("failure delivery", "MAILER-DAEMON@mail.receiver.example"),
      "Message from receiver.example.\nUnable to deliver message to the following address(es).\n\n<gone@receiver.example>:\nThis address is not accepting messages at this time (gone@receiver.example) [-1]\n",
    ],
    [
      'Lotus Domino\'s "was not delivered to ... because:"',
      withSubject("DELIVERY FAILURE: Router: No route found to domain", "Postmaster <postmaster@receiver.example>"),
      "Your message\n\n  Subject: Hello\n\nwas not delivered to:\n\n  gone@receiver.example\n\nbecause:\n\n  Router: No route found to domain receiver.example from server mail/receiver.\n",
    ],
  ];
  for (const [name, headers, body] of cases) {
    it(`${name} → permanent, an inferred 5.0.0 said so in evidence`, () => {
      const [d, ...rest] = analyzeMessage(message(headers, body)).diagnoses;
      expect(rest).toEqual([]);
      expect(d.recipient).toBe("gone@receiver.example");
      expect(d.bounceType).toBe("HARD");
      expect(d.status).toBe("5.0.0");
      expect(d.evidence.join(" ")).toMatch(/status 5\.0\.0 inferred/);
    });
  }

  it('Sendmail\'s returned message: "Deferred" attempts under "permanent fatal errors" → permanent', () => {
    const body = [
      "The original message was received at Wed, 2 Dec 2026 05:00:00 +0000",
      "from localhost [127.0.0.1]",
      "",
      "   ----- The following addresses had permanent fatal errors -----",
      "<late@receiver.example>",
      "",
      "   ----- Transcript of session follows -----",
      "<late@receiver.example>... Deferred: Connection refused by mx.receiver.example.",
      "Message could not be delivered for 5 days",
      "Message will be deleted from queue",
      "",
    ].join("\n");
    const [d] = analyzeMessage(
      message(withSubject("Returned mail: Cannot send message for 5 days", "MAILER-DAEMON@mx.sender.example"), body),
    ).diagnoses;
    expect(d.recipient).toBe("late@receiver.example");
    expect(d).toMatchObject({ bounceType: "HARD", status: "5.0.0", hardBounce: false });
    expect(d.evidence.join(" ")).toMatch(/summary says "permanent fatal"/);
  });

  it('Sendmail\'s delay warning: the same "Deferred" block under a warning → temporary', () => {
    const body = [
      "    **********************************************",
      "    **      THIS IS A WARNING MESSAGE ONLY      **",
      "    **  YOU DO NOT NEED TO RESEND YOUR MESSAGE  **",
      "    **********************************************",
      "",
      "The original message was received at Mon, 7 Dec 2026 01:00:00 +0000",
      "",
      "   ----- Transcript of session follows -----",
      "<later@receiver.example>... Deferred: Connection refused by mx.receiver.example.",
      "Warning: message still undelivered after 4 hours",
      "Will keep trying until message is 5 days old",
      "",
    ].join("\n");
    const [d] = analyzeMessage(
      message(withSubject("Warning: could not send message for past 4 hours", "MAILER-DAEMON@mx.sender.example"), body),
    ).diagnoses;
    expect(d).toMatchObject({
      recipient: "later@receiver.example",
      bounceType: "SOFT",
      status: "4.0.0",
      hardBounce: false,
    });
  });
});

describe("a challenge/response request is no bounce", () => {
  it("TMDA-style: held until the sender confirms by replying (Auto-Submitted set) → no row at all", () => {
    const a = analyzeMessage(
      message(
        [
          ...withSubject("Please confirm your message", "bob-confirm+abc@receiver.example"),
          "Auto-Submitted: auto-replied",
        ],
        [
          "Your message attached below is being held because the address",
          "<campaigns@sender.example> has not been verified.",
          "",
          "To release your message for delivery, please send an empty message",
          'to the following address, or use your mailer\'s "Reply" feature.',
          "",
          "   bob-confirm+abc@receiver.example",
          "",
        ].join("\n"),
      ),
    );
    expect(a.diagnoses).toEqual([]);
    expect(a.error).toMatch(/challenge\/response/);
  });
});

describe("session transcripts: the failure speaks, and only for its own recipient", () => {
  it("a time-stamped transcript (--> / <--): the RCPT refusal, never the earlier 250 2.1.0", () => {
    const body = [
      "The attached message had PERMANENT fatal delivery errors!",
      "",
      "YOUR MAIL WAS NOT DELIVERED TO ANY OF ITS RECIPIENTS!",
      "",
      "--- Session Transcript ---",
      " Mon 2026-12-07 05:00:00: Parsing message <c:\\mdaemon\\remoteq\\pd35000001.msg>",
      " Mon 2026-12-07 05:00:00: *  From: campaigns@sender.example",
      " Mon 2026-12-07 05:00:00: *  To: gone@receiver.example",
      " Mon 2026-12-07 05:00:00: Attempting SMTP connection to [mx.receiver.example : 25]",
      " Mon 2026-12-07 05:00:01: --> MAIL From:<campaigns@sender.example> SIZE=2048",
      " Mon 2026-12-07 05:00:01: <-- 250 2.1.0 Ok",
      " Mon 2026-12-07 05:00:01: --> RCPT To:<gone@receiver.example>",
      " Mon 2026-12-07 05:00:01: <-- 550 5.1.1 <gone@receiver.example>: Recipient address rejected: User unknown",
      "--- End Transcript ---",
      "",
    ].join("\n");
    const a = analyzeMessage(message(withSubject("Permanent Delivery Failure", "MDaemon@mail.sender.example"), body));
    expect(a.kind).toBe("bounce");
    expect(a.diagnoses.map((d) => d.recipient)).toEqual(["gone@receiver.example"]);
    expect(a.diagnoses[0]).toMatchObject({ reason: "userunknown", status: "5.1.1", replyCode: 550, hardBounce: true });
  });

  it("Sendmail, two recipients and one transcript: each keeps its own (reason: ...) reply", () => {
    const body = [
      "   ----- The following addresses had permanent fatal errors -----",
      "<full@receiver.example>",
      "    (reason: 552 5.2.2 Mailbox over quota)",
      "<gone@receiver.example>",
      "    (reason: 550 5.1.1 User unknown)",
      "",
      "   ----- Transcript of session follows -----",
      "... while talking to mx.receiver.example.:",
      ">>> DATA",
      "<<< 552 5.2.2 <full@receiver.example>... Mailbox over quota",
      "<<< 550 5.1.1 <gone@receiver.example>... User unknown",
      "554 5.0.0 Service unavailable",
      "",
    ].join("\n");
    const m = byRecipient(message(withSubject("Returned mail: see transcript for details"), body));
    expect(m.get("full@receiver.example")).toMatchObject({ reason: "mailboxfull", status: "5.2.2", hardBounce: false });
    expect(m.get("gone@receiver.example")).toMatchObject({ reason: "userunknown", status: "5.1.1", replyCode: 550 });
  });
});

describe("localised notices: the refusal and the verdict in the template's language", () => {
  const cases: Array<[string, string]> = [
    [
      "German",
      "Ihre Nachricht konnte an einen oder mehrere Empfänger nicht zugestellt werden.\nDies ist ein permanenter Fehler.\n\n  gone@receiver.example\n    Unbekannter Empfänger\n",
    ],
    [
      "French",
      "Votre message n'a pas pu être remis aux destinataires suivants :\n\n  gone@receiver.example\n    Destinataire inconnu : adresse introuvable\n",
    ],
  ];
  for (const [language, body] of cases) {
    it(`${language}: unknown recipient, permanent (inferred 5.0.0)`, () => {
      // The bytes as they arrive (UTF-8 in the body, declared in Content-Type).
      const [d] = analyzeMessage(
        Buffer.from(message([...withSubject("Undelivered Mail"), "Content-Type: text/plain; charset=utf-8"], body)),
      ).diagnoses;
      expect(d).toMatchObject({ recipient: "gone@receiver.example", reason: "userunknown", status: "5.0.0" });
      expect(d.hardBounce).toBe(true);
    });
  }
});

describe("addresses by role: only the recipients the message failed for", () => {
  it("a notice listing delivered and failed recipients reports only the failed one", () => {
    const body = [
      "Your message was delivered to the following recipients:",
      "",
      "    reached@receiver.example",
      "",
      "Your message could not be delivered to the following recipients:",
      "",
      "    gone@receiver.example",
      "        550 5.1.1 User unknown",
      "",
    ].join("\n");
    const ds = analyzeMessage(
      message(withSubject("Delivery Report", "Postmaster <postmaster@receiver.example>"), body),
    ).diagnoses;
    expect(ds.map((d) => d.recipient)).toEqual(["gone@receiver.example"]);
    expect(ds[0]).toMatchObject({ reason: "userunknown", status: "5.1.1" });
  });

  it("Exchange: a recipient whose delivery is complete is no failure, and the failed one keeps its reply", () => {
    const body = [
      "Delivery has failed to these recipients or groups:",
      "",
      "gone@receiver.example",
      "The email address you entered couldn't be found.",
      "",
      "Delivery to these recipients or groups is complete, but no delivery notification was sent by the destination server:",
      "",
      "reached@receiver.example",
      "",
      "Diagnostic information for administrators:",
      "",
      "Generating server: mail.receiver.example",
      "",
      "gone@receiver.example",
      "mail.receiver.example",
      "Remote Server returned '550 5.1.1 <gone@receiver.example>: Recipient address rejected: User unknown'",
      "",
      "reached@receiver.example",
      "mail.receiver.example",
      "Remote Server returned '250 2.0.0 OK'",
      "",
    ].join("\n");
    const ds = analyzeMessage(
      message(withSubject("Undeliverable: Hello", "Microsoft Outlook <postmaster@receiver.example>"), body),
    ).diagnoses;
    expect(ds.map((d) => d.recipient)).toEqual(["gone@receiver.example"]);
    expect(ds[0]).toMatchObject({ reason: "userunknown", status: "5.1.1", replyCode: 550, hardBounce: true });
  });

  it("a second listing (the administrators' part) gives each recipient its own reply", () => {
    const body = [
      "Delivery has failed to these recipients or groups:",
      "",
      "gone@receiver.example",
      "full@receiver.example",
      "",
      "Diagnostic information for administrators:",
      "",
      "gone@receiver.example",
      "Remote Server returned '550 5.1.1 User unknown'",
      "",
      "full@receiver.example",
      "Remote Server returned '552 5.2.2 Mailbox full'",
      "",
    ].join("\n");
    const m = byRecipient(message(withSubject("Undeliverable: Hello"), body));
    expect(m.get("gone@receiver.example")).toMatchObject({ reason: "userunknown", status: "5.1.1" });
    expect(m.get("full@receiver.example")).toMatchObject({ reason: "mailboxfull", status: "5.2.2" });
  });

  it("Sendmail's local mailer names the local part only: of the original's To, only that one", () => {
    const body = [
      "   ----- The following addresses had permanent fatal errors -----",
      "gone",
      "    (reason: 550 5.1.1 gone... User unknown)",
      "",
      "   ----- Transcript of session follows -----",
      "550 5.1.1 gone... User unknown",
      "",
      "   ----- Original message follows -----",
      "",
      "Return-Path: <campaigns@sender.example>",
      "From: campaigns@sender.example",
      "To: gone@receiver.example, reached@receiver.example",
      "Subject: Hello",
      "",
      "Hi",
    ].join("\n");
    const ds = analyzeMessage(message(withSubject("Returned mail: User unknown"), body)).diagnoses;
    expect(ds.map((d) => d.recipient)).toEqual(["gone@receiver.example"]);
    expect(ds[0]).toMatchObject({ reason: "userunknown", status: "5.1.1" });
  });
});

describe("codes by class, read with their words", () => {
  it('5.1.10 with "recipient not found" (Microsoft\'s answer) is an unknown recipient; a null MX is not', () => {
    expect(
      analyzeSmtpReply("550 5.1.10 Recipient not found by SMTP address lookup", "gone@receiver.example"),
    ).toMatchObject({ reason: "userunknown", status: "5.1.10", hardBounce: true });
    expect(analyzeSmtpReply("556 5.1.10 Recipient address has null MX", "x@nullmx.example")).toMatchObject({
      reason: "notaccept",
      status: "5.1.10",
    });
  });

  it('"Delivery has failed." with no code and no reason → permanent, inferred 5.0.0', () => {
    const d = analyzeMessage(
      message(
        [...withSubject("Mail delivery failed"), "X-Failed-Recipients: gone@receiver.example"],
        "Delivery has failed. See the attached message.\n",
      ),
    ).diagnoses[0];
    expect(d).toMatchObject({ recipient: "gone@receiver.example", bounceType: "HARD", status: "5.0.0" });
  });
});

describe("a Status field written as the server's whole reply", () => {
  it('"Status: 550 5.1.1 user unknown" gives the status 5.1.1, and the reply as the diagnostic', () => {
    const raw = dsnReport({
      notice: "Report.",
      recipients: [
        ["Final-Recipient: rfc822;gone@receiver.example", "Action: failed", "Status: 550 5.1.1 user unknown"],
      ],
    });
    const [d] = analyzeMessage(raw).diagnoses;
    expect(d).toMatchObject({ recipient: "gone@receiver.example", status: "5.1.1", reason: "userunknown" });
    expect(d.diagnosticCode).toBe("550 5.1.1 user unknown");
  });
});

describe("a notice that is still trying is temporary; one that stopped is permanent", () => {
  const gmail = (subject: string) =>
    withSubject(subject, "Mail Delivery Subsystem <mailer-daemon@mail.sender.example>");
  it('"will retry for 47 more hours. You\'ll be notified if the delivery fails permanently" → SOFT 4.0.0', () => {
    const [d] = analyzeMessage(
      message(
        gmail("Delivery Status Notification (Delay)"),
        "Delivery incomplete\n\nThere was a temporary problem delivering your message to later@receiver.example. We will retry for 47 more hours. You'll be notified if the delivery fails permanently.\n\nThe response was:\n\nThe recipient server did not accept our requests to connect. [mx.receiver.example 192.0.2.1: timed out]\n",
      ),
    ).diagnoses;
    expect(d).toMatchObject({
      recipient: "later@receiver.example",
      bounceType: "SOFT",
      status: "4.0.0",
      hardBounce: false,
    });
  });

  it('"Message not delivered" after the retries ran out → permanent, inferred 5.0.0', () => {
    const [d] = analyzeMessage(
      message(
        gmail("Delivery Status Notification (Failure)"),
        "Message not delivered\n\nThere was a problem delivering your message to gone@receiver.example. See the technical details below.\n\nThe response was:\n\nThe recipient server did not accept our requests to connect. [mx.receiver.example 192.0.2.1: timed out]\n",
      ),
    ).diagnoses;
    expect(d).toMatchObject({
      recipient: "gone@receiver.example",
      bounceType: "HARD",
      status: "5.0.0",
      hardBounce: false,
    });
  });
});

describe("the cause printed above the recipients, when their own lines name none", () => {
  it('"undeliverable due to the following reason: ... not reachable within the allowed queue period" → expired', () => {
    const body = [
      "This Message was undeliverable due to the following reason:",
      "",
      "Your message was not delivered because the destination computer was",
      "not reachable within the allowed queue period.",
      "",
      "The following recipients did not receive this message:",
      "",
      "     <late@receiver.example>",
      "",
      "Please reply to Postmaster@mail.sender.example",
      "if you feel this message to be in error.",
      "",
    ].join("\n");
    const [d] = analyzeMessage(message(withSubject("Mail System Error - Returned Mail"), body)).diagnoses;
    expect(d).toMatchObject({ recipient: "late@receiver.example", reason: "expired", bounceType: "HARD" });
    expect(d.evidence.join(" ")).toMatch(/summary above the recipients/);
  });

  it("qmail-like \"I'm afraid I wasn't able to deliver\" with an expired account → suspend, permanent", () => {
    const body =
      "Hi. This is the deliver program at mail.receiver.example.\nI'm afraid I wasn't able to deliver your message to the following addresses.\n\n<gone@receiver.example>:\nThe user's account has expired.\n";
    const [d] = analyzeMessage(message(withSubject("Returned mail"), body)).diagnoses;
    expect(d).toMatchObject({
      recipient: "gone@receiver.example",
      reason: "suspend",
      status: "5.0.0",
      hardBounce: false,
    });
  });
});

describe("a list of recipients under one heading, its words printed once", () => {
  it("every address of a delivered list drops out; the failed list's reply below it is each one's", () => {
    const body = [
      "Your message was delivered to the following recipients:",
      "",
      "    reached@receiver.example",
      "    glad@receiver.example",
      "",
      "Your message could not be delivered to the following recipients:",
      "",
      "    gone@receiver.example",
      "    left@receiver.example",
      "",
      "Reason: 550 5.1.1 User unknown",
      "",
    ].join("\n");
    const ds = analyzeMessage(
      message(withSubject("Delivery Report", "Postmaster <postmaster@receiver.example>"), body),
    ).diagnoses;
    expect(ds.map((d) => d.recipient)).toEqual(["gone@receiver.example", "left@receiver.example"]);
    for (const d of ds) expect(d).toMatchObject({ reason: "userunknown", status: "5.1.1", replyCode: 550 });
  });
});

describe("a refusal of the sender's address is never the recipient's fault", () => {
  it("550 5.1.0 in reply to MAIL FROM → rejected, no hard bounce", () => {
    const body =
      POSTFIX_INTRO +
      "<gone@receiver.example>: host mx.receiver.example[192.0.2.1] said: 550 5.1.0\n    <campaigns@sender.example>: Sender address rejected: Domain not found (in\n    reply to MAIL FROM command)\n";
    const ds = analyzeMessage(message(DAEMON_HEAD, body)).diagnoses;
    expect(ds.map((d) => d.recipient)).toEqual(["gone@receiver.example"]);
    expect(ds[0]).toMatchObject({ reason: "rejected", hardBounce: false });
  });

  it("Postfix's delayed sender check answered at RCPT: the sender's address is no row, the refusal is rejected", () => {
    // No To: header and no returned message: the sender's address is known only by its role.
    const head = ["From: MAILER-DAEMON@mx.sender.example", "Subject: Undelivered Mail Returned to Sender"];
    const body =
      POSTFIX_INTRO +
      "<gone@receiver.example>: host mx.receiver.example[192.0.2.1] said: 550 5.1.0\n    <campaigns@sender.example>: Sender address rejected: Domain not found (in\n    reply to RCPT TO command)\n";
    const ds = analyzeMessage(message(head, body)).diagnoses;
    expect(ds.map((d) => d.recipient)).toEqual(["gone@receiver.example"]);
    expect(ds[0]).toMatchObject({ reason: "rejected", hardBounce: false, status: "5.1.0" });
    expect(ds[0].diagnosticCode).toMatch(/Sender address rejected: Domain not found/);
  });

  it('a bare reply that names the sender ("550 5.1.0 Sender rejected") → rejected', () => {
    expect(analyzeSmtpReply("550 5.1.0 Sender rejected", "gone@receiver.example")).toMatchObject({
      reason: "rejected",
      hardBounce: false,
    });
  });
});

describe("the remote server's reply over a relay's generic summary", () => {
  it("Diagnostic-Code 554 5.0.0 from the relay, the notice quoting 550 5.1.1 from the server → 5.1.1", () => {
    const raw = dsnReport({
      notice:
        "<gone@receiver.example>: host mx.receiver.example[192.0.2.1] said: 550 5.1.1\n    <gone@receiver.example>: Recipient address rejected: User unknown (in\n    reply to RCPT TO command)",
      recipients: [
        [
          "Final-Recipient: rfc822; gone@receiver.example",
          "Action: failed",
          "Status: 5.0.0",
          "Diagnostic-Code: smtp; 554 5.0.0 Service unavailable",
        ],
      ],
    });
    const [d] = analyzeMessage(raw).diagnoses;
    expect(d).toMatchObject({ reason: "userunknown", status: "5.1.1", replyCode: 550, hardBounce: true });
  });

  it("an RFC 3463 x.2.x code no table names → a mailbox-side refusal (filtered), not onhold", () => {
    expect(analyzeSmtpReply("550 5.2.9 Rejected", "gone@receiver.example")).toMatchObject({
      reason: "filtered",
      status: "5.2.9",
    });
  });
});

describe("auto-replies known only by their words (no RFC 3834 header, a plain subject)", () => {
  const bodies = [
    "I will be out of the office from 7 to 14 December with no access to email.",
    "I'm on vacation until Monday and will reply when I return.",
    "Thank you for your email. I am on annual leave until 14 December.",
    "Ich bin bis 14.12. im Urlaub und lese keine E-Mails.",
    "Je suis en congés jusqu'au 14 décembre.",
    "Estaré fuera de la oficina hasta el 14 de diciembre.",
  ];
  for (const body of bodies) {
    it(`"${body.slice(0, 40)}…" → a vacation answer, no failure row`, () => {
      const a = analyzeMessage(
        Buffer.from(
          message(
            [
              "From: Bob <bob@receiver.example>",
              "To: campaigns@sender.example",
              "Subject: Re: Hello",
              "Content-Type: text/plain; charset=utf-8",
            ],
            body,
          ),
        ),
      );
      expect(a.kind).toBe("vacation");
      expect(a.diagnoses.map((d) => [d.recipient, d.reason, d.hardBounce])).toEqual([
        ["bob@receiver.example", "vacation", false],
      ]);
    });
  }
});

describe("an unknown-recipient refusal in other words, with no code and no stage", () => {
  for (const words of [
    "No such user",
    "No such mailbox",
    "Invalid recipient",
    "Mailbox does not exist",
    "unknown or illegal alias",
  ]) {
    it(`"${words}" → userunknown, hard, inferred 5.0.0`, () => {
      const body = `${POSTFIX_INTRO}<gone@receiver.example>: ${words}\n`;
      const [d] = analyzeMessage(message(DAEMON_HEAD, body)).diagnoses;
      expect(d).toMatchObject({
        recipient: "gone@receiver.example",
        reason: "userunknown",
        status: "5.0.0",
        hardBounce: true,
      });
    });
  }
  it('with a reply code and no stage, "550 No such user" stays a recipient-side refusal (filtered)', () => {
    const [d] = analyzeMessage(
      message(DAEMON_HEAD, `${POSTFIX_INTRO}<gone@receiver.example>: 550 No such user\n`),
    ).diagnoses;
    expect(d).toMatchObject({ reason: "filtered", hardBounce: false });
  });
});

describe("causes named in words only", () => {
  const cases: Array<[string, string]> = [
    ["This account is over its storage limit", "mailboxfull"],
    ["This mailbox has been deactivated", "suspend"],
    ["Domain not found", "hostunknown"],
    ["Mail loop detected", "systemerror"],
  ];
  for (const [words, reason] of cases) {
    it(`"${words}" → ${reason}`, () => {
      const [d] = analyzeMessage(message(DAEMON_HEAD, `${POSTFIX_INTRO}<gone@receiver.example>: ${words}\n`)).diagnoses;
      expect(d.reason).toBe(reason);
    });
  }
});

describe("Exim's text generated during the delivery attempts, one section per recipient", () => {
  it('"------ a@b ------" sections give each listed recipient its own reply', () => {
    const body =
      EXIM_INTRO +
      [
        "  gone@receiver.example",
        "  full@other.example",
        "",
        "The following text was generated during the delivery attempts:",
        "",
        "------ gone@receiver.example ------",
        "",
        "SMTP error from remote mail server after RCPT TO:<gone@receiver.example>:",
        "host mx.receiver.example [192.0.2.1]: 550 5.1.1 User unknown",
        "",
        "------ full@other.example ------",
        "",
        "SMTP error from remote mail server after RCPT TO:<full@other.example>:",
        "host mx.other.example [192.0.2.2]: 552 5.2.2 Mailbox full",
        "",
      ].join("\n");
    const m = byRecipient(message(withSubject("Mail delivery failed: returning message to sender"), body));
    expect(m.get("gone@receiver.example")).toMatchObject({ reason: "userunknown", status: "5.1.1", hardBounce: true });
    expect(m.get("full@other.example")).toMatchObject({ reason: "mailboxfull", status: "5.2.2", hardBounce: false });
  });
});

describe("a failure subject that names the recipient, when the body names none", () => {
  it('Domino: "DELIVERY FAILURE: User x (a@b) not listed in Domino Directory" → that address, userunknown', () => {
    const a = analyzeMessage(
      message(
        withSubject(
          "DELIVERY FAILURE: User gone (gone@receiver.example) not listed in Domino Directory",
          "Postmaster <postmaster@receiver.example>",
        ),
        "Your message\n\n  Subject: Hello\n\nwas not delivered because the recipient is not listed in the directory.\n",
      ),
    );
    expect(a.diagnoses.map((d) => [d.recipient, d.reason, d.hardBounce])).toEqual([
      ["gone@receiver.example", "userunknown", true],
    ]);
  });

  it("an address later in the subject is the returned message's own subject, not a recipient", () => {
    const a = analyzeMessage(
      message(withSubject("Undeliverable: Call with bob@partner.example"), "The mailbox does not exist.\n"),
    );
    expect(a.diagnoses).toEqual([]);
  });
});
