/**
 * Budgets far above what a functional test spends: most suites fire hundreds of requests a
 * second from one key and address, which the production defaults (README) would rightly
 * throttle. test/security/ passes its own values to test the throttling itself.
 */
export const GENEROUS_THROTTLE: Record<string, string> = {
  REBOUND_KEY_BUCKET: "100000000",
  REBOUND_KEY_RESTORE_RATE: "1000000",
  REBOUND_TENANT_BUCKET: "100000000",
  REBOUND_TENANT_RESTORE_RATE: "1000000",
  REBOUND_AUTH_FAILURES_PER_MINUTE: "100000",
  REBOUND_INGEST_EVENTS_PER_MINUTE: "100000000",
};
