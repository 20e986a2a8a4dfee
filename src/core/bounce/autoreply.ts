// RFC 3834 automatic responses (out of office, vacation): reported, never a failure.
import { header, type Headers } from "./mime";

const SUBJECT = /\b(?:out of (?:the )?office|auto(?:matic)?[- ]?(?:reply|response|antwort)|away from (?:my|the) (?:desk|office)|on vacation|vacation|abwesenheit|absence|r[ée]ponse automatique|autosvar|fuera de la oficina|respuesta autom[aá]tica|away until|i am away)\b|不在|自動応答|自動返信/i;

/** Is this message an auto-reply (and not a delivery failure)? */
export function isAutoReply(h: Headers, subject: string): string | null {
  const auto = (header(h, "auto-submitted") ?? "").toLowerCase();
  if (auto.startsWith("auto-replied") && SUBJECT.test(subject)) return "Auto-Submitted: auto-replied";
  if (h.has("x-autoreply") || h.has("x-autorespond") || h.has("x-auto-response-suppress") && SUBJECT.test(subject)) return "X-Autoreply header";
  if ((header(h, "precedence") ?? "").toLowerCase().includes("auto_reply")) return "Precedence: auto_reply";
  if (auto.startsWith("auto-replied")) return "Auto-Submitted: auto-replied";
  if (SUBJECT.test(subject)) return `subject "${subject.slice(0, 60)}"`;
  return null;
}
