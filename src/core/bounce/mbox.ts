// mbox files: messages separated by lines that begin with "From " (mboxo/mboxrd).

/** One item per message; a file that is not mbox is one message. Works on bytes or text. */
export function splitMbox(raw: Uint8Array): Uint8Array[];
export function splitMbox(raw: string): string[];
export function splitMbox(raw: Uint8Array | string): Uint8Array[] | string[];
export function splitMbox(raw: Uint8Array | string): Uint8Array[] | string[] {
  // Only a file that starts with a separator is mbox: any other is one message, known from
  // its first bytes (no text made of the whole file to find that out).
  if (typeof raw !== "string" && !startsWithFrom(raw)) return [raw];
  const bin =
    typeof raw === "string" ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString("latin1");
  const starts = fromLineOffsets(bin);
  if (starts.length <= 1) return typeof raw === "string" ? [raw] : [raw];
  const out: Array<string | Uint8Array> = [];
  for (let i = 0; i < starts.length; i++) {
    const a = starts[i];
    const b = i + 1 < starts.length ? starts[i + 1] : bin.length;
    out.push(typeof raw === "string" ? raw.slice(a, b) : raw.subarray(a, b));
  }
  return out as Uint8Array[] | string[];
}

/** "From " (70 114 111 109 32) at the start of the bytes. */
function startsWithFrom(b: Uint8Array): boolean {
  return b.length >= 5 && b[0] === 70 && b[1] === 114 && b[2] === 111 && b[3] === 109 && b[4] === 32;
}

const FROM_LINE_DATE =
  /^From \S+\s+(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ \d]\d \d\d:\d\d(?::\d\d)? (?:[A-Z]{3,5} |[+-]\d{4} )?\d{4}\s*$/;

/** Offsets of "From " separator lines; only lines after a blank line (or at offset 0) count. */
function fromLineOffsets(s: string): number[] {
  const out: number[] = [];
  // Only a file that starts with a separator is mbox; a "From " line inside an ordinary
  // message body is text.
  if (!s.startsWith("From ")) return [0];
  out.push(0);
  let i = 0;
  for (;;) {
    i = s.indexOf("\nFrom ", i);
    if (i === -1) break;
    const prev = s.lastIndexOf("\n", i - 1);
    const line = s.slice(prev + 1, i).replace(/\r$/, "");
    // A separator looks like "From sender date"; it follows a blank line in real mbox files.
    const next = s.indexOf("\n", i + 1);
    const sep = s.slice(i + 1, next === -1 ? s.length : next);
    // Without the blank line, only an unmistakable separator counts: "From sender" followed
    // by an asctime date ("Thu Jul  2 12:05:05 2020"), as mbox writers put it.
    if ((line === "" && /^From \S+\s+\S+/.test(sep)) || FROM_LINE_DATE.test(sep)) out.push(i + 1);
    i += 6;
  }
  return out;
}
