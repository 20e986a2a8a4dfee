// Messages to a bounce address that are not delivery failures: automatic responses (RFC
// 3834: out of office, vacation, in any language, with or without its headers),
// challenge/response sender verification, and spam complaints that are not ARF. None of
// them may become a failure row that could suppress an address.
import { header, type Headers } from "./mime";

/**
 * Subjects of automatic responses, in the languages mail clients write them in (Outlook and
 * Exchange prefix the original subject with their localised "Automatic reply:"). Words in
 * scripts other than Latin stand outside the `\b` group: `\b` knows only ASCII letters.
 */
const SUBJECT =
  /\b(?:out of (?:the )?office|auto(?:matic|matisch|matische|matique|matica|mática|matico)?[- ]?(?:reply|response|antwort|answer|svar|antwoord|risposta|respuesta|réponse|reponse|resposta)|(?:automatische|automatisch|automatic) (?:antwort|antwoord|reply|response)|(?:risposta|respuesta|r[ée]ponse|resposta|odpowied[zź]) autom[aá]tic[ao]?|r[ée]ponse automatique|away from (?:my|the) (?:desk|office)|on vacation|vacation|abwesenheit\w*|nicht im b[üu]ro|absen(?:ce|t|te|cia)\b|fuera de la oficina|fuori (?:dall')?ufficio|afwezig\w*|autosvar|fr[åa]nvar\w*|poissa\w*|away until|i am away|i'm away|automatyczna odpowied[zź]|automatisk(?:t)? svar|automaattinen vastaus|otomatik (?:yan[ıi]t|cevap)|automatick[áa] odpov[ěe]ď|automatikus v[áa]lasz|r[ăa]spuns automat|automatski odgovor|samodejni odgovor|balasan otomatis)|不在|自動応答|自動返信|自动回复|自動回覆|автоматическ\S* ответ|автоответ|автоматична відповідь|αυτόματη απάντηση|자동\s?(?:회신|응답)|부재중|תשובה אוטומטית|رد تلقائي|trả lời tự động|ตอบกลับอัตโนมัติ/i;

/** What an automatic response says in its body when its subject and headers do not. */
const BODY =
  /\b(?:i(?: am|'m| will be) (?:currently )?(?:out of (?:the )?office|away|on (?:(?:annual|parental|maternity|paternity|sick|study) )?(?:leave|vacation|holiday))|ich bin (?:bis|vom|ab|derzeit|zurzeit) [^\n]{0,60}(?:nicht im b[üu]ro|abwesend|nicht erreichbar|im urlaub)|je (?:suis|serai) (?:absente?|en cong[ée]s?|en vacances)|(?:estoy|estar[ée]) (?:fuera de la oficina|de vacaciones)|sono fuori (?:dall')?ufficio|sono in ferie|ik ben (?:afwezig|met vakantie))/i;

/** Is this message an auto-reply (and not a delivery failure)? */
export function isAutoReply(h: Headers, subject: string): string | null {
  const auto = (header(h, "auto-submitted") ?? "").toLowerCase();
  if (auto.startsWith("auto-replied") && SUBJECT.test(subject)) return "Auto-Submitted: auto-replied";
  if (h.has("x-autoreply") || h.has("x-autorespond") || (h.has("x-auto-response-suppress") && SUBJECT.test(subject)))
    return "X-Autoreply header";
  if ((header(h, "precedence") ?? "").toLowerCase().includes("auto_reply")) return "Precedence: auto_reply";
  if (auto.startsWith("auto-replied")) return "Auto-Submitted: auto-replied";
  if (SUBJECT.test(subject)) return `subject "${subject.slice(0, 60)}"`;
  return null;
}

/** An automatic response known only by its wording (no RFC 3834 header, a plain subject). */
export function autoReplyByWords(body: string): string | null {
  const m = BODY.exec(body.length > 4096 ? body.slice(0, 4096) : body);
  return m ? `auto-reply wording "${m[0].slice(0, 60)}"` : null;
}

const CHALLENGE_SUBJECT =
  /\b(?:please )?(?:confirm|verify)\b[^\n]{0,40}\b(?:message|e-?mail|address|sender|identity)|\bverification (?:required|request)|\bsender verification|\bwhitelist|\bchallenge\b|\bapproved senders?\b/i;
const CHALLENGE_BODY =
  /(?:click|visit|follow|open)[^\n]{0,80}(?:link|url|below|here)[^\n]{0,120}(?:verif|confirm|whitelist|approved|deliver)|(?:verify|confirm) (?:that )?you are (?:a )?(?:real |human)|(?:protect|protecting) (?:myself|me|my inbox) from (?:junk|spam)|spam (?:filter|protection) (?:that )?requires? (?:senders|you)|\bto (?:release|confirm|verify) (?:your|this) message\b|\b(?:is being|has been|was) held\b[^\n]{0,80}\n?[^\n]{0,80}(?:not (?:been )?(?:verified|confirmed))/i;

/** A challenge/response (sender verification) request: an automatic answer, not a failure. */
export function isChallengeResponse(subject: string, body: string): string | null {
  const b = body.length > 4096 ? body.slice(0, 4096) : body;
  // (The word test first: almost no message says either, and the full pattern costs more.)
  if (!/verif|confirm|whitelist|approved sender/i.test(b)) return null;
  if (CHALLENGE_BODY.test(b) && (CHALLENGE_SUBJECT.test(subject) || /\b(?:verif|confirm)/i.test(b)))
    return "challenge/response sender verification request";
  return null;
}

const SPAM_REPORT_SUBJECT =
  /\b(?:spam|abuse|junk)[ -](?:report|complaint|notification)|\bcomplaint about\b|\breported as (?:spam|junk)/i;
const SPAM_REPORT_BODY =
  /\b(?:was|were|has been|have been) (?:reported|marked|flagged) as (?:spam|junk|abuse)|\bspam complaint\b|\breported (?:this|your) (?:message|e-?mail) as (?:spam|junk)/i;

/** A spam complaint that is not an RFC 5965 report (no message/feedback-report part). */
export function isPlainSpamReport(h: Headers, subject: string, body: string): string | null {
  const b = body.length > 4096 ? body.slice(0, 4096) : body;
  if (
    SPAM_REPORT_BODY.test(b) &&
    (SPAM_REPORT_SUBJECT.test(subject) || /^(?:abuse|spam|fbl|complaints?)[@-]/i.test(addressOf(header(h, "from"))))
  )
    return "spam complaint (not ARF)";
  return null;
}

function addressOf(v: string | null): string {
  const m = /<([^<>]+)>/.exec(v ?? "");
  return (m ? m[1] : (v ?? "")).trim();
}
