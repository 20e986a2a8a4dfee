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
    for (const v of h.get(name) ?? [])
      for (const a of v.match(ADDR) ?? []) if (!recipients.includes(a.toLowerCase())) recipients.push(a.toLowerCase());
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
  if (!value || value.indexOf("@") === -1) return [];
  // Around each "@" only: a regex scan from every position backtracks over long tokens.
  const out: string[] = [];
  for (let at = value.indexOf("@"); at !== -1 && out.length < 1000; at = value.indexOf("@", at + 1)) {
    let a = at;
    while (a > 0 && !isLocalStop(value.charCodeAt(a - 1))) a--;
    let b = at + 1;
    while (b < value.length && isDomainChar(value.charCodeAt(b))) b++;
    if (a === at || b === at + 1) continue;
    ADDR.lastIndex = 0;
    const m = ADDR.exec(value.slice(a, b));
    // The match ends in a letter and cannot hold "<" or '"' (stops above): only leading
    // apostrophes are left to strip.
    if (m && m.index === 0) out.push((m[0].charCodeAt(0) === 39 ? m[0].replace(/^'+/, "") : m[0]).toLowerCase());
  }
  return out;
}
const LOCAL_STOP = new Uint8Array(128);
for (const c of ' \t\r\n<>"(),;:@') LOCAL_STOP[c.charCodeAt(0)] = 1;
const isLocalStop = (c: number) => c < 128 && LOCAL_STOP[c] === 1;
const isDomainChar = (c: number) =>
  (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 46 || c === 45;
