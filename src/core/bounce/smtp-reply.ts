// Reading SMTP replies: the three-digit reply code (RFC 5321), the enhanced status code
// (RFC 3463) and the SMTP command a reply answered.

/** Enhanced status code in a text: the first `class.subject.detail` with a valid class. */
export function findStatus(text: string): string | null {
  const re = /(?:^|[^\d.])([245])\.(\d{1,3})\.(\d{1,3})(?![\d.]*\d)/g;
  let m: RegExpExecArray | null;
  let first: string | null = null;
  let guard = 0;
  while ((m = re.exec(text)) && guard++ < 50) {
    const sub = Number(m[2]);
    const det = Number(m[3]);
    if (sub > 7 || det > 30) continue; // an IP address or a version number, not a status
    const code = `${m[1]}.${sub}.${det}`;
    // Skip codes inside dotted quads such as 5.1.1.20 (already excluded by the lookahead)
    // and the "x.0.0" catch-all when a more precise code follows later.
    if (!first) first = code;
    if (!code.endsWith(".0.0")) return code;
  }
  return first;
}

/** SMTP reply code in a text: a 2xx/4xx/5xx at the start of a reply line or after "said:". */
export function findReplyCode(text: string): string | null {
  const re = /(?:^|[\s:;(<>"'[=]|\b(?:said|reply|error|code)\s*:?\s*)([245][0-5]\d)(?=[ -]|$|\]|\)|,|\.\s|;)/gim;
  let m: RegExpExecArray | null;
  let guard = 0;
  while ((m = re.exec(text)) && guard++ < 50) {
    const code = m[1];
    const before = text.slice(Math.max(0, m.index - 1), m.index + m[0].length - 3);
    // A number inside an IP, a date, a port or a queue id is not a reply code.
    const after = text.slice(m.index + m[0].length, m.index + m[0].length + 2);
    if (/^\.\d/.test(after) || /^-\d\d/.test(after) && !/^-[245]\./.test(after)) continue;
    if (/[.\d]$/.test(before.trim()) && !/[:;]$/.test(before.trim())) continue;
    if (code === "250" || code === "220" || code === "221") {
      // A positive reply only counts when nothing negative follows it.
      const rest = text.slice(m.index + m[0].length);
      if (/(?:^|\s)[45][0-5]\d[ -]/.test(rest)) continue;
    }
    return code;
  }
  return null;
}

/** How MTAs name the command a reply answered, per command, in SMTP-session order. */
const COMMANDS = ["CONN", "EHLO", "STARTTLS", "AUTH", "MAIL", "RCPT", "DATA"] as const;
// Two passes instead of one per command: the wordings that are matched in any case, and
// those (command names) that are matched only in upper case. Group n names COMMANDS[n].
const COMMAND_ANY_CASE = new RegExp(
  [
    String.raw`(after initial connection|connection (?:was )?(?:refused|dropped|rejected) (?:by|at)|greeting)`,
    "((?!))",
    "((?!))",
    "((?!))",
    String.raw`(\bMAIL FROM\b|after mail from|sender was rejected)`,
    String.raw`(\bRCPT\b|rcpt to|rcpt_to|does not like recipient|recipient address rejected)`,
    String.raw`(\bDATA\b|end of data|final data|after data|sending data block|message body)`,
  ].join("|"),
  "gi",
);
const COMMAND_UPPER = new RegExp(
  [
    "((?!))",
    // "HELO=[192.0.2.1]" inside a notice is a parameter, not the command that failed.
    String.raw`(\b(?:EHLO|HELO)\b(?!=)|after (?:ehlo|helo)|my name was rejected)`,
    String.raw`(\bSTARTTLS\b)`,
    String.raw`(\bAUTH (?:PLAIN|LOGIN|CRAM|DIGEST))`,
  ].join("|"),
  "g",
);

function latestCommand(re: RegExp, text: string, found: number): number {
  re.lastIndex = 0;
  let m: RegExpExecArray | null;
  let guard = 0;
  while ((m = re.exec(text)) && guard++ < 200) {
    for (let g = found + 2; g <= COMMANDS.length; g++) if (m[g] !== undefined) found = g - 1;
    if (found === COMMANDS.length - 1) break;
  }
  return found;
}

/**
 * The SMTP command a rejection answered, from MTA wording ("in reply to RCPT TO command",
 * ">>> DATA", "after MAIL FROM:", "SMTP error from remote mail server after end of data").
 * When several are named, the latest in the session is the one that failed.
 */
export function findCommand(text: string): string | null {
  const m = /in reply to (?:the )?(end of data|[A-Za-z]{4,8})\b/i.exec(text);
  if (m) {
    const c = m[1].toUpperCase();
    if (c === "END OF DATA" || c === "DATA") return "DATA";
    if (c.startsWith("RCPT")) return "RCPT";
    if (c.startsWith("MAIL")) return "MAIL";
    if (c === "EHLO" || c === "HELO") return "EHLO";
    if (c === "STARTTLS" || c === "AUTH") return c;
  }
  let found = latestCommand(COMMAND_ANY_CASE, text, -1);
  // Only EHLO, STARTTLS and AUTH are matched in upper case: after MAIL they cannot be the latest.
  if (found < 4) found = latestCommand(COMMAND_UPPER, text, found);
  return found === -1 ? null : COMMANDS[found];
}

/**
 * Chooses between the DSN `Status:` field and a code found in the server's words: the
 * more specific wins, the one agreeing with the reply class wins a class conflict.
 */
export function preferStatus(field: string | null, inText: string | null, reply: string | null): string | null {
  if (!field) return inText;
  if (!inText) return field;
  const r = reply ? reply[0] : "";
  if (r && field[0] !== inText[0]) {
    if (r === field[0]) return field;
    if (r === inText[0]) return inText;
  }
  if (field === inText) return field;
  const fieldZero2 = field.slice(1, 5) === ".0.0";
  const textZero2 = inText.slice(1, 5) === ".0.0";
  if (fieldZero2) return textZero2 ? field : inText;
  const fieldZero1 = field.includes(".0");
  const textZero1 = inText.includes(".0");
  if (fieldZero1 && !textZero1) return inText;
  if (textZero2) return field;
  if (field === "4.4.7" || field === "4.7.0" || field.startsWith("5.3.")) return inText;
  if (/^.\.5\.[1245]$/.test(field)) return inText;
  if (field === "5.1.1") return textZero1 || inText.startsWith("5.5.") ? field : inText;
  if (field === "5.1.3" && inText.startsWith("5.7.")) return inText;
  return field;
}

export function isValidStatus(s: string | null | undefined): s is string {
  return !!s && /^[245]\.\d{1,3}\.\d{1,3}$/.test(s);
}
