// Reading SMTP replies: the three-digit reply code (RFC 5321), the enhanced status code
// (RFC 3463) and the SMTP command a reply answered.
import { LiteralMatcher } from "./literal-matcher";

/** Enhanced status code in a text: the first `class.subject.detail` with a valid class. */
const LATER_FAILURE_STATUS = /(?:^|[^\d.])[45]\.[0-7]\.\d{1,3}(?![\d.]*\d)/;

export function findStatus(text: string): string | null {
  const re = /(?:^|[^\d.])([245])\.(\d{1,3})\.(\d{1,3})(?![\d.]*\d)/g;
  let m: RegExpExecArray | null;
  let first: string | null = null;
  let guard = 0;
  while ((m = re.exec(text)) && guard++ < 50) {
    const sub = Number(m[2]);
    const det = Number(m[3]);
    // An IP address or a version number, not a status; Microsoft's three-digit details
    // (5.7.509, 4.7.650, 5.4.316...) count in the subjects it uses them in, or right after a
    // reply code ("550 5.2.121 ...").
    if (
      sub > 7 ||
      (det > 30 &&
        !(
          det <= 999 &&
          (sub === 4 || sub === 7 || /[245]\d\d[ -]$/.test(text.slice(Math.max(0, m.index - 4), m.index + 1)))
        ))
    )
      continue;
    // A success status only counts when no failure follows it (an earlier command's "250
    // 2.1.0 Sender OK" in a transcript never speaks for the RCPT refusal after it).
    if (m[1] === "2" && LATER_FAILURE_STATUS.test(text.slice(m.index + m[0].length))) continue;
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
  const re = /(?:^|[\s:;(<>"'[=]|\b(?:said|reply|error|code)\s*:?\s*)([245][0-5]\d)(?=[ -]|$|\]|\)|,|\.\s|;|:\s)/gim;
  let m: RegExpExecArray | null;
  let guard = 0;
  while ((m = re.exec(text)) && guard++ < 50) {
    const code = m[1];
    const before = text.slice(Math.max(0, m.index - 1), m.index + m[0].length - 3);
    // A number inside an IP, a date, a port or a queue id is not a reply code.
    const after = text.slice(m.index + m[0].length, m.index + m[0].length + 2);
    if (/^\.\d/.test(after) || (/^-\d\d/.test(after) && !/^-[245]\./.test(after))) continue;
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

interface CommandWord {
  /** index in COMMANDS; -1 for "in reply to " (read by what follows it) */
  command: number;
  /** matched only as written (command names in upper case, some phrases in lower case) */
  exact?: boolean;
  /** a whole word: no letter, digit or "_" on either side */
  word?: boolean;
  /** starts a word: no letter, digit or "_" before it */
  wordStart?: boolean;
  /** not followed by "=" ("HELO=[192.0.2.1]" is a parameter in a log line, not the stage) */
  notParam?: boolean;
}

const COMMAND_WORDS: Array<[string, CommandWord]> = [
  ["in reply to ", { command: -1 }],
  ["after initial connection", { command: 0 }],
  ["greeting", { command: 0 }],
  ...["refused", "dropped", "rejected"].flatMap((v) =>
    ["by", "at"].flatMap((p) =>
      [`connection ${v} ${p}`, `connection was ${v} ${p}`].map((t): [string, CommandWord] => [t, { command: 0 }]),
    ),
  ),
  ["EHLO", { command: 1, exact: true, word: true, notParam: true }],
  ["HELO", { command: 1, exact: true, word: true, notParam: true }],
  ["after ehlo", { command: 1, exact: true }],
  ["after helo", { command: 1, exact: true }],
  ["my name was rejected", { command: 1, exact: true }],
  ["STARTTLS", { command: 2, exact: true, word: true }],
  ...["PLAIN", "LOGIN", "CRAM", "DIGEST"].map((m): [string, CommandWord] => [
    `AUTH ${m}`,
    { command: 3, exact: true, wordStart: true },
  ]),
  ["mail from", { command: 4, word: true }],
  ["after mail from", { command: 4 }],
  ["sender was rejected", { command: 4 }],
  ["rcpt", { command: 5, word: true }],
  ["rcpt to", { command: 5 }],
  ["rcpt_to", { command: 5 }],
  ["does not like recipient", { command: 5 }],
  ["recipient address rejected", { command: 5 }],
  ["data", { command: 6, word: true }],
  ["end of data", { command: 6 }],
  ["final data", { command: 6 }],
  ["after data", { command: 6 }],
  ["sending data block", { command: 6 }],
  ["message body", { command: 6 }],
];
// "word" entries are matched in any case, except the upper-case command names.
const commandMatcher = new LiteralMatcher(COMMAND_WORDS.map(([w]) => w.toLowerCase()));

const isWordChar = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);

/** What "in reply to " at `at` names ("RCPT TO command", "end of DATA"...), or "" (not a command). */
function inReplyTo(text: string, at: number): string | null {
  let i = at + "in reply to ".length;
  if (text.slice(i, i + 4).toLowerCase() === "the ") i += 4;
  if (text.slice(i, i + 11).toLowerCase() === "end of data" && !isWordChar(text.charCodeAt(i + 11))) return "DATA";
  let j = i;
  while (j < text.length && j - i <= 8 && isLetter(text.charCodeAt(j))) j++;
  // the pattern is 4 to 8 letters ending at a word boundary
  if (j - i < 4 || j - i > 8 || isWordChar(text.charCodeAt(j))) return null;
  const c = text.slice(i, j).toUpperCase();
  if (c === "DATA") return "DATA";
  if (c.startsWith("RCPT")) return "RCPT";
  if (c.startsWith("MAIL")) return "MAIL";
  if (c === "EHLO" || c === "HELO") return "EHLO";
  if (c === "STARTTLS" || c === "AUTH") return c;
  return "";
}

/**
 * The SMTP command a rejection answered, from MTA wording ("in reply to RCPT TO command",
 * ">>> DATA", "after MAIL FROM:", "SMTP error from remote mail server after end of data").
 * When several are named, the latest in the session is the one that failed. `more` is
 * read after `text` (the recipient's block around the server's words).
 */
export function findCommand(text: string, more = ""): string | null {
  let latest = -1;
  let replied: string | null = null;
  for (const t of more ? [text, more] : [text]) {
    commandMatcher.scan(t, (id, start) => {
      const [w, o] = COMMAND_WORDS[id];
      if (o.command === -1 ? replied !== null : o.command <= latest) return;
      if (o.exact && !t.startsWith(w, start)) return;
      const end = start + w.length;
      if ((o.word || o.wordStart) && isWordChar(t.charCodeAt(start - 1))) return;
      if (o.word && isWordChar(t.charCodeAt(end))) return;
      if (o.notParam && t.charCodeAt(end) === 61) return;
      if (o.command === -1) {
        // The first "in reply to <command>" decides; other words after it do not matter.
        const c = inReplyTo(t, start);
        if (c !== null) replied = c;
        return;
      }
      latest = o.command;
    });
    if (replied) return replied;
  }
  return latest === -1 ? null : COMMANDS[latest];
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
