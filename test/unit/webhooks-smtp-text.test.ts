import { describe, expect, it } from "vitest";
import { cleanStatus, enhancedStatusFromText, replyCodeFromText } from "../../src/core/webhooks/smtp-text";

describe("reply code and enhanced status extraction from a server's text", () => {
  const cases: Array<[string, number | null, string | null]> = [
    ["smtp; 550 5.1.1 <a@b.c>: user unknown", 550, "5.1.1"],
    ["smtp;550 5.1.1 The email account", 550, "5.1.1"],
    ["550-5.7.1 [203.0.113.9] Our system has detected", 550, "5.7.1"],
    ["X-Postfix; 451 4.3.0 Temporary lookup failure", 451, "4.3.0"],
    ["5.1.1 The email account that you tried to reach does not exist", null, "5.1.1"],
    ["550 #5.1.0 Address rejected", 550, "5.1.0"],
    ["250 OK", 250, null],
    ["500 unknown recipient", 500, null],
    ["Mailbox unavailable, see 10.5.1.12 for details", null, null],
    ["unable to get mx info: lookup example: no such host", null, null],
    ["550 Requested action not taken: version 5.1.12 of policy", 550, null],
  ];
  for (const [text, code, status] of cases) {
    it(`reads ${JSON.stringify(text)} as ${code} / ${status}`, () => {
      expect(replyCodeFromText(text)).toBe(code);
      expect(enhancedStatusFromText(text)).toBe(status);
    });
  }

  it("accepts only well-formed explicit status fields", () => {
    expect(cleanStatus(" 5.0.0 ")).toBe("5.0.0");
    expect(cleanStatus("550")).toBeNull();
    expect(cleanStatus(null)).toBeNull();
  });
});
