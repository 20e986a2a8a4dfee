import { defineErrorCodes } from "../../platform/graphql/user-error";

/** What the inbox mutations refuse (beside the common codes). */
export const InboxErrorCode = defineErrorCodes("inbox", {
  INVALID_DAILY_LIMIT: "The daily limit is outside 1 to 100,000.",
  ADDRESS_DOMAIN_MISMATCH: "The inbox address is not at its domain or one of its subdomains.",
});
