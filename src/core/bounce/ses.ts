// Amazon SES notifications (SNS JSON) carried in a mail body: bounce, complaint, delivery.
export interface SesRecipient {
  recipient: string;
  status: string | null;
  diagnostic: string | null;
  action: string | null;
  remoteMta: string | null;
  reportingMta: string | null;
  lastAttempt: string | null;
  bounceType: string | null;
  bounceSubType: string | null;
  kind: "bounce" | "complaint" | "delivery";
  feedbackType: string | null;
}

interface SesJson {
  Message?: string;
  notificationType?: string;
  eventType?: string;
  bounce?: { bounceType?: string; bounceSubType?: string; reportingMTA?: string; timestamp?: string; bouncedRecipients?: Array<{ emailAddress?: string; status?: string; action?: string; diagnosticCode?: string }> };
  complaint?: { complainedRecipients?: Array<{ emailAddress?: string }>; complaintFeedbackType?: string; timestamp?: string };
  delivery?: { recipients?: string[]; smtpResponse?: string; reportingMTA?: string; remoteMtaIp?: string; timestamp?: string };
}

function tryJson(s: string): unknown {
  try {
    return JSON.parse(s) as unknown;
  } catch {
    return null;
  }
}

/**
 * JSON that a mail hop line-folded in transit, unfolded before parsing. Each repair is
 * tried only when the text still fails to parse, in the order the damage is undone:
 * quoted-printable soft breaks (`=` at a line end, RFC 2045) and escapes; Sendmail's
 * "!" + line break where it cut a line over its limit; then any remaining line break, which
 * inside JSON can only be one a hop inserted (a JSON string holds no raw line break, and
 * between tokens a line break is only white space), keeping the white space after it.
 */
export function parseFolded(text: string): unknown {
  let t = text;
  let v = tryJson(t);
  if (v !== null) return v;
  if (/=\r?\n|=[0-9A-F]{2}/.test(t)) {
    t = t.replace(/=\r?\n/g, "");
    if (/=(?:3D|22|0A|20)/.test(t)) t = t.replace(/=([0-9A-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
    if ((v = tryJson(t)) !== null) return v;
  }
  if (/!\r?\n/.test(t)) {
    const bang = t.replace(/!\r?\n/g, "");
    if ((v = tryJson(bang)) !== null) return v;
    // Only the breaks Sendmail made: an "!" the text had stays ("!" can end a real line).
    if ((v = tryJson(bang.replace(/\r?\n/g, ""))) !== null) return v;
  }
  return tryJson(t.replace(/\r?\n/g, ""));
}

/** Finds and reads an SES notification in a body; null when the body holds none. */
export function parseSesNotification(body: string): SesRecipient[] | null {
  if (!/"(?:notificationType|eventType)"/.test(body)) return null;
  const start = body.indexOf("{");
  const end = body.lastIndexOf("}");
  if (start === -1 || end <= start) return null;
  let json = parseFolded(body.slice(start, end + 1)) as SesJson | null;
  if (!json) return null;
  if (typeof json.Message === "string") {
    try {
      json = JSON.parse(json.Message) as SesJson;
    } catch {
      return null;
    }
  }
  const type = (json.notificationType ?? json.eventType ?? "").toLowerCase();
  const out: SesRecipient[] = [];
  if (type === "bounce" && json.bounce) {
    const b = json.bounce;
    for (const r of b.bouncedRecipients ?? []) {
      if (!r.emailAddress) continue;
      out.push({
        recipient: r.emailAddress, status: r.status ?? null, diagnostic: r.diagnosticCode ?? null, action: r.action ?? null,
        remoteMta: null, reportingMta: b.reportingMTA?.replace(/^dsn;\s*/i, "") ?? null, lastAttempt: b.timestamp ?? null,
        bounceType: b.bounceType ?? null, bounceSubType: b.bounceSubType ?? null, kind: "bounce", feedbackType: null,
      });
    }
  } else if (type === "complaint" && json.complaint) {
    for (const r of json.complaint.complainedRecipients ?? []) {
      if (!r.emailAddress) continue;
      out.push({
        recipient: r.emailAddress, status: null, diagnostic: null, action: null, remoteMta: null, reportingMta: null,
        lastAttempt: json.complaint.timestamp ?? null, bounceType: null, bounceSubType: null, kind: "complaint",
        feedbackType: json.complaint.complaintFeedbackType ?? "abuse",
      });
    }
  } else if (type === "delivery" && json.delivery) {
    const d = json.delivery;
    for (const r of d.recipients ?? []) {
      out.push({
        recipient: r, status: null, diagnostic: d.smtpResponse ?? null, action: "delivered", remoteMta: d.remoteMtaIp ?? null,
        reportingMta: d.reportingMTA ?? null, lastAttempt: d.timestamp ?? null, bounceType: null, bounceSubType: null,
        kind: "delivery", feedbackType: null,
      });
    }
  }
  return out.length ? out : null;
}
