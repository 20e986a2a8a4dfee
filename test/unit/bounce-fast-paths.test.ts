// The classifier's shortcuts answer as the longer way they skip: a guard that decides a
// regular expression cannot match, a test made only when asked, a collapse skipped when
// there is nothing to collapse. Each is compared here with the plain reading it replaces.
import { describe, expect, it } from "vitest";
import { analyzeMessage } from "../../src/core/bounce";
import { parseHeaders } from "../../src/core/bounce/mime";
import { noticeRules, presetFor } from "../../src/core/bounce/mta-rules";
import { cutReturnedMessage, pickDiagnostic } from "../../src/core/bounce/notice";
import {
  PERMANENT_WORDS,
  permanenceWords,
  TEMPORARY_WORDS,
  WARNING_ONLY,
} from "../../src/core/bounce/permanence-words";
import { collapseSpaces } from "../../src/core/bounce/spaces";

describe("collapseSpaces", () => {
  it("answers as replacing every run of white space by one space", () => {
    const texts = [
      "",
      "one two three",
      "two  spaces",
      "a\ttab",
      "line\nbreak",
      "crlf\r\nend",
      " leading and trailing ",
      "no\u00a0break space",
      "line\u2028separator",
      "ideographic\u3000space",
      "   ",
      "\n",
      "x",
    ];
    for (const t of texts) expect(collapseSpaces(t), JSON.stringify(t)).toBe(t.replace(/\s+/g, " "));
  });
});

describe("cutReturnedMessage", () => {
  const markers = [
    "--- Below this line is a copy of the message.",
    "-- Original message --",
    "----- original message follows -----",
    "Original message follows.",
    "Original message headers:",
    "Message headers follow",
    "The original message was attached",
    "Here is a copy of the first part of the message, including all the headers.",
    "-----Original Message-----",
    "Content-Type: message/rfc822",
    "------ This is a copy of the message, including all the headers. ------",
    "The header of the original message is following.",
    "Your original message",
    "Original-Envelope-Id: abc",
    "Included is a copy of the message header:",
  ];
  const variants = (m: string) => [m, m.toLowerCase(), m.toUpperCase(), `  ${m}`, `\t${m}`];

  it("cuts at every marker, whatever the case of its first letter or its indent", () => {
    for (const marker of markers)
      for (const line of variants(marker)) {
        const text = `Delivery to the following recipient failed:\n\n  a@example.org\n\n${line}\nFrom: b@example.net\n`;
        expect(cutReturnedMessage(text), line).toBe(text.slice(0, text.indexOf(line)));
      }
  });

  it("reads on past lines that start with other letters or signs", () => {
    const text = [
      "Delivery has failed to these recipients or groups:",
      "a@example.org",
      "Sorry, the message could not be delivered: original message kept.",
      "Xoriginal message follows",
      "*-- Original message --",
      "Bmessage headers follow",
      "",
    ].join("\n");
    expect(cutReturnedMessage(text)).toBe(text);
  });
});

describe("pickDiagnostic", () => {
  it("reads a transcript's replies after a time stamp, and no line without a mark as one", () => {
    expect(pickDiagnostic("Mon 05:00:01: <-- 550 5.1.1 User unknown", "a@example.org")).toBe("550 5.1.1 User unknown");
    expect(pickDiagnostic("12:00:00 <<< 452 4.2.2 Mailbox full")).toBe("452 4.2.2 Mailbox full");
    expect(pickDiagnostic("12:00:00 << 452 4.2.2 Mailbox full")).toBe("12:00:00 << 452 4.2.2 Mailbox full");
    expect(pickDiagnostic("note <- 550 5.1.1 no such user")).toBe("note <- 550 5.1.1 no such user");
  });
});

describe("MTA signatures", () => {
  const headers = (block: string) => parseHeaders(block);
  const preset = (notice: string, subject: string, block: string) =>
    presetFor("", noticeRules(notice, subject, headers(block)))?.reason ?? null;

  it("applies an MTA's rule only when its signature is present", () => {
    const notice = "Hi. This is the qmail-send program.\n<a@example.org>:\ndisk quota exceeded\n";
    expect(preset(notice, "failure notice", "From: MAILER-DAEMON@example.net\n")).toBe("mailboxfull");
    expect(preset(notice, "Returned mail", "From: MAILER-DAEMON@example.net\n")).toBeNull();
  });

  it("tests an MTA that depends on another's signature (Google Workspace on Gmail's)", () => {
    const notice = "The domain example.org has a null MX record.\n";
    const gmail = "From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>\n";
    expect(preset(notice, "Delivery Status Notification (Failure)", `${gmail}X-Gm-Message-State: x\n`)).toBe(
      "notaccept",
    );
    expect(preset(notice, "Delivery Status Notification (Failure)", gmail)).toBeNull();
    expect(
      preset(notice, "Delivery Status Notification (Failure)", "From: postmaster@example.net\nX-Gm-Message-State: x\n"),
    ).toBeNull();
  });

  it("reads a rule with a pattern only for its MTA (IMail's retry count)", () => {
    const notice = "delivery failed 3 attempts\n";
    expect(preset(notice, "Undeliverable Mail", "From: postmaster@example.net\n")).toBe("expired");
    expect(preset(notice, "Undelivered Mail", "From: postmaster@example.net\n")).toBeNull();
  });
});

describe("the bounce's own addresses", () => {
  it("are never recipients, whether or not another address shares their domain", () => {
    const message = [
      "From: Mail Delivery System <MAILER-DAEMON@mx.example.net>",
      "To: Sender@Example.com",
      "Subject: Undelivered Mail Returned to Sender",
      "Message-ID: <n1@mx.example.net>",
      "",
      "I'm sorry to have to inform you that your message could not be delivered.",
      "",
      "<user@example.com>: host mx.example.com[192.0.2.1] said: 550 5.1.1 User unknown",
      "<sender@example.com>: host mx.example.com[192.0.2.1] said: 550 5.1.1 User unknown",
      "<other@example.org>: host mx.example.org[192.0.2.2] said: 550 5.1.1 User unknown",
      "",
    ].join("\n");
    const rows = analyzeMessage(message).diagnoses.map((d) => d.recipient);
    expect(rows).toEqual(["user@example.com", "other@example.org"]);
  });
});

describe("permanenceWords", () => {
  /** The same reading with every expression run on every text. */
  function everyExpression(raw: string) {
    const text = raw.replace(/\s+/g, " ");
    const warning = WARNING_ONLY.exec(text);
    if (warning) return { kind: "4", words: warning[0] };
    const temp = TEMPORARY_WORDS.exec(text);
    const perm = PERMANENT_WORDS.exec(text);
    if (temp && perm) return { kind: "both", words: `${temp[0]}" and "${perm[0]}` };
    if (temp) return { kind: "4", words: temp[0] };
    if (perm) return { kind: "5", words: perm[0] };
    return null;
  }
  const phrases = [
    "this is a warning only",
    "this is a warning message only",
    "you do not need to resend",
    "no action is required on your part",
    "will retry for 47 more hours",
    "to keep trying until",
    "delivery attempts will continue",
    "will continue to be attempted",
    "you'll be notified if",
    "you will be notified if",
    "will keep on trying",
    "will continue trying",
    "will be retried",
    "will retry",
    "will try again",
    "will try to deliver",
    "still trying",
    "still being retried",
    "try again later",
    "not yet been delivered yet",
    "has not yet been delivered",
    "temporary",
    "temporarily",
    "deferred",
    "delayed",
    "warning: message still undelivered",
    "permanent",
    "permanently",
    "permanent fatal",
    "giving up",
    "gave up",
    "given up",
    "will not be retried",
    "could not be delivered",
    "cannot be delivered",
    "was not delivered",
    "mail not delivered",
    "wasn't able to deliver",
    "wasn't delivered",
    "unable to deliver",
    "undeliverable",
    "delivery to the following recipients failed",
    "delivery has failed",
    "failed permanently",
    "fatal errors",
    "no longer accepts",
    "does not exist",
    "unknown user",
    "user unknown",
    "no such mailbox",
    "unrouteable",
    "unroutable",
    "account has been disabled",
    "account closed",
    "permanenter fehler",
    "dauerhafter fehler",
    "nicht zugestellt werden",
    "erreur permanente",
    "n'a pas pu être remis",
    "error permanente",
    "no se ha podido entregar",
    "errore permanente",
    "non è stato possibile consegnare",
    // Unicode case folding reads "ſ" as "s" and the Kelvin sign as "k" (PERMANENT_WORDS is /iu)
    "no \u017fuch user",
    "un\u212anown user",
    "nothing said here",
    "retrying",
    "account",
  ];
  const titled = (p: string) => p.replace(/\b[a-z]/g, (c) => c.toUpperCase());
  it("answers as running every expression on the text", () => {
    const texts: string[] = [];
    for (const p of phrases)
      for (const v of [p, p.toUpperCase(), titled(p)]) texts.push(v, `The message ${v}.`, `a\n  ${v}\n\tend`);
    for (let i = 0; i < phrases.length; i++) texts.push(`${phrases[i]} and ${phrases[(i * 7 + 3) % phrases.length]}`);
    for (const t of texts) expect(permanenceWords(t), t).toEqual(everyExpression(t));
  });
});
