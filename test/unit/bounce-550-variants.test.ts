// The seed article's 550 decision matrix (DESIGN.md): variant, likely cause, first action.
import { describe, expect, it } from "vitest";
import { analyzeSmtpReply, BOUNCE_550_VARIANTS } from "../../src/core/bounce";

describe("the 550 decision matrix", () => {
  it.each([
    ["user unknown", "550 5.1.1 <a@b.example>: User unknown", "USER_UNKNOWN", /remove the address/i],
    [
      "does not exist",
      "550 5.1.1 The email account that you tried to reach does not exist",
      "USER_UNKNOWN",
      /remove the address/i,
    ],
    ["access denied", "550 5.7.1 Access denied", "ACCESS_DENIED", /SPF, DKIM/],
    ["message refused", "550 5.7.1 Delivery not authorized, message refused", "ACCESS_DENIED", /./],
    ["address rejected", "550 5.4.1 Recipient address rejected: Access denied", "ADDRESS_REJECTED", /./],
    ["mailbox unavailable", "550 Requested action not taken: mailbox unavailable", "MAILBOX_UNAVAILABLE", /./],
    ["no sub-code, permanent failure", "550 permanent failure for one or more recipients", "CATCH_ALL_BLOCK", /./],
    ["try again later alongside 550", "550 Too many messages, try again later", "MIXED_SIGNAL", /./],
  ])("%s → %s", (_label, reply, variant, action) => {
    const d = analyzeSmtpReply(reply, "x@y.example");
    expect(d.variant).toBe(variant);
    expect(d.likelyCause.length).toBeGreaterThan(10);
    expect(d.firstAction).toMatch(action);
  });

  it("says NOT_550 for replies other than 550: 4xx deferrals and 552/554 are outside the matrix", () => {
    expect(analyzeSmtpReply("452 4.2.2 Mailbox full", "x@y.example").variant).toBe("NOT_550");
    expect(analyzeSmtpReply("554 5.7.1 Relay access denied", "x@y.example").variant).toBe("NOT_550");
    expect(analyzeSmtpReply("421 4.7.0 Try again later", "x@y.example").variant).toBe("NOT_550");
  });

  it("keeps the permanence and the fault apart: a 550 5.7.1 is HARD yet never suppresses the recipient", () => {
    const d = analyzeSmtpReply("550 5.7.1 Access denied", "x@y.example");
    expect(d).toMatchObject({ bounceType: "HARD", hardBounce: false });
    expect(d.fault).toMatch(/^SENDER_|POLICY|CONTENT/);
  });

  it("a MIXED_SIGNAL 550 is not suppressed either", () => {
    expect(analyzeSmtpReply("550 5.7.1 Rate limited, try again later", "x@y.example").hardBounce).toBe(false);
  });

  it("lists every variant of the matrix", () => {
    expect(BOUNCE_550_VARIANTS).toEqual([
      "USER_UNKNOWN",
      "ACCESS_DENIED",
      "ADDRESS_REJECTED",
      "MAILBOX_UNAVAILABLE",
      "CATCH_ALL_BLOCK",
      "MIXED_SIGNAL",
      "NOT_550",
    ]);
  });
});
