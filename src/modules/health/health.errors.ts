import { defineErrorCodes } from "../../platform/graphql/user-error";

/** What the health mutations refuse (beside the common codes). */
export const HealthErrorCode = defineErrorCodes("health", {
  TOO_MANY_ADDRESSES: "More addresses than one call may check.",
});
