// Audit of a domain's SPF policy: exactly one record, valid syntax, the DNS-lookup and
// void-lookup budget over the whole include/redirect tree (what a receiver spends when
// it evaluates every term, i.e. for any mail that doesn't match early), the "all"
// qualifier, and whether the tenant's sending IPs are authorised (real check_host()).

import { fail, pass, warn, worstStatus, type CheckResult, type CheckStatus } from "./check-result";
import { isMissing, joinTxt, type DnsLookup } from "./dns-lookup";
import { checkHost, SPF_LIMITS, type SpfResult } from "./spf-check-host";
import { toQueryName } from "./spf-macro";
import { parseSpfRecord, selectSpfRecords, DNS_QUERYING_MECHANISMS, type SpfRecord } from "./spf-record";

export interface SpfAudit {
  status: CheckStatus;
  checks: CheckResult[];
  /** The domain's SPF record, when exactly one was found. */
  record: string | null;
  /** DNS-querying terms across the whole tree (limit 10). */
  lookupCount: number;
  /** Terms whose lookup found nothing (limit 2). */
  voidLookupCount: number;
  /** Domains reached through include: and redirect=, in evaluation order. */
  includes: string[];
  /** check_host() for each sending IP, with sender postmaster@domain. */
  authorizedIps: Array<{ ip: string; result: SpfResult; problem: string | null }>;
  /** Set when the record couldn't be read because DNS failed (not the same as no record). */
  dnsError: string | null;
}

interface Walk {
  lookups: number;
  voids: number;
  includes: string[];
  problems: CheckResult[];
  usesPtr: boolean;
  visited: Set<string>;
}

type Fetched =
  { kind: "record"; text: string; record: SpfRecord } | { kind: "problem"; problem: string; dnsError: boolean };

async function fetchSpf(dns: DnsLookup, domain: string): Promise<Fetched> {
  const answer = await dns.txt(domain);
  if (answer.status === "ERROR")
    return { kind: "problem", problem: `the DNS lookup of ${domain} failed (${answer.code})`, dnsError: true };
  if (isMissing(answer)) return { kind: "problem", problem: `${domain} has no SPF record`, dnsError: false };
  const records = selectSpfRecords(answer.records.map(joinTxt));
  if (records.length === 0) return { kind: "problem", problem: `${domain} has no SPF record`, dnsError: false };
  if (records.length > 1)
    return { kind: "problem", problem: `${domain} has ${records.length} SPF records`, dnsError: false };
  const parsed = parseSpfRecord(records[0]);
  if (!parsed.ok)
    return { kind: "problem", problem: `${domain}'s SPF record is invalid: ${parsed.error}`, dnsError: false };
  return { kind: "record", text: records[0], record: parsed.record };
}

/** A target without macros, as a query name; null for macro targets (known only per message). */
function staticTarget(spec: { text: string } | null, domain: string): string | null {
  if (!spec) return domain;
  return spec.text.includes("%") ? null : toQueryName(spec.text);
}

async function walk(dns: DnsLookup, domain: string, record: SpfRecord, state: Walk, depth: number): Promise<void> {
  for (const d of record.directives) {
    const m = d.mechanism;
    if (!DNS_QUERYING_MECHANISMS.has(m.kind)) continue;
    state.lookups += 1;
    if (m.kind === "ptr") state.usesPtr = true;
    if (m.kind === "include") {
      const target = staticTarget(m.domain, domain);
      if (target) await follow(dns, target, `include:${m.domain.text}`, state, depth);
      continue;
    }
    if (m.kind === "a" || m.kind === "mx" || m.kind === "exists") {
      const target = staticTarget(m.domain, domain);
      if (!target) continue;
      if (m.kind === "mx") {
        const answer = await dns.mx(target);
        if (isMissing(answer)) state.voids += 1;
        else if (answer.status === "OK" && answer.records.length > SPF_LIMITS.mxNames) {
          state.problems.push(
            fail(
              "spf.mx-limit",
              d.text,
              `${d.text} in ${domain}'s record points at ${answer.records.length} MX hosts; more than ${SPF_LIMITS.mxNames} is an error.`,
              `Replace ${d.text} with ip4:/ip6: ranges of the hosts that really send.`,
            ),
          );
        }
      } else {
        const answers = m.kind === "exists" ? [await dns.a(target)] : [await dns.a(target), await dns.aaaa(target)];
        if (answers.every(isMissing)) state.voids += 1;
      }
    }
  }
  if (record.redirect && !record.directives.some((d) => d.mechanism.kind === "all")) {
    state.lookups += 1;
    const target = staticTarget(record.redirect, domain);
    if (target) await follow(dns, target, `redirect=${record.redirect.text}`, state, depth);
  }
}

async function follow(dns: DnsLookup, target: string, term: string, state: Walk, depth: number): Promise<void> {
  state.includes.push(target);
  if (state.visited.has(target) || depth >= SPF_LIMITS.dnsMechanisms) {
    state.problems.push(
      fail(
        "spf.loop",
        term,
        `${term} leads back to a record already included: evaluation loops until the lookup limit.`,
        `Remove ${term}.`,
      ),
    );
    return;
  }
  state.visited.add(target);
  const fetched = await fetchSpf(dns, target);
  if (fetched.kind === "problem") {
    state.problems.push(
      fetched.dnsError
        ? warn(
            "spf.include",
            term,
            `${term}: ${fetched.problem}; receivers would get a temporary error.`,
            "Retry later; if it persists, tell whoever runs that domain's DNS.",
          )
        : fail(
            "spf.include",
            term,
            `${term}: ${fetched.problem}, which makes your whole SPF result a permanent error.`,
            `Fix or remove ${term}.`,
          ),
    );
    return;
  }
  await walk(dns, target, fetched.record, state, depth + 1);
  state.visited.delete(target);
}

function allCheck(record: SpfRecord, text: string): CheckResult {
  const all = record.directives.find((d) => d.mechanism.kind === "all");
  if (!all) {
    return record.redirect
      ? pass("spf.all", text)
      : warn(
          "spf.all",
          text,
          'The record has no "all" at the end, so mail from anywhere else is neutral: neither allowed nor refused.',
          "End the record with ~all while testing, then -all.",
        );
  }
  switch (all.qualifier) {
    case "+":
      return fail(
        "spf.all",
        text,
        "+all authorises every server on the internet to send as this domain.",
        "Replace +all with ~all (while testing) and then -all.",
      );
    case "?":
      return warn(
        "spf.all",
        text,
        "?all says nothing about unlisted servers, so spoofed mail is neutral.",
        "Use ~all while testing, then -all.",
      );
    case "~":
      return pass("spf.all", text, "~all is fine while testing; move to -all once all your senders pass.");
    default:
      return pass("spf.all", text);
  }
}

export async function auditSpf(
  dns: DnsLookup,
  domain: string,
  options: { sendingIps?: readonly string[]; now: Date },
): Promise<SpfAudit> {
  const result = (checks: CheckResult[], rest: Partial<SpfAudit> = {}): SpfAudit => ({
    status: worstStatus(checks.map((c) => c.status)),
    checks,
    record: null,
    lookupCount: 0,
    voidLookupCount: 0,
    includes: [],
    authorizedIps: [],
    dnsError: null,
    ...rest,
  });
  const answer = await dns.txt(domain);
  if (answer.status === "ERROR") {
    return result(
      [
        fail(
          "spf.record",
          null,
          `The DNS lookup of ${domain} failed (${answer.code}): the SPF record could not be read. This is not the same as having none; receivers get a temporary error too.`,
          "Retry; if it keeps failing, check the domain's DNS servers.",
        ),
      ],
      { dnsError: `${answer.code}: ${answer.message}` },
    );
  }
  const spfRecords = answer.status === "OK" ? selectSpfRecords(answer.records.map(joinTxt)) : [];
  if (spfRecords.length === 0) {
    return result([
      fail(
        "spf.record",
        null,
        `${domain} has no SPF record, so receivers can't tell which servers may send for it.`,
        `Publish one TXT record at ${domain}, e.g. "v=spf1 include:<your provider's SPF domain> ~all".`,
      ),
    ]);
  }
  if (spfRecords.length > 1) {
    return result([
      fail(
        "spf.record",
        spfRecords.join(" | "),
        `${domain} has ${spfRecords.length} SPF records; receivers then return a permanent error for every message.`,
        "Merge them into one record with all the mechanisms.",
      ),
    ]);
  }
  const text = spfRecords[0];
  const parsed = parseSpfRecord(text);
  if (!parsed.ok) {
    return result(
      [
        pass("spf.record", text),
        fail(
          "spf.syntax",
          text,
          `The SPF record is invalid: ${parsed.error}.`,
          "Correct the record; any syntax error makes SPF a permanent error.",
        ),
      ],
      { record: text },
    );
  }
  const checks: CheckResult[] = [pass("spf.record", text), pass("spf.syntax", text)];
  const state: Walk = {
    lookups: 0,
    voids: 0,
    includes: [],
    problems: [],
    usesPtr: false,
    visited: new Set([domain.toLowerCase()]),
  };
  await walk(dns, domain, parsed.record, state, 0);
  checks.push(...state.problems);

  const limit = SPF_LIMITS.dnsMechanisms;
  checks.push(
    state.lookups > limit
      ? fail(
          "spf.lookups",
          text,
          `Evaluating the record takes ${state.lookups} DNS lookups (include, a, mx, ptr, exists, redirect across all includes); more than ${limit} is a permanent error.`,
          "Remove unused includes, replace a/mx with ip4:/ip6: ranges, or flatten nested includes.",
        )
      : state.lookups >= limit - 1
        ? warn(
            "spf.lookups",
            text,
            `Evaluating the record takes ${state.lookups} of the ${limit} allowed DNS lookups; one more include breaks SPF.`,
            "Replace a/mx with ip4:/ip6: ranges to leave headroom.",
          )
        : pass("spf.lookups", text),
  );
  checks.push(
    state.voids > SPF_LIMITS.voidLookups
      ? fail(
          "spf.void-lookups",
          text,
          `${state.voids} terms point at names with no records; more than ${SPF_LIMITS.voidLookups} is a permanent error.`,
          "Remove mechanisms that name hosts or domains that no longer exist.",
        )
      : state.voids > 0
        ? warn(
            "spf.void-lookups",
            text,
            `${state.voids} term(s) point at names with no records.`,
            "Remove mechanisms that name hosts or domains that no longer exist.",
          )
        : pass("spf.void-lookups", text),
  );
  if (state.usesPtr) {
    checks.push(
      warn(
        "spf.ptr",
        text,
        "The ptr mechanism is slow, unreliable and discouraged (RFC 7208 5.5); some receivers ignore it.",
        "Replace ptr with ip4:/ip6: ranges.",
      ),
    );
  }
  checks.push(allCheck(parsed.record, text));

  const authorizedIps: SpfAudit["authorizedIps"] = [];
  for (const ip of options.sendingIps ?? []) {
    const outcome = await checkHost(dns, { ip, domain, sender: `postmaster@${domain}`, now: options.now });
    authorizedIps.push({ ip, result: outcome.result, problem: outcome.problem });
    checks.push(
      outcome.result === "pass"
        ? pass(`spf.ip.${ip}`, text)
        : fail(
            `spf.ip.${ip}`,
            text,
            `Sending IP ${ip} is not authorised: SPF gives ${outcome.result}${outcome.problem ? ` (${outcome.problem})` : ""}.`,
            outcome.result === "permerror" || outcome.result === "temperror"
              ? "Fix the SPF errors above first."
              : `Add ip${ip.includes(":") ? "6" : "4"}:${ip} (or your provider's include) to the record.`,
          ),
    );
  }
  return result(checks, {
    record: text,
    lookupCount: state.lookups,
    voidLookupCount: state.voids,
    includes: state.includes,
    authorizedIps,
  });
}
