import { analyzeMessage, splitMbox, type BounceDiagnosis } from "../core/bounce";
import type { FileContent } from "./classify.read";

// One file of bounces to JSON lines: what the serial run and each worker thread do per file.

export function row(file: string, message: number, index: number, d: BounceDiagnosis): Record<string, unknown> {
  return {
    file,
    message,
    index,
    recipient: d.recipient,
    originalRecipient: d.originalRecipient ?? null,
    status: d.status ?? "",
    replyCode: d.replyCode === null ? "" : String(d.replyCode),
    reason: d.reason,
    hardBounce: d.hardBounce,
    bounceType: d.bounceType,
    fault: d.fault,
    variant: d.variant,
    feedbackType: d.feedbackType,
    recipientDomain: d.recipientDomain,
    recipientProvider: d.recipientProvider,
    diagnosticCode: d.diagnosticCode,
    remoteMta: d.remoteMta,
    reportingMta: d.reportingMta,
    action: d.action,
    lastAttemptAt: d.lastAttemptAt ? d.lastAttemptAt.toISOString() : null,
    authResults: d.authResults,
    originalMessageId: d.originalMessageId,
    likelyCause: d.likelyCause,
    firstAction: d.firstAction,
    evidence: d.evidence,
    ruleVersion: d.ruleVersion,
  };
}

/** The JSON lines of one file's results (errors as rows), and how many messages had none. */
export function classifyFile(file: string, content: FileContent): { text: string; failed: number } {
  if (!(content instanceof Uint8Array))
    return {
      text: JSON.stringify({ file, message: 1, index: 1, error: `cannot read: ${content.error}` }) + "\n",
      failed: 1,
    };
  const out: string[] = [];
  let failed = 0;
  const messages = splitMbox(content);
  messages.forEach((m, i) => {
    const a = analyzeMessage(m);
    if (!a.diagnoses.length) {
      out.push(JSON.stringify({ file, message: i + 1, index: 1, error: a.error ?? "no result" }) + "\n");
      failed++;
      return;
    }
    a.diagnoses.forEach((d, k) => out.push(JSON.stringify(row(file, i + 1, k + 1, d)) + "\n"));
  });
  return { text: out.join(""), failed };
}
