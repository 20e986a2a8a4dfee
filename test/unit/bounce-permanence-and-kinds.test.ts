// Permanence from the words when a notice gives no code, messages that are not bounces,
// and families read by structure with the RFC 3463 class as the fallback. Written from
// RFC 3463 (class and subject), RFC 3464 (Action: delayed), RFC 3834 (automatic
// responses), RFC 7505 (null MX, 5.1.10), RFC 5321 §3.3 (MAIL / RCPT / DATA stages) and
// the bounce texts that qmail, Exim and Sendmail document.
import { describe, expect, it } from "vitest";
import { analyzeMessage } from "../../src/core/bounce";
import { DAEMON_HEAD, dsnReport, message } from "../support/bounce.builders";

const notice = (body: string, headers = DAEMON_HEAD) => analyzeMessage(message(headers, body));
const first = (body: string, headers = DAEMON_HEAD) => notice(body, headers).diagnoses[0];

describe("permanence from the words when there is no code", () => {
  const hard: Array<[string, string]> = [
    ["unknown user", "<gone@receiver.example>:\nunknown user: gone\n"],
    ["no such domain", "<gone@nowhere.example>:\nNo such domain at this location\n"],
    ["account disabled", "<gone@receiver.example>:\nThe account has been disabled or discontinued\n"],
    ["unrouteable mail domain", '  gone@nowhere.example\n    Unrouteable mail domain "nowhere.example"\n'],
    [
      "qmail's permanent error sentence",
      "Hi. This is the qmail-send program at mta.sender.example.\nI'm afraid I wasn't able to deliver your message to the following addresses.\nThis is a permanent error; I've given up. Sorry it didn't work out.\n\n<gone@receiver.example>:\nThis address no longer accepts mail.\n",
    ],
    ["giving up", "<gone@receiver.example>:\nConnection refused. Giving up on receiver.example.\n"],
  ];
  for (const [name, body] of hard) {
    it(`"${name}" → permanent (HARD) with an inferred 5.0.0, said so in evidence`, () => {
      const d = first(body);
      expect(d.bounceType).toBe("HARD");
      expect(d.status?.[0]).toBe("5");
      expect(d.replyCode).toBeNull();
      expect(d.evidence.join(" ")).toMatch(/inferred/);
    });
  }

  // RFC 5321 §3.3: a recipient is refused as unknown in answer to RCPT TO; a notice that
  // names no stage and gives no code is read the same way (the words name a bad address,
  // nothing says a filter after DATA spoke), and the class is inferred from those words.
  for (const words of ["unknown user", "user unknown", "User unknown"]) {
    for (const [layout, body] of [
      ["on the address line", `<gone@receiver.example>: ${words}\n`],
      ["on the line below the address", `<gone@receiver.example>:\n${words}\n`],
      ["after Sendmail's dots", `gone@receiver.example... ${words}\n`],
    ]) {
      it(`"${words}" ${layout}, with no stage and no code → userunknown, HARD, inferred 5.0.0`, () => {
        const d = first(body);
        expect(d.recipient).toBe("gone@receiver.example");
        expect(d.reason).toBe("userunknown");
        expect(d.bounceType).toBe("HARD");
        expect(d.hardBounce).toBe(true);
        expect(d.replyCode).toBeNull();
        expect(d.status).toBe("5.0.0");
        expect(d.evidence.join(" ")).toMatch(/status 5\.0\.0 inferred \(no code given\)/);
      });
    }
  }

  it('"user unknown" after DATA stays a recipient-side filter, not a bad address', () => {
    const d = first("<gone@receiver.example>:\nuser unknown (in reply to end of DATA command)\n");
    expect(d.reason).toBe("filtered");
    expect(d.hardBounce).toBe(false);
  });

  it('"will keep trying" → temporary (SOFT) with an inferred 4.0.0, expired, never hard', () => {
    const d = first(
      "This is a warning message only; you do not need to resend your message.\n\n<later@receiver.example>:\nConnection timed out. The mail system will keep trying to deliver it for 5 days.\n",
    );
    expect(d.bounceType).toBe("SOFT");
    expect(d.status).toBe("4.0.0");
    expect(d.hardBounce).toBe(false);
    expect(d.evidence.join(" ")).toMatch(/inferred/);
  });

  it("UNDETERMINED only when nothing says either way", () => {
    const d = first("<who@receiver.example>:\nSomething happened to this message.\n");
    expect(d.bounceType).toBe("UNDETERMINED");
    expect(d.hardBounce).toBe(false);
  });
});

describe("not every message to a bounce address is a bounce", () => {
  const person = [
    "From: Erika Muster <erika@receiver.example>",
    "To: campaigns@sender.example",
    "Date: Mon, 7 Dec 2026 05:00:00 +0000",
  ];
  const autoReplies: Array<[string, string]> = [
    ["Abwesenheitsnotiz: Ihre Nachricht", "Ich bin bis 14.12. nicht im Büro und lese keine E-Mails."],
    ["Automatische Antwort: Angebot", "Vielen Dank für Ihre Nachricht. Ich bin ab Montag wieder erreichbar."],
    ["Réponse automatique : votre message", "Je suis absente du bureau jusqu'au 14 décembre."],
    ["Respuesta automática: oferta", "Estoy fuera de la oficina hasta el lunes."],
    ["Risposta automatica: offerta", "Sono fuori ufficio fino a lunedì."],
    ["Automatisch antwoord: offerte", "Ik ben afwezig tot maandag."],
    ["Out of Office: your offer", "I am out of the office until Monday with limited access to email."],
    // Outlook's "Automatic reply:" prefix as its other locales write it, subjects as RFC 2047 words
    ...[
      ["Automatyczna odpowiedź: oferta", "Jestem poza biurem do poniedziałku."],
      ["Automatisk svar: tilbud", "Jeg er på ferie indtil mandag."],
      ["Automaattinen vastaus: tarjous", "Olen lomalla maanantaihin asti."],
      ["Otomatik yanıt: teklif", "Pazartesiye kadar ofis dışındayım."],
      ["Automatická odpověď: nabídka", "Jsem mimo kancelář do pondělí."],
      ["Automatikus válasz: ajánlat", "Hétfőig szabadságon vagyok."],
      ["Автоматический ответ: предложение", "Я в отпуске до понедельника."],
      ["Αυτόματη απάντηση: προσφορά", "Θα είμαι εκτός γραφείου έως τη Δευτέρα."],
      ["자동 회신: 제안", "월요일까지 부재중입니다."],
      ["自動回覆: 報價", "我目前不在辦公室，將於週一返回。"],
    ].map(([subject, body]): [string, string] => [`=?UTF-8?B?${Buffer.from(subject).toString("base64")}?=`, body]),
  ];
  for (const [subject, body] of autoReplies) {
    const shown = subject.startsWith("=?") ? Buffer.from(subject.slice(10, -2), "base64").toString() : subject;
    it(`an auto-reply without RFC 3834 headers ("${shown.split(":")[0]}") is a vacation, never a failure row`, () => {
      const a = notice(body + "\n", [...person, `Subject: ${subject}`, "Content-Type: text/plain; charset=utf-8"]);
      expect(a.kind).toBe("vacation");
      expect(
        a.diagnoses.every((d) => d.reason === "vacation" && !d.hardBounce && d.bounceType === "UNDETERMINED"),
      ).toBe(true);
    });
  }

  it("an RFC 3834 auto-reply (Auto-Submitted: auto-replied) with a neutral subject is a vacation", () => {
    const a = notice("Thanks, I will answer on my return.\n", [
      ...person,
      "Subject: Re: your offer",
      "Auto-Submitted: auto-replied",
    ]);
    expect(a.kind).toBe("vacation");
  });

  it("a challenge/response (whitelist confirmation) request is reported as such, with no failure row", () => {
    const a = notice(
      "Hello, I use a spam filter that requires senders to confirm their address once.\nPlease click the link below to verify that you are a real person and your message will be delivered:\nhttps://confirm.example/verify?id=123\n",
      [
        "From: Erika Muster <erika@receiver.example>",
        "To: campaigns@sender.example",
        "Subject: Please confirm your message to erika@receiver.example",
        "Auto-Submitted: auto-replied",
      ],
    );
    expect(a.diagnoses.some((d) => d.hardBounce || d.bounceType !== "UNDETERMINED")).toBe(false);
    expect(a.kind === "vacation" || a.kind === "unknown").toBe(true);
    expect(`${a.error ?? ""} ${a.diagnoses.map((d) => d.evidence.join(" ")).join(" ")}`).toMatch(/challenge/i);
  });

  it("a spam report that is not ARF is a complaint (feedback), never a bounce", () => {
    const a = notice(
      "This message was reported as spam by one of our users (erika@receiver.example).\nPlease remove this address from your mailing list.\n",
      [
        "From: Abuse Desk <abuse@receiver.example>",
        "To: campaigns@sender.example",
        "Subject: Spam report: message from sender.example",
      ],
    );
    expect(a.kind).toBe("feedback");
    expect(a.diagnoses.every((d) => d.reason === "feedback" && !d.hardBounce)).toBe(true);
  });

  it("a delay warning (Action: delayed) is expired/soft, never hard", () => {
    const raw = dsnReport({
      notice:
        "This is a delivery status notification: your message has not been delivered yet. The mail system will keep trying.",
      recipients: [
        [
          "Final-Recipient: rfc822; later@receiver.example",
          "Action: delayed",
          "Status: 4.4.1",
          "Will-Retry-Until: Mon, 14 Dec 2026 05:00:00 +0000",
        ],
      ],
      headers: [...DAEMON_HEAD.filter((h) => !h.startsWith("Subject")), "Subject: Delayed Mail (still being retried)"],
    });
    const d = analyzeMessage(raw).diagnoses[0];
    expect(d).toMatchObject({ reason: "expired", bounceType: "SOFT", hardBounce: false });
  });
});

describe("families by structure, codes by class", () => {
  it("PowerMTA's per-recipient bounce category (X-PowerMTA-BounceCategory) decides when the words are vague", () => {
    const raw = dsnReport({
      notice: "Delivery failed.",
      recipients: [
        [
          "Final-Recipient: rfc822; gone@receiver.example",
          "Action: failed",
          "Status: 5.0.0",
          "Diagnostic-Code: smtp; 550 rejected",
          "X-PowerMTA-BounceCategory: bad-mailbox",
        ],
      ],
    });
    expect(analyzeMessage(raw).diagnoses[0]).toMatchObject({ reason: "userunknown", hardBounce: true });
  });

  it("an RFC 7505 null MX (5.1.10) is a permanent host fault", () => {
    const raw = dsnReport({
      notice: "Delivery failed.",
      recipients: [
        [
          "Final-Recipient: rfc822; any@nullmx.example",
          "Action: failed",
          "Status: 5.1.10",
          "Diagnostic-Code: X-Postfix; Domain nullmx.example does not accept mail (nullMX)",
        ],
      ],
    });
    const d = analyzeMessage(raw).diagnoses[0];
    expect(d.bounceType).toBe("HARD");
    expect(d.status).toBe("5.1.10");
    expect(d.fault).toBe("RECIPIENT_ADDRESS");
    expect(d.hardBounce).toBe(true);
  });

  const byClass: Array<[string, string, string]> = [
    ["5.1.99", "userunknown", "x.1.x addressing"],
    ["5.4.99", "networkerror", "x.4.x network/routing"],
    ["5.7.99", "securityerror", "x.7.x security/policy"],
  ];
  for (const [status, reason, what] of byClass) {
    it(`an unknown detail falls back to its RFC 3463 subject: ${status} → ${reason} (${what})`, () => {
      const raw = dsnReport({
        notice: "Delivery failed.",
        recipients: [["Final-Recipient: rfc822; r@receiver.example", "Action: failed", `Status: ${status}`]],
      });
      expect(analyzeMessage(raw).diagnoses[0].reason).toBe(reason);
    });
  }

  it("the SMTP stage decides a bare 550: at MAIL FROM the sender was refused, not the address", () => {
    const d = first(
      "  r@receiver.example\n    SMTP error from remote mail server after MAIL FROM:<campaigns@sender.example>:\n    550 Not allowed\n",
    );
    expect(d.hardBounce).toBe(false);
    expect(d.reason).not.toBe("userunknown");
  });
});

describe("MTA families by the layout they document", () => {
  it("an Exchange / Office 365 NDR: the 'Remote Server returned' line below the diagnostic block", () => {
    const d = first(
      [
        "Delivery has failed to these recipients or groups:",
        "",
        "gone@receiver.example",
        "The email address you entered couldn't be found. Please check the recipient's email address and try to resend the message.",
        "",
        "Diagnostic information for administrators:",
        "",
        "Generating server: mail.receiver.example",
        "",
        "gone@receiver.example",
        "Remote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup'",
        "",
      ].join("\n"),
      [
        ...DAEMON_HEAD.filter((h) => !h.startsWith("From") && !h.startsWith("Subject")),
        "From: postmaster@receiver.example",
        "Subject: Undeliverable: Hello",
      ],
    );
    expect(d).toMatchObject({
      recipient: "gone@receiver.example",
      replyCode: 550,
      reason: "userunknown",
      hardBounce: true,
    });
  });

  it("Sendmail V5: the recipient's line in the transcript carries the reply ('550 <a@b>... Host unknown')", () => {
    const d = first(
      [
        "   ----- Transcript of session follows -----",
        "550 <gone@nowhere.example>... Host unknown (Name server: nowhere.example: host not found)",
        "",
        "   ----- Unsent message follows -----",
        "From: campaigns@sender.example",
      ].join("\n"),
      [
        ...DAEMON_HEAD.filter((h) => !h.startsWith("Subject")),
        "Subject: Returned mail: Host unknown (Name server: nowhere.example: host not found)",
      ],
    );
    expect(d).toMatchObject({
      recipient: "gone@nowhere.example",
      reason: "hostunknown",
      bounceType: "HARD",
      hardBounce: true,
    });
  });
});

describe("delay warnings written as text (no DSN part) are soft, never hard", () => {
  it("Exim's 'has not yet been delivered' warning (its documented warning_message layout)", () => {
    const d = first(
      [
        "This message was created automatically by mail delivery software.",
        "A message that you sent has not yet been delivered to one or more of its",
        "recipients after more than 24 hours on the queue on mta.sender.example.",
        "",
        "The address to which the message has not yet been delivered is:",
        "",
        "  later@receiver.example",
        "    host mx.receiver.example [192.0.2.25]",
        "    Delay reason: SMTP error from remote mail server after RCPT TO:<later@receiver.example>:",
        "    451 4.7.1 Greylisted, please try again later",
        "",
        "No action is required on your part. Delivery attempts will continue for",
        "some time, and this warning may be repeated at intervals if the message",
        "remains undelivered.",
      ].join("\n"),
      [...DAEMON_HEAD.filter((h) => !h.startsWith("Subject")), "Subject: Warning: message 1abc-0002 delayed 24 hours"],
    );
    expect(d).toMatchObject({ recipient: "later@receiver.example", bounceType: "SOFT", hardBounce: false });
    expect(d.status?.[0]).toBe("4");
  });

  it("Sendmail's 'THIS IS A WARNING MESSAGE ONLY' with a Deferred line and no code", () => {
    const d = first(
      [
        "    **      THIS IS A WARNING MESSAGE ONLY      **",
        "    **  YOU DO NOT NEED TO RESEND YOUR MESSAGE  **",
        "",
        "   ----- Transcript of session follows -----",
        "<later@receiver.example>... Deferred: Connection timed out with mx.receiver.example.",
        "Warning: message still undelivered after 4 hours",
        "Will keep trying until message is 5 days old",
      ].join("\n"),
      [
        ...DAEMON_HEAD.filter((h) => !h.startsWith("Subject")),
        "Subject: Warning: could not send message for past 4 hours",
      ],
    );
    expect(d).toMatchObject({
      recipient: "later@receiver.example",
      status: "4.0.0",
      bounceType: "SOFT",
      hardBounce: false,
    });
    expect(d.evidence.join(" ")).toMatch(/inferred/);
  });
});

describe("a delay notice with no code and no cause reads as a DSN's Action: delayed would", () => {
  it("a 'Delivery Status Notification (Delay)' text listing only the address is expired/soft, 4.0.0 inferred", () => {
    const d = first(
      [
        "This is an automatically generated Delivery Status Notification.",
        "",
        "THIS IS A WARNING MESSAGE ONLY.",
        "",
        "YOU DO NOT NEED TO RESEND YOUR MESSAGE.",
        "",
        "Delivery to the following recipients has been delayed.",
        "",
        "       later@receiver.example",
      ].join("\n"),
      [...DAEMON_HEAD.filter((h) => !h.startsWith("Subject")), "Subject: Delivery Status Notification (Delay)"],
    );
    expect(d).toMatchObject({
      recipient: "later@receiver.example",
      reason: "expired",
      status: "4.0.0",
      bounceType: "SOFT",
      hardBounce: false,
    });
    expect(d.evidence.join(" ")).toMatch(/delay notice/);
  });
});

describe("the notice's summary above the recipients decides permanence when the block does not", () => {
  it("qmail's 'This is a permanent error; I've given up' over a block with no code and neutral words", () => {
    const d = first(
      [
        "Hi. This is the qmail-send program at mta.sender.example.",
        "I'm afraid I wasn't able to deliver your message to the following addresses.",
        "This is a permanent error; I've given up. Sorry it didn't work out.",
        "",
        "<x@receiver.example>:",
        "192.0.2.25 failed after I sent the message.",
        "Remote host said: Message content refused by policy",
      ].join("\n"),
    );
    expect(d).toMatchObject({ status: "5.0.0", bounceType: "HARD" });
    expect(d.evidence.join(" ")).toMatch(/inferred.*summary/);
  });

  it("a warning summary ('will keep trying') over a neutral block: temporary", () => {
    const d = first(
      "This is a warning message only. The mail system will keep trying to deliver your message for 5 days.\n\n<y@receiver.example>:\nConnection to mx.receiver.example lost\n",
    );
    expect(d).toMatchObject({ status: "4.0.0", bounceType: "SOFT", hardBounce: false });
  });

  it("the recipient's own words outrank the summary", () => {
    const d = first(
      "This is a permanent error; I've given up.\n\n<z@receiver.example>:\nMailbox temporarily unavailable, will retry\n",
    );
    expect(d.status).toBe("4.0.0");
    expect(d.evidence.join(" ")).toMatch(/recipient's block says/);
  });
});
