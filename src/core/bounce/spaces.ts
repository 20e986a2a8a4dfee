// Runs of white space read as one space: server replies are wrapped, indented and padded in
// transit, and every reading of their words wants them single-spaced.

/** White space that a collapse would change: any but " ", or two spaces in a row. */
const SPACES_TO_COLLAPSE = /[^\S ]| {2}/;

/** Runs of white space as one space; the text itself when it has none to collapse (most do not). */
export function collapseSpaces(s: string): string {
  return SPACES_TO_COLLAPSE.test(s) ? s.replace(/\s+/g, " ") : s;
}
