import { defineErrorCodes } from "../../platform/graphql/user-error";

/** What the suppression mutations refuse (beside the common codes). */
export const SuppressionErrorCode = defineErrorCodes("suppression", {
  EMPTY: "Neither an address nor a domain was given.",
  TOO_MANY_SUPPRESSIONS: "More addresses and domains than one call takes.",
  INVALID_NOTE: "The note is longer than allowed.",
  INVALID_EXPIRY: "expiresAt is not in the future.",
  ALREADY_REMOVED: "The suppression was already removed.",
});
