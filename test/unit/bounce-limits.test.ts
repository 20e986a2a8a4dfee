// Caps keep the work per message bounded; reaching one is never silent: the answer's
// `truncated` says which cap stopped the reading, and so does every row's evidence.
import { describe, expect, it } from "vitest";
import { analyzeMessage } from "../../src/core/bounce";
import { DAEMON_HEAD, dsnReport, message } from "../support/bounce.builders";

describe("caps on what one message may make the classifier read", () => {
  it("a delivery-status part with more recipient groups than are read says so", () => {
    const recipients = Array.from({ length: 1500 }, (_, i) => [
      `Final-Recipient: rfc822; r${i}@receiver.example`,
      "Action: failed",
      "Status: 5.1.1",
    ]);
    const a = analyzeMessage(dsnReport({ notice: "Delivery failed.", recipients }));
    expect(a.diagnoses.length).toBeGreaterThan(900);
    expect(a.diagnoses.length).toBeLessThan(1500);
    expect(a.truncated?.limits.join(" ")).toMatch(/delivery-status: only its first \d+ field groups/);
    expect(a.truncated?.recipients).toBe(1500);
    expect(a.diagnoses[0].evidence.join(" ")).toMatch(/only its first/);
  });

  it("a delivery-status part longer than is decoded says so, and counts the recipients of all of it", () => {
    const words = "the mailbox of this recipient does not exist here; ".repeat(8);
    const recipients = Array.from({ length: 900 }, (_, i) => [
      `Final-Recipient: rfc822; r${i}@receiver.example`,
      "Action: failed",
      "Status: 5.1.1",
      `Diagnostic-Code: smtp; 550 5.1.1 ${words}`,
    ]);
    const a = analyzeMessage(dsnReport({ notice: "Delivery failed.", recipients }));
    expect(a.diagnoses.length).toBeLessThan(900);
    expect(a.truncated?.limits.join(" ")).toMatch(/delivery-status: only its first \d+ bytes were read/);
    expect(a.truncated?.recipients).toBe(900);
  });

  it("a recipient group with both Final- and Original-Recipient counts once past the cap", () => {
    const recipients = Array.from({ length: 1200 }, (_, i) => [
      `Original-Recipient: rfc822; alias${i}@receiver.example`,
      `Final-Recipient: rfc822; r${i}@receiver.example`,
      "Action: failed",
      "Status: 5.1.1",
    ]);
    const a = analyzeMessage(dsnReport({ notice: "Delivery failed.", recipients }));
    expect(a.truncated?.recipients).toBe(1200);
  });

  it("a notice line naming more addresses than are read says so", () => {
    const line = Array.from({ length: 300 }, (_, i) => `<r${i}@receiver.example>`).join(" ");
    const a = analyzeMessage(
      message(DAEMON_HEAD, `Delivery to these recipients failed: ${line}\n550 5.1.1 user unknown\n`),
    );
    expect(a.diagnoses.length).toBeLessThanOrEqual(200);
    expect(a.truncated?.limits.join(" ")).toMatch(/notice line 1: only its first 200 addresses/);
    expect(a.truncated?.recipients).toBe(300);
  });

  it("a notice naming more distinct addresses than are read counts them all, its own sender aside", () => {
    const list = Array.from({ length: 3000 }, (_, i) => `<user${i}@receiver.example>`).join("\n");
    const a = analyzeMessage(
      message(
        DAEMON_HEAD,
        `The following addresses failed:\n\n${list}\n<USER7@receiver.example>\n\nQuestions to campaigns@sender.example.\n`,
      ),
    );
    expect(a.truncated?.limits.join(" ")).toMatch(/only its first 1000 distinct addresses/);
    expect(a.diagnoses.length).toBeLessThanOrEqual(1000);
    expect(a.truncated?.recipients).toBe(3000);
  });

  it("a message within every cap carries no truncation note", () => {
    const a = analyzeMessage(
      dsnReport({
        notice: "Delivery failed.",
        recipients: [["Final-Recipient: rfc822; gone@receiver.example", "Action: failed", "Status: 5.1.1"]],
      }),
    );
    expect(a.truncated).toBeUndefined();
    expect(a.diagnoses[0].evidence.join(" ")).not.toMatch(/only its first/);
  });
});
