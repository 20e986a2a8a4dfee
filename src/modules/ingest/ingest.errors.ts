import { defineErrorCodes } from "../../platform/graphql/user-error";

/** What recordSends, ingestBounces and ingestBounceMessage refuse (beside the common codes). */
export const IngestErrorCode = defineErrorCodes("ingest", {
  INVALID_IDEMPOTENCY_KEY: "The idempotencyKey is empty or too long.",
  IDEMPOTENCY_KEY_REUSED: "The idempotencyKey was used before with different input (or another operation).",
  TOO_MANY_RECIPIENTS: "More recipients than one recordSends call takes; split the list.",
  TOO_MANY_EVENTS: "More events than one ingestBounces call takes; split the batch.",
  INVALID_SENT_AT: "sentAt is in the future or out of the accepted range.",
  INVALID_OCCURRED_AT: "occurredAt is out of the accepted range (2000-01-01 to one day after now).",
  INVALID_EVENT_KEY: "The eventKey is empty or too long.",
  MISSING_DIAGNOSIS: "A BOUNCE or DEFERRAL event without smtpResponse, status or diagnosticCode.",
  EMPTY_MESSAGE: "The raw message is empty.",
  NOT_A_BOUNCE: "No bounce, complaint or delivery report could be read from the message.",
  MESSAGE_TOO_COMPLEX: "The message could not be classified before its deadline; nothing was stored.",
});
