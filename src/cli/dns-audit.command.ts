// `rebound dns-audit DOMAIN [--selector S]... [--ip IP]... [--json]`: the whole DNS
// authentication audit of a sending domain (SPF, DKIM, DMARC, alignment, PTR, MX,
// blocklists, sender requirements), with DNS through REBOUND_DNS_SERVERS and blocklist
// zones from REBOUND_DNSBL_IP_ZONES / REBOUND_DNSBL_DOMAIN_ZONES. Exit status 0 when no
// check fails, 1 when one does, 2 for bad usage.

import { parseIp } from "../core/dns/ip-address";
import { auditDomain, type AuditOptions, type DomainAuditReport } from "../platform/dns/audit";
import { resolverFromConfig } from "../platform/dns/resolver";
import { loadConfig } from "../app/config";

const usage = `usage: rebound dns-audit DOMAIN [--selector S]... [--ip IP]... [--from DOMAIN]
                         [--return-path DOMAIN] [--dkim-domain DOMAIN] [--volume N] [--json]

  --selector S          a DKIM selector you sign with (repeatable); common ones are tried too
  --ip IP               a sending IP: checked against SPF, reverse DNS and IP blocklists (repeatable)
  --from DOMAIN         the From domain, for DMARC alignment (default: DOMAIN)
  --return-path DOMAIN  the envelope sender's domain, for SPF alignment
  --dkim-domain DOMAIN  the d= of your DKIM signatures, for DKIM alignment
  --volume N            messages a day to the big providers (5,000+ applies the bulk-sender rules)
  --json                the whole report as JSON

DNS goes through REBOUND_DNS_SERVERS (default: the system's resolvers). Exit status: 0 when no
check fails, 1 when one does, 2 for bad usage.
`;

type Parsed = { domain: string; options: AuditOptions; json: boolean };

function parse(args: string[]): Parsed | string {
  let domain: string | null = null;
  let json = false;
  const selectors: string[] = [];
  const ips: string[] = [];
  const options: AuditOptions = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--json") {
      json = true;
      continue;
    }
    if (arg === "--help" || arg === "-h") return "help";
    const m = /^--(selector|ip|from|return-path|dkim-domain|volume)(?:=(.*))?$/.exec(arg);
    if (!m) {
      if (arg.startsWith("-")) return `unknown option "${arg}"`;
      if (domain !== null) return `only one domain, got "${domain}" and "${arg}"`;
      domain = arg;
      continue;
    }
    const value = m[2] ?? args[++i];
    if (value === undefined) return `--${m[1]} needs a value`;
    switch (m[1]) {
      case "selector":
        selectors.push(value);
        break;
      case "ip":
        if (!parseIp(value)) return `--ip "${value}" is not an IP address`;
        ips.push(value);
        break;
      case "from":
        options.fromDomain = value;
        break;
      case "return-path":
        options.returnPathDomain = value;
        break;
      case "dkim-domain":
        options.dkimDomain = value;
        break;
      case "volume": {
        const n = Number(value);
        if (!Number.isInteger(n) || n < 0) return `--volume "${value}" must be a whole number of messages a day`;
        options.dailyVolume = n;
        break;
      }
    }
  }
  if (!domain) return "DOMAIN is required";
  return { domain, options: { ...options, selectors, sendingIps: ips }, json };
}

function human(report: DomainAuditReport): string {
  const lines = [`DNS audit of ${report.domain} at ${report.checkedAt}: ${report.status}`];
  for (const c of report.checks) {
    if (c.status === "PASS") lines.push(`  PASS ${c.id}`);
    else lines.push(`  ${c.status} ${c.id}: ${c.problem}\n       fix: ${c.fix}`);
  }
  for (const p of report.senderRequirements) {
    lines.push(
      `  ${p.provider}${p.bulkSender ? " (bulk)" : ""}: ${p.met ? "requirements met" : "requirements not met"}`,
    );
    for (const r of p.requirements) if (r.status !== "MET") lines.push(`    ${r.status} ${r.description}: ${r.why}`);
  }
  return `${lines.join("\n")}\n`;
}

export async function run(args: string[]): Promise<number> {
  const parsed = parse(args);
  if (parsed === "help") {
    process.stdout.write(usage);
    return 0;
  }
  if (typeof parsed === "string") {
    process.stderr.write(`rebound dns-audit: ${parsed}\n${usage}`);
    return 2;
  }
  const { dns } = loadConfig();
  const report = await auditDomain(
    parsed.domain,
    { ...parsed.options, dnsblZones: dns.blocklists },
    resolverFromConfig(dns),
    new Date(),
  );
  process.stdout.write(parsed.json ? `${JSON.stringify(report, null, 2)}\n` : human(report));
  return report.status === "FAIL" ? 1 : 0;
}
