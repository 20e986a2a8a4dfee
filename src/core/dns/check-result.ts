// The shape every audit check reports in: what was seen, what is wrong, how to fix it,
// in plain words, so the API can show it to a person without translation.

export type CheckStatus = "PASS" | "WARN" | "FAIL";

export interface CheckResult {
  /** Stable identifier, e.g. "spf.record", "dkim.google.key-size", "dmarc.policy". */
  id: string;
  status: CheckStatus;
  /** The DNS record (or value) the check looked at; null when there was none. */
  record: string | null;
  /** What is wrong; null when nothing is. */
  problem: string | null;
  /** What to do about it; on a PASS, an optional next step (e.g. the DMARC safe path). */
  fix: string | null;
}

const RANK: Record<CheckStatus, number> = { PASS: 0, WARN: 1, FAIL: 2 };

/** The worst status of several (PASS for none). */
export function worstStatus(statuses: Iterable<CheckStatus>): CheckStatus {
  let worst: CheckStatus = "PASS";
  for (const s of statuses) if (RANK[s] > RANK[worst]) worst = s;
  return worst;
}

export function pass(id: string, record: string | null, fix: string | null = null): CheckResult {
  return { id, status: "PASS", record, problem: null, fix };
}

export function warn(id: string, record: string | null, problem: string, fix: string): CheckResult {
  return { id, status: "WARN", record, problem, fix };
}

export function fail(id: string, record: string | null, problem: string, fix: string): CheckResult {
  return { id, status: "FAIL", record, problem, fix };
}
