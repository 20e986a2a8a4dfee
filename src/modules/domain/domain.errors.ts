import { defineErrorCodes } from "../../platform/graphql/user-error";

/** What the domain mutations refuse (beside the common codes). */
export const DomainErrorCode = defineErrorCodes("domain", {
  DOMAIN_IN_USE: "Inboxes or campaigns still use the domain; delete or move them first.",
});
