// `rebound spf-check --ip IP --sender ADDRESS [--helo HOST] [--json]`: RFC 7208
// check_host() for one message, with DNS through REBOUND_DNS_SERVERS. Prints the result
// (pass, fail, softfail, neutral, none, permerror, temperror) and why. Exit status 0
// whatever the SPF result; 2 for bad usage.

import { checkSpf } from "../core/dns/spf-check-host";
import { parseIp } from "../core/dns/ip-address";
import { resolverFromConfig } from "../platform/dns/resolver";
import { loadConfig } from "../app/config";

const usage = "usage: rebound spf-check --ip IP --sender ADDRESS [--helo HOST] [--receiver HOST] [--json]\n";

function parse(
  args: string[],
): { ip: string; sender: string; helo: string; receiver?: string; json: boolean } | string {
  const values: Record<string, string> = {};
  let json = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--json") {
      json = true;
      continue;
    }
    const m = /^--(ip|sender|helo|receiver)(?:=(.*))?$/.exec(arg);
    if (!m) return `unknown argument "${arg}"`;
    const value = m[2] ?? args[++i];
    if (value === undefined) return `--${m[1]} needs a value`;
    values[m[1]] = value;
  }
  if (!values.ip) return "--ip is required";
  if (!parseIp(values.ip)) return `--ip "${values.ip}" is not an IP address`;
  if (values.sender === undefined && !values.helo)
    return "--sender (or --helo, to check the HELO identity) is required";
  return { ip: values.ip, sender: values.sender ?? "", helo: values.helo ?? "", receiver: values.receiver, json };
}

export async function run(args: string[]): Promise<number> {
  const parsed = parse(args);
  if (typeof parsed === "string") {
    process.stderr.write(`rebound spf-check: ${parsed}\n${usage}`);
    return 2;
  }
  const dns = resolverFromConfig(loadConfig().dns);
  const outcome = await checkSpf(dns, {
    ip: parsed.ip,
    mailFrom: parsed.sender,
    helo: parsed.helo,
    receiver: parsed.receiver,
    now: new Date(),
  });
  const report = {
    result: outcome.result,
    domain: outcome.domain,
    identity: outcome.identity,
    mechanism: outcome.matched?.mechanism ?? null,
    matchedIn: outcome.matched?.domain ?? null,
    explanation: outcome.explanation,
    problem: outcome.problem,
    lookups: outcome.lookups,
    voidLookups: outcome.voidLookups,
    trace: outcome.trace,
  };
  if (parsed.json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    const lines = [
      `SPF ${report.result} for ${parsed.ip} sending as ${report.domain} (${report.identity})`,
      report.mechanism ? `  matched: ${report.mechanism} in ${report.matchedIn}` : null,
      report.problem ? `  problem: ${report.problem}` : null,
      report.explanation ? `  explanation: ${report.explanation}` : null,
      `  DNS lookups: ${report.lookups}/10, void lookups: ${report.voidLookups}/2`,
    ];
    process.stdout.write(`${lines.filter((l) => l !== null).join("\n")}\n`);
  }
  return 0;
}
