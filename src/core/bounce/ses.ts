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
  bounce?: {
    bounceType?: string;
    bounceSubType?: string;
    reportingMTA?: string;
    timestamp?: string;
    bouncedRecipients?: Array<{ emailAddress?: string; status?: string; action?: string; diagnosticCode?: string }>;
  };
  complaint?: {
    complainedRecipients?: Array<{ emailAddress?: string }>;
    complaintFeedbackType?: string;
    timestamp?: string;
  };
  delivery?: {
    recipients?: string[];
    smtpResponse?: string;
    reportingMTA?: string;
    remoteMtaIp?: string;
    timestamp?: string;
  };
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
    if (/=(?:3D|22|0A|20)/.test(t))
      t = t.replace(/=([0-9A-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
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

/** A JSON string value's text ("a\\"b" → a"b), or null. */
function stringField(obj: string, name: string): string | undefined {
  const m = new RegExp(`"${name}"\\s*:\\s*"((?:[^"\\\\]|\\\\.){0,4000})"`).exec(obj);
  if (!m) return undefined;
  try {
    return JSON.parse(`"${m[1]}"`) as string;
  } catch {
    return m[1];
  }
}

/**
 * What can still be read from a notification that no repair makes valid JSON (cut short,
 * mangled): the recipient objects of its own lists only, field by field. The notification's
 * other addresses (its `mail.source`, the sending identity's ARN, the destination list)
 * are the sender's: they must never be read as recipients, so the text is not handed on
 * to the notice reader.
 */
function salvage(text: string): SesJson | null {
  const t = text.replace(/!\r?\n|=\r?\n|\r?\n/g, "").slice(0, 256 * 1024);
  const type = stringField(t, "notificationType") ?? stringField(t, "eventType");
  if (!type) return null;
  const listOf = (name: string): string[] => {
    const at = t.search(new RegExp(`"${name}"\\s*:\\s*\\[`));
    if (at === -1) return [];
    const close = t.indexOf("]", at);
    const list = t.slice(at, close === -1 ? t.length : close);
    return list.match(/\{[^{}]*\}/g) ?? [];
  };
  const kind = type.toLowerCase();
  if (kind === "bounce") {
    const recipients = listOf("bouncedRecipients").map((o) => ({
      emailAddress: stringField(o, "emailAddress"),
      status: stringField(o, "status"),
      action: stringField(o, "action"),
      diagnosticCode: stringField(o, "diagnosticCode"),
    }));
    return {
      notificationType: type,
      bounce: {
        bounceType: stringField(t, "bounceType"),
        bounceSubType: stringField(t, "bounceSubType"),
        reportingMTA: stringField(t, "reportingMTA"),
        bouncedRecipients: recipients,
      },
    };
  }
  if (kind === "complaint") {
    return {
      notificationType: type,
      complaint: {
        complaintFeedbackType: stringField(t, "complaintFeedbackType"),
        complainedRecipients: listOf("complainedRecipients").map((o) => ({
          emailAddress: stringField(o, "emailAddress"),
        })),
      },
    };
  }
  return { notificationType: type };
}

/** Finds and reads an SES notification in a body; null when the body holds none. */
export function parseSesNotification(body: string): SesRecipient[] | null {
  if (!/"(?:notificationType|eventType)"/.test(body)) return null;
  const start = body.indexOf("{");
  const end = body.lastIndexOf("}");
  if (start === -1 || end <= start) return null;
  let json = (parseFolded(body.slice(start, end + 1)) ?? salvage(body.slice(start))) as SesJson | null;
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
        recipient: r.emailAddress,
        status: r.status ?? null,
        diagnostic: r.diagnosticCode ?? null,
        action: r.action ?? null,
        remoteMta: null,
        reportingMta: b.reportingMTA?.replace(/^dsn;\s*/i, "") ?? null,
        lastAttempt: b.timestamp ?? null,
        bounceType: b.bounceType ?? null,
        bounceSubType: b.bounceSubType ?? null,
        kind: "bounce",
        feedbackType: null,
      });
    }
  } else if (type === "complaint" && json.complaint) {
    for (const r of json.complaint.complainedRecipients ?? []) {
      if (!r.emailAddress) continue;
      out.push({
        recipient: r.emailAddress,
        status: null,
        diagnostic: null,
        action: null,
        remoteMta: null,
        reportingMta: null,
        lastAttempt: json.complaint.timestamp ?? null,
        bounceType: null,
        bounceSubType: null,
        kind: "complaint",
        feedbackType: json.complaint.complaintFeedbackType ?? "abuse",
      });
    }
  } else if (type === "delivery" && json.delivery) {
    const d = json.delivery;
    for (const r of d.recipients ?? []) {
      out.push({
        recipient: r,
        status: null,
        diagnostic: d.smtpResponse ?? null,
        action: "delivered",
        remoteMta: d.remoteMtaIp ?? null,
        reportingMta: d.reportingMTA ?? null,
        lastAttempt: d.timestamp ?? null,
        bounceType: null,
        bounceSubType: null,
        kind: "delivery",
        feedbackType: null,
      });
    }
  }
  return out.length ? out : null;
}
