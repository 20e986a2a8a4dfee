// DMARC identifier alignment (RFC 7489 3.1): does the From domain match the envelope
// (Return-Path) domain SPF authenticates, and the d= domain DKIM signs with? Relaxed mode
// compares organizational domains, found with the Public Suffix List (tldts); strict
// mode wants the same name.

import { getDomain } from "tldts";
import { normalizeName } from "./dns-lookup";
import { fail, pass, type CheckResult } from "./check-result";
import type { AlignmentMode } from "./dmarc-record";

/**
 * The organizational domain: registrable domain per the PSL, private section included
 * (so two customers of one hosting suffix never align with each other). Falls back to
 * the name itself when the PSL has no answer (an IP, a bare suffix).
 */
export function organizationalDomain(domain: string): string {
  const name = normalizeName(domain);
  return getDomain(name, { allowPrivateDomains: true }) ?? name;
}

export function isAligned(a: string, b: string, mode: AlignmentMode): boolean {
  const x = normalizeName(a);
  const y = normalizeName(b);
  return mode === "s" ? x === y : organizationalDomain(x) === organizationalDomain(y);
}

export interface AlignmentInput {
  fromDomain: string;
  returnPathDomain: string | null;
  dkimDomain: string | null;
  /** From the DMARC record; relaxed when there is none. */
  aspf?: AlignmentMode;
  adkim?: AlignmentMode;
}

const MODE_NAME: Record<AlignmentMode, string> = { r: "relaxed", s: "strict" };

/**
 * Checks "alignment.spf" and "alignment.dkim" for the domains given (a null domain is not
 * checked and gives no entry); DMARC needs at least one of the two to pass.
 */
export function checkAlignment(input: AlignmentInput): CheckResult[] {
  const aspf = input.aspf ?? "r";
  const adkim = input.adkim ?? "r";
  const from = normalizeName(input.fromDomain);
  const one = (id: string, what: string, other: string, mode: AlignmentMode): CheckResult => {
    const record = `From: ${from}, ${what}: ${normalizeName(other)} (${MODE_NAME[mode]})`;
    if (isAligned(from, other, mode)) return pass(id, record);
    const relaxedWouldPass = mode === "s" && isAligned(from, other, "r");
    return fail(
      id,
      record,
      relaxedWouldPass
        ? `${normalizeName(other)} is in the same organization as ${from} but strict alignment requires the exact name.`
        : `${normalizeName(other)} and ${from} belong to different organizational domains (${organizationalDomain(other)} vs ${organizationalDomain(from)}).`,
      relaxedWouldPass
        ? `Use ${from} itself as the ${what} domain, or relax the DMARC mode (${id === "alignment.spf" ? "aspf" : "adkim"}=r).`
        : `Use a ${what} domain under ${organizationalDomain(from)} (e.g. a subdomain your provider lets you set up).`,
    );
  };
  const checks: CheckResult[] = [];
  if (input.returnPathDomain) checks.push(one("alignment.spf", "Return-Path", input.returnPathDomain, aspf));
  if (input.dkimDomain) checks.push(one("alignment.dkim", "DKIM d=", input.dkimDomain, adkim));
  return checks;
}
