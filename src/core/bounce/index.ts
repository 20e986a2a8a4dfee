// Bounce intelligence core: pure functions from a bounce (message, SMTP reply or ESP event)
// to one diagnosis per failed recipient. No I/O, no clock.
import { diagnose, EMPTY_CONTEXT } from "./diagnose";
import type { AnalyzeOptions, BounceDiagnosis } from "./diagnosis";
import { joinReplyLines } from "./notice";

export * from "./diagnosis";
export { analyzeMessage } from "./analyze";
export { splitMbox } from "./mbox";
export { textToBinaryString } from "./mime";

const ADDRESS_IN_REPLY = /<([^<>\s@]+@[^<>\s@]+)>/;

/**
 * Diagnoses a bare SMTP reply as an MTA or sending library reports it, single or
 * multi-line (`550-5.7.26 ...` continuation lines are joined). Never throws.
 */
export function analyzeSmtpReply(text: string, recipient?: string | null, options?: AnalyzeOptions): BounceDiagnosis {
  const raw = typeof text === "string" ? text.slice(0, 64 * 1024) : "";
  const lines = raw
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  const joined = joinReplyLines(lines.join(" "));
  const to = recipient?.trim() || ADDRESS_IN_REPLY.exec(joined)?.[1] || "";
  return diagnose({ recipient: to, diagnostic: joined || null, diagnosticType: "SMTP" }, { ...EMPTY_CONTEXT, options });
}

/**
 * Diagnoses a structured event from an ESP webhook or API (status + the server's words).
 * Vendor hard/soft labels are deliberately not an input: they suppress on every 5xx.
 */
export function diagnoseFromStatus(
  input: {
    recipient: string;
    status?: string | null;
    diagnosticCode?: string | null;
    smtpResponse?: string | null;
    remoteMta?: string | null;
  },
  options?: AnalyzeOptions,
): BounceDiagnosis {
  const words = [input.diagnosticCode, input.smtpResponse].filter((s): s is string => !!s && !!s.trim()).join(" ");
  const diag = words.replace(/^smtp;\s*/i, "");
  return diagnose(
    {
      recipient: input.recipient ?? "",
      statusField: input.status ?? null,
      diagnostic: diag ? joinReplyLines(diag) : null,
      diagnosticType: "SMTP",
      remoteMta: input.remoteMta ?? null,
    },
    { ...EMPTY_CONTEXT, options },
  );
}
