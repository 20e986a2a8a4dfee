// RFC 5965 feedback reports (spam complaints from feedback loops): reason "feedback".
import { parseHeaders, header } from "./mime";

export interface FeedbackReport {
  feedbackType: string | null;
  recipients: string[];
  arrivalDate: string | null;
  sourceIp: string | null;
  userAgent: string | null;
}

const ADDR = /[^\s<>"(),;:]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;

export function parseFeedbackReport(text: string): FeedbackReport {
  const h = parseHeaders(text.replace(/\n[ \t]*\n/g, "\n"));
  const recipients: string[] = [];
  for (const name of ["original-rcpt-to", "removal-recipient"]) {
    for (const v of h.get(name) ?? []) for (const a of v.match(ADDR) ?? []) if (!recipients.includes(a.toLowerCase())) recipients.push(a.toLowerCase());
  }
  return {
    feedbackType: (header(h, "feedback-type") ?? "").trim().toLowerCase() || null,
    recipients,
    arrivalDate: header(h, "arrival-date") ?? header(h, "received-date"),
    sourceIp: header(h, "source-ip"),
    userAgent: header(h, "user-agent"),
  };
}

export function addressesIn(value: string | null | undefined): string[] {
  if (!value) return [];
  return (value.match(ADDR) ?? []).map((a) => a.replace(/^[<"']+|[>"'.]+$/g, "").toLowerCase());
}
