// A notice's own words on permanence ("This is a permanent error", "will keep trying"),
// read when no code says whether its MTA gave up (diagnose.ts, inferredClass).
import { LiteralMatcher } from "./literal-matcher";
import { collapseSpaces } from "./spaces";

/** Wording that says the sending MTA is still trying: temporary. */
export const TEMPORARY_WORDS =
  /\b(?:will (?:keep|continue) (?:on )?trying|will (?:be )?retr(?:y|ied)|will try (?:again|to deliver)|still (?:trying|being retried)|try again later|not (?:yet )?been delivered yet|has not yet been delivered|temporar(?:y|ily)|deferred|delayed|this is a warning message only|warning: message still undelivered)\b/i;
/** Wording that says it gave up for good: permanent. */
export const PERMANENT_WORDS =
  /\b(?:permanent(?:ly)?(?: error| failure| fatal)?|giving up|gave up|given up|will not be retried|not be delivered|could not be delivered|cannot be delivered|was not delivered|(?:message|mail) not delivered|wasn't able to deliver|wasn't delivered|unable to deliver|undeliverable|delivery to the following recipients? failed|delivery has failed|failed permanently|fatal errors?|no longer (?:exists|valid|available|accepts)|does not exist|unknown user|user unknown|no such (?:user|domain|mailbox|recipient)|unrouteable|unroutable|account (?:has been )?(?:disabled|discontinued|closed|deleted)|permanenter fehler|dauerhafter fehler|nicht zugestellt werden|erreur permanente|n'a pas pu être (?:remis|distribué)|error permanente|no se ha podido entregar|errore permanente|non è stato possibile consegnare)(?![\p{L}])/iu;
/**
 * A notice that says it is only a warning or that it keeps trying (Sendmail's and Postfix's
 * delay notices, Exim's "No action is required on your part", Gmail's "will retry for 47
 * more hours. You'll be notified if the delivery fails permanently") has not returned the
 * message, whatever else it says ("could not be delivered for more than 4 hour(s)"): temporary.
 */
export const WARNING_ONLY =
  /\b(?:this is a warning(?: message)? only|you do not need to resend|no action is required on your part|(?:will|to) (?:retry|keep trying) (?:for|until)|delivery (?:attempts )?will continue|will continue to be (?:attempted|made)|you(?:'ll| will) be notified if)\b/i;

/**
 * For each expression, words that every one of its matches contains (lower-case: the
 * matcher folds ASCII case as the expressions do). One pass over the text finds which
 * expressions can match at all: most texts hold words of none, and the three large
 * case-insensitive alternations then need not be run over them.
 * An alternative added to an expression above needs a word of its own here (else texts that
 * hold only it are never read by that expression) and a phrase in the list of
 * test/unit/bounce-fast-paths.test.ts, which checks this reading against every expression.
 */
const WARNING = 1;
const TEMPORARY = 2;
const PERMANENT = 4;
const ANCHORS: Array<[number, readonly string[]]> = [
  [
    WARNING,
    [
      "this is a warning",
      "you do not need to resend",
      "no action is required on your part",
      "retry ",
      "keep trying ",
      "will continue",
      "be notified if",
    ],
  ],
  [
    TEMPORARY,
    [
      "trying",
      "retr",
      "will try ",
      "still ",
      "try again later",
      "delivered yet",
      "not yet been delivered",
      "temporar",
      "deferred",
      "delayed",
      "warning message only",
    ],
  ],
  [
    PERMANENT,
    [
      "permanent",
      "giving up",
      "gave up",
      "given up",
      "will not be retried",
      "not be delivered",
      "not delivered",
      "wasn't able to deliver",
      "wasn't delivered",
      "unable to deliver",
      "undeliverable",
      "delivery to the following recipient",
      "delivery has failed",
      "fatal error",
      "no longer ",
      "does not exist",
      "unknown user",
      "user unknown",
      "no such ",
      "unrouteable",
      "unroutable",
      "account ",
      "dauerhafter fehler",
      "nicht zugestellt werden",
      "n'a pas pu ",
      "no se ha podido entregar",
      "stato possibile consegnare",
    ],
  ],
];
const anchorWords = ANCHORS.flatMap(([, words]) => words);
const anchorKind = ANCHORS.flatMap(([kind, words]) => words.map(() => kind));
let anchors: LiteralMatcher | null = null;

/**
 * The expressions that may match the text (a bit each). PERMANENT_WORDS folds case by
 * Unicode's rules, under which "ſ" reads as "s" and the Kelvin sign as "k": a text holding
 * either is read by every expression, as the words above would miss it.
 */
function mayMatch(text: string): number {
  if (text.indexOf("\u017f") !== -1 || text.indexOf("\u212a") !== -1) return WARNING | TEMPORARY | PERMANENT;
  anchors ??= new LiteralMatcher(anchorWords);
  let kinds = 0;
  anchors.scan(text, (id) => (kinds |= anchorKind[id]) === (WARNING | TEMPORARY | PERMANENT));
  return kinds;
}

/** "permanent" / "temporary" when the text says exactly one of them, "both" or null. */
export function permanenceWords(raw: string): { kind: "4" | "5" | "both"; words: string } | null {
  // Read across line breaks: Postfix wraps "could not\n be delivered" in its summary.
  const text = collapseSpaces(raw);
  const kinds = mayMatch(text);
  const warning = kinds & WARNING ? WARNING_ONLY.exec(text) : null;
  if (warning) return { kind: "4", words: warning[0] };
  const temp = kinds & TEMPORARY ? TEMPORARY_WORDS.exec(text) : null;
  const perm = kinds & PERMANENT ? PERMANENT_WORDS.exec(text) : null;
  if (temp && perm) return { kind: "both", words: `${temp[0]}" and "${perm[0]}` };
  if (temp) return { kind: "4", words: temp[0] };
  if (perm) return { kind: "5", words: perm[0] };
  return null;
}
