// Small builders for hand-written bounces in unit tests: each test writes the notice the
// way an RFC or an MTA's documentation describes it (addresses under example.* only).

/** A message from its header lines and body (LF line ends). */
export function message(headers: string[], body: string): string {
  return headers.join("\n") + "\n\n" + body;
}

export const DAEMON_HEAD = [
  "From: Mail Delivery System <MAILER-DAEMON@mta.sender.example>",
  "To: campaigns@sender.example",
  "Return-Path: <>",
  "Subject: Undelivered Mail Returned to Sender",
  "Date: Mon, 7 Dec 2026 05:00:00 +0000",
  "Message-ID: <bounce-1@mta.sender.example>",
];

/** An RFC 3464 multipart/report with a notice, the DSN fields and the returned headers. */
export function dsnReport(opts: {
  notice: string;
  perMessage?: string[];
  recipients: string[][];
  headers?: string[];
  boundary?: string;
  contentType?: string;
}): string {
  const b = opts.boundary ?? "DSN-BOUNDARY-1";
  const head = [
    ...(opts.headers ?? DAEMON_HEAD),
    "MIME-Version: 1.0",
    opts.contentType ?? `Content-Type: multipart/report; report-type=delivery-status; boundary="${b}"`,
  ];
  const fields = [
    (opts.perMessage ?? ["Reporting-MTA: dns; mta.sender.example"]).join("\n"),
    ...opts.recipients.map((r) => r.join("\n")),
  ].join("\n\n");
  return message(
    head,
    [
      `--${b}`,
      "Content-Type: text/plain; charset=us-ascii",
      "",
      opts.notice,
      "",
      `--${b}`,
      "Content-Type: message/delivery-status",
      "",
      fields,
      "",
      `--${b}`,
      "Content-Type: text/rfc822-headers",
      "",
      "From: Campaigns <campaigns@sender.example>",
      "To: someone@receiver.example",
      "Subject: Hello",
      "Message-ID: <campaign-1@sender.example>",
      "",
      `--${b}--`,
      "",
    ].join("\n"),
  );
}
