import { defineErrorCodes } from "../../platform/graphql/user-error";

/** What the DNS audit's settings refuse (beside the common codes). */
export const DnsAuditErrorCode = defineErrorCodes("dns-audit", {
  TOO_MANY_SENDING_IPS: "More sending IPs than one domain may list.",
  INVALID_IP: "Not an IPv4 or IPv6 address that can send mail.",
  TOO_MANY_SELECTORS: "More DKIM selectors than one domain may list.",
  INVALID_SELECTOR: "Not a DKIM selector (letters, digits, - and _, dot-separated).",
});
