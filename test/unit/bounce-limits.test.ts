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
    expect(a.truncated?.join(" ")).toMatch(/delivery-status: only its first \d+ field groups/);
    expect(a.diagnoses[0].evidence.join(" ")).toMatch(/only its first/);
  });

  it("a notice line naming more addresses than are read says so", () => {
    const line = Array.from({ length: 300 }, (_, i) => `<r${i}@receiver.example>`).join(" ");
    const a = analyzeMessage(
      message(DAEMON_HEAD, `Delivery to these recipients failed: ${line}\n550 5.1.1 user unknown\n`),
    );
    expect(a.diagnoses.length).toBeLessThanOrEqual(200);
    expect(a.truncated?.join(" ")).toMatch(/notice line 1: only its first 200 addresses/);
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
