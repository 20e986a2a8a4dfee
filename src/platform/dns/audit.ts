// The whole DNS authentication audit of one sending domain: SPF, DKIM per selector, DMARC,
// alignment, reverse DNS of the sending IPs, MX, blocklists and the providers' sender
// requirements. Every decision is made by src/core; this file only decides what to ask
// and puts the answers together. DNS goes through the injected DnsLookup.

import { organizationalDomain, checkAlignment, isAligned } from "../../core/dns/alignment";
import { fail, pass, warn, worstStatus, type CheckResult, type CheckStatus } from "../../core/dns/check-result";
import { COMMON_DKIM_SELECTORS, lintDkimRecord, selectDkimRecord, type DkimKeyInfo } from "../../core/dns/dkim-record";
import { isDmarcRecord, lintDmarc, type DmarcLint } from "../../core/dns/dmarc-record";
import { isMissing, joinTxt, normalizeName, type DnsLookup, type MxRecord } from "../../core/dns/dns-lookup";
import {
  checkBlocklists,
  DEFAULT_DNSBL_DOMAIN_ZONES,
  DEFAULT_DNSBL_IP_ZONES,
  type DnsblResult,
} from "../../core/dns/dnsbl";
import { checkReverseDns, type ReverseDnsCheck } from "../../core/dns/reverse-dns";
import { senderRequirements, type ProviderRequirements } from "../../core/dns/sender-requirements";
import { auditSpf, type SpfAudit } from "../../core/dns/spf-audit";
import { providerFromMxHosts, type MailboxProvider } from "../../core/providers";

export interface AuditOptions {
  /** The tenant's DKIM selectors: a missing record at one of these is a failure. */
  selectors?: readonly string[];
  /** Also look at google, selector1, selector2... (found keys are reported, missing ones are not). Default true. */
  probeCommonSelectors?: boolean;
  /** Sending IPs: SPF authorisation, reverse DNS and IP blocklists. */
  sendingIps?: readonly string[];
  /** From: domain (default: the audited domain). */
  fromDomain?: string;
  /** Envelope sender (Return-Path) domain, for SPF alignment. */
  returnPathDomain?: string | null;
  /** DKIM d= domain, for DKIM alignment. */
  dkimDomain?: string | null;
  /** Messages a day to the big providers; 5,000+ is a bulk sender. */
  dailyVolume?: number | null;
  /** Blocklist zones (default: the built-in lists; see dnsblZonesFromEnv). */
  dnsblZones?: { ip: readonly string[]; domain: readonly string[] };
}

export interface DkimSelectorReport {
  selector: string;
  /** selector._domainkey.domain */
  name: string;
  /** Given by the tenant (true) or probed among the common provider selectors (false). */
  configured: boolean;
  found: boolean;
  status: CheckStatus | null;
  key: DkimKeyInfo | null;
  record: string | null;
  checks: CheckResult[];
  dnsError: string | null;
}

export interface DomainAuditReport {
  domain: string;
  /** ISO time the audit was made (the `now` given). */
  checkedAt: string;
  /** Worst status over every check. */
  status: CheckStatus;
  spf: SpfAudit;
  dkim: { status: CheckStatus; selectors: DkimSelectorReport[]; checks: CheckResult[] };
  dmarc: DmarcLint & { foundAt: string | null; dnsError: string | null };
  alignment: CheckResult[];
  ptr: ReverseDnsCheck[];
  mx: {
    status: CheckStatus;
    hosts: MxRecord[];
    provider: MailboxProvider | null;
    check: CheckResult;
    dnsError: string | null;
  };
  blocklists: DnsblResult[];
  senderRequirements: ProviderRequirements[];
  /** Every check above in one list (Domain.authentication). */
  checks: CheckResult[];
}

async function auditDkimSelector(
  dns: DnsLookup,
  domain: string,
  selector: string,
  configured: boolean,
): Promise<DkimSelectorReport> {
  const name = `${selector}._domainkey.${domain}`;
  const base = { selector, name, configured };
  const answer = await dns.txt(name);
  if (answer.status === "ERROR") {
    const check = fail(
      `dkim.${selector}.record`,
      null,
      `The DNS lookup of ${name} failed (${answer.code}); the DKIM key could not be read.`,
      "Retry; if it keeps failing, check the domain's DNS servers.",
    );
    return {
      ...base,
      found: false,
      status: configured ? "FAIL" : null,
      key: null,
      record: null,
      checks: configured ? [check] : [],
      dnsError: `${answer.code}: ${answer.message}`,
    };
  }
  const txts = answer.status === "OK" ? answer.records.map(joinTxt) : [];
  const { record, count } = selectDkimRecord(txts);
  if (record === null && !configured)
    return { ...base, found: false, status: null, key: null, record: null, checks: [], dnsError: null };
  const lint = lintDkimRecord(selector, domain, record);
  const checks =
    count > 1
      ? [
          ...lint.checks,
          warn(
            `dkim.${selector}.records`,
            txts.join(" | "),
            `${name} has ${count} DKIM records; verifiers may pick either.`,
            "Keep one key record per selector.",
          ),
        ]
      : lint.checks;
  return {
    ...base,
    found: record !== null,
    status: worstStatus(checks.map((c) => c.status)),
    key: lint.key,
    record,
    checks,
    dnsError: null,
  };
}

async function auditDkim(dns: DnsLookup, domain: string, options: AuditOptions): Promise<DomainAuditReport["dkim"]> {
  const configured = [...new Set((options.selectors ?? []).map((s) => s.trim()).filter((s) => s !== ""))];
  const probes =
    options.probeCommonSelectors === false ? [] : COMMON_DKIM_SELECTORS.filter((s) => !configured.includes(s));
  const selectors = await Promise.all([
    ...configured.map((s) => auditDkimSelector(dns, domain, s, true)),
    ...probes.map((s) => auditDkimSelector(dns, domain, s, false)),
  ]);
  const checks = selectors.flatMap((s) => s.checks);
  const usable = selectors.filter((s) => s.found && s.status !== "FAIL");
  if (usable.length === 0) {
    const tried = selectors.map((s) => s.selector).join(", ");
    checks.push(
      fail(
        "dkim.key",
        null,
        `No usable DKIM key was found for ${domain} (selectors tried: ${tried}).`,
        "Turn on DKIM signing at your mail provider and publish the key it gives you at <selector>._domainkey." +
          domain +
          "; then add that selector here.",
      ),
    );
  } else {
    checks.push(pass("dkim.key", usable.map((s) => s.name).join(", ")));
  }
  // The domain's DKIM status is its best usable selector's, plus any configured selector's failure.
  const status =
    usable.length === 0
      ? "FAIL"
      : worstStatus(selectors.filter((s) => s.configured || s.found).map((s) => s.status ?? "PASS"));
  return { status, selectors, checks };
}

async function auditDmarc(
  dns: DnsLookup,
  domain: string,
  dailyVolume: number | null,
): Promise<DomainAuditReport["dmarc"]> {
  const own = `_dmarc.${domain}`;
  const first = await dns.txt(own);
  if (first.status === "ERROR") {
    const check = fail(
      "dmarc.record",
      null,
      `The DNS lookup of ${own} failed (${first.code}); the DMARC policy could not be read.`,
      "Retry; if it keeps failing, check the domain's DNS servers.",
    );
    return {
      status: "FAIL",
      checks: [check],
      record: null,
      text: null,
      foundAt: null,
      dnsError: `${first.code}: ${first.message}`,
    };
  }
  let records = first.status === "OK" ? first.records.map(joinTxt) : [];
  let foundAt: string | null = records.length > 0 ? own : null;
  const org = organizationalDomain(domain);
  // RFC 7489 6.6.3: no policy at the domain itself means the organizational domain's applies.
  if (!records.some(isDmarcRecord) && org !== domain) {
    const orgName = `_dmarc.${org}`;
    const second = await dns.txt(orgName);
    if (second.status === "ERROR") {
      const check = fail(
        "dmarc.record",
        null,
        `The DNS lookup of ${orgName} failed (${second.code}); the DMARC policy could not be read.`,
        "Retry; if it keeps failing, check the domain's DNS servers.",
      );
      return {
        status: "FAIL",
        checks: [check],
        record: null,
        text: null,
        foundAt: null,
        dnsError: `${second.code}: ${second.message}`,
      };
    }
    if (second.status === "OK") {
      const orgRecords = second.records.map(joinTxt);
      if (orgRecords.some(isDmarcRecord)) {
        records = orgRecords;
        foundAt = orgName;
      }
    }
  }
  const lint = lintDmarc({ domain, records, foundAt, dailyVolume });
  return { ...lint, foundAt, dnsError: null };
}

async function auditMx(dns: DnsLookup, domain: string): Promise<DomainAuditReport["mx"]> {
  const answer = await dns.mx(domain);
  if (answer.status === "ERROR") {
    const check = fail(
      "mx",
      null,
      `The MX lookup of ${domain} failed (${answer.code}).`,
      "Retry; if it keeps failing, check the domain's DNS servers.",
    );
    return { status: "FAIL", hosts: [], provider: null, check, dnsError: `${answer.code}: ${answer.message}` };
  }
  if (isMissing(answer)) {
    const check = warn(
      "mx",
      null,
      `${domain} has no MX record: replies and bounces to it can't be delivered, and some receivers distrust senders whose domain takes no mail.`,
      `Publish MX records for ${domain} (your mailbox provider lists them).`,
    );
    return { status: "WARN", hosts: [], provider: null, check, dnsError: null };
  }
  const hosts = [...answer.records].sort((a, b) => a.priority - b.priority);
  const names = hosts.map((h) => h.exchange).filter((h) => h !== "");
  const record = hosts.map((h) => `${h.priority} ${h.exchange || "."}`).join(", ");
  if (names.length === 0) {
    const check = warn(
      "mx",
      record,
      `${domain} publishes a null MX: it accepts no mail, so replies to your outreach bounce.`,
      `Point ${domain}'s MX at a mailbox provider if people should be able to reply.`,
    );
    return { status: "WARN", hosts, provider: null, check, dnsError: null };
  }
  return { status: "PASS", hosts, provider: providerFromMxHosts(names), check: pass("mx", record), dnsError: null };
}

function blocklistChecks(results: DnsblResult[]): CheckResult[] {
  return results.map((r) => {
    const id = `blocklist.${r.zone}.${r.target}`;
    if (r.listed === true) {
      return fail(
        id,
        r.codes.join(", "),
        `${r.target} is listed on ${r.zone}${r.reason ? `: ${r.reason}` : ""}.`,
        `Find and stop the cause (compromised account, bad list, spam traps), then request removal from ${r.zone}.`,
      );
    }
    if (r.listed === null)
      return warn(
        id,
        r.codes.join(", ") || null,
        `${r.zone} could not be checked for ${r.target}: ${r.error}.`,
        "Check again later, or through a resolver the list accepts.",
      );
    return pass(id, null);
  });
}

/**
 * Audit a sending domain. DNS only through `dns`; `now` only stamps the report and feeds
 * SPF's %{t} macro.
 */
export async function auditDomain(
  domainInput: string,
  options: AuditOptions,
  dns: DnsLookup,
  now: Date,
): Promise<DomainAuditReport> {
  const domain = normalizeName(domainInput);
  const ips = [...new Set(options.sendingIps ?? [])];
  const dailyVolume = options.dailyVolume ?? null;
  const zones = options.dnsblZones ?? { ip: DEFAULT_DNSBL_IP_ZONES, domain: DEFAULT_DNSBL_DOMAIN_ZONES };
  const fromDomain = normalizeName(options.fromDomain ?? domain);

  const [spf, dkim, dmarc, ptr, mx, blocklists] = await Promise.all([
    auditSpf(dns, domain, { sendingIps: ips, now }),
    auditDkim(dns, domain, options),
    auditDmarc(dns, domain, dailyVolume),
    Promise.all(ips.map((ip) => checkReverseDns(dns, ip))),
    auditMx(dns, domain),
    checkBlocklists(dns, { ips, domains: [domain] }, zones),
  ]);

  const alignment = checkAlignment({
    fromDomain,
    returnPathDomain: options.returnPathDomain ?? null,
    dkimDomain: options.dkimDomain ?? null,
    aspf: dmarc.record?.aspf,
    adkim: dmarc.record?.adkim,
  });

  const requirements = senderRequirements({
    spf: {
      status: spf.status,
      sendingIpsAuthorized: ips.length === 0 ? null : spf.authorizedIps.every((a) => a.result === "pass"),
    },
    dkim: dkim.selectors.some((s) => s.configured || s.found) ? dkim.status : null,
    dmarc: { status: dmarc.status, policy: dmarc.record?.p ?? null },
    alignment: {
      spf: options.returnPathDomain ? isAligned(fromDomain, options.returnPathDomain, dmarc.record?.aspf ?? "r") : null,
      dkim: options.dkimDomain ? isAligned(fromDomain, options.dkimDomain, dmarc.record?.adkim ?? "r") : null,
    },
    ptrConfirmed: ips.length === 0 ? null : ptr.every((p) => p.forwardConfirmed),
    dailyVolume,
  });

  const checks = [
    ...spf.checks,
    ...dkim.checks,
    ...dmarc.checks,
    ...alignment,
    ...ptr.map((p) => p.check),
    mx.check,
    ...blocklistChecks(blocklists),
  ];
  return {
    domain,
    checkedAt: now.toISOString(),
    status: worstStatus(checks.map((c) => c.status)),
    spf,
    dkim,
    dmarc,
    alignment,
    ptr,
    mx,
    blocklists,
    senderRequirements: requirements,
    checks,
  };
}
