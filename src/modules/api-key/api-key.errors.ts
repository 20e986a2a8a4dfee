import { defineErrorCodes } from "../../platform/graphql/user-error";

/** What createApiKey and revokeApiKey refuse (beside the common codes). */
export const ApiKeyErrorCode = defineErrorCodes("api-key", {
  INVALID_SCOPES: "An API key needs at least one scope.",
});
