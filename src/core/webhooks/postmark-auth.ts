import { AUTH_OK, constantTimeEqual, fail, type AuthResult } from "./auth-result";

// Postmark signs nothing: the webhook URL carries HTTP basic credentials we chose
// (https://user:pass@host/...), and Postmark sends them as an Authorization header.
// The shell answers 401 with `WWW-Authenticate: Basic` on failure.

export type PostmarkAuthCode = "MISSING_CREDENTIALS" | "BAD_CREDENTIALS";
export type PostmarkAuthResult = AuthResult<PostmarkAuthCode>;

export interface BasicCredentials {
  username: string;
  password: string;
}

export function verifyPostmarkBasicAuth(
  authorizationHeader: string | undefined,
  expected: BasicCredentials,
): PostmarkAuthResult {
  const match = /^\s*basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(authorizationHeader ?? "");
  if (!match) return fail("MISSING_CREDENTIALS", "Authorization: Basic credentials are required");
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":"); // RFC 7617: the user-id cannot contain ':', the password can
  if (colon < 0) return fail("MISSING_CREDENTIALS", "Basic credentials must be user:password");
  // Both comparisons always run (no short-circuit) so timing does not tell which one failed.
  const userOk = constantTimeEqual(decoded.slice(0, colon), expected.username);
  const passOk = constantTimeEqual(decoded.slice(colon + 1), expected.password);
  return userOk && passOk ? AUTH_OK : fail("BAD_CREDENTIALS", "Basic credentials do not match");
}
