import { describe, expect, it } from "vitest";
import { verifyPostmarkBasicAuth } from "../../src/core/webhooks/postmark-auth";
import { basicAuthHeader } from "../support/webhook-signers";

const EXPECTED = { username: "postmark-hook", password: "s3cr3t:with:colons" };

describe("verifyPostmarkBasicAuth", () => {
  it("accepts the configured credentials, even with colons in the password", () => {
    expect(verifyPostmarkBasicAuth(basicAuthHeader("postmark-hook", "s3cr3t:with:colons"), EXPECTED)).toEqual({
      ok: true,
    });
  });

  it("accepts a lower-case scheme and surrounding spaces", () => {
    const header = basicAuthHeader(EXPECTED.username, EXPECTED.password).replace("Basic", "  basic");
    expect(verifyPostmarkBasicAuth(header, EXPECTED)).toEqual({ ok: true });
  });

  it("rejects a wrong password, a wrong user, and a prefix of the password", () => {
    expect(verifyPostmarkBasicAuth(basicAuthHeader("postmark-hook", "wrong"), EXPECTED)).toMatchObject({
      code: "BAD_CREDENTIALS",
    });
    expect(verifyPostmarkBasicAuth(basicAuthHeader("admin", EXPECTED.password), EXPECTED)).toMatchObject({
      code: "BAD_CREDENTIALS",
    });
    expect(verifyPostmarkBasicAuth(basicAuthHeader("postmark-hook", "s3cr3t"), EXPECTED)).toMatchObject({
      code: "BAD_CREDENTIALS",
    });
  });

  it("rejects a password with extra whitespace: credentials are compared exactly", () => {
    expect(verifyPostmarkBasicAuth(basicAuthHeader("postmark-hook", "s3cr3t:with:colons "), EXPECTED)).toMatchObject({
      code: "BAD_CREDENTIALS",
    });
  });

  it("answers MISSING_CREDENTIALS with no header, another scheme, or no colon", () => {
    expect(verifyPostmarkBasicAuth(undefined, EXPECTED)).toMatchObject({ code: "MISSING_CREDENTIALS" });
    expect(verifyPostmarkBasicAuth("Bearer abc", EXPECTED)).toMatchObject({ code: "MISSING_CREDENTIALS" });
    expect(verifyPostmarkBasicAuth(`Basic ${Buffer.from("nocolon").toString("base64")}`, EXPECTED)).toMatchObject({
      code: "MISSING_CREDENTIALS",
    });
  });
});
