import { closeSync, openSync, readSync } from "node:fs";
import { analyzeMessage, splitMbox, type BounceDiagnosis } from "../core/bounce";

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
export function classifyFile(file: string): { text: string; failed: number } {
  const out: string[] = [];
  let failed = 0;
  let bytes: Uint8Array;
  try {
    bytes = readWhole(file);
  } catch (err) {
    return {
      text:
        JSON.stringify({
          file,
          message: 1,
          index: 1,
          error: `cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
        }) + "\n",
      failed: 1,
    };
  }
  const messages = splitMbox(bytes);
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

/**
 * A file's bytes in one reused buffer (no stat, no new buffer per file: on a folder of
 * thousands of small bounces those were a tenth of the run). The view is valid until the
 * next call; each file's messages are classified before the next file is read.
 */
let readBuffer = Buffer.allocUnsafe(256 * 1024);
function readWhole(file: string): Uint8Array {
  const fd = openSync(file, "r");
  try {
    let n = 0;
    for (;;) {
      if (n === readBuffer.length) {
        const bigger = Buffer.allocUnsafe(readBuffer.length * 2);
        readBuffer.copy(bigger, 0, 0, n);
        readBuffer = bigger;
      }
      const got = readSync(fd, readBuffer, n, readBuffer.length - n, null);
      if (got === 0) break;
      n += got;
    }
    return readBuffer.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}
