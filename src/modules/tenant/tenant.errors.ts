import { defineErrorCodes } from "../../platform/graphql/user-error";

/** What updateTenantSettings refuses. */
export const TenantErrorCode = defineErrorCodes("tenant", {
  INVALID_SETTING: "A setting is out of its range or malformed (the message names the setting and its range).",
});
