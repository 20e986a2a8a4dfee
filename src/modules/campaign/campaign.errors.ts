import { defineErrorCodes } from "../../platform/graphql/user-error";

/** What the campaign mutations refuse (beside the common codes). */
export const CampaignErrorCode = defineErrorCodes("campaign", {
  INVALID_STATUS: "Not a campaign status.",
  INVALID_STATUS_TRANSITION: "The campaign cannot move to that status (a COMPLETED campaign stays completed).",
});
