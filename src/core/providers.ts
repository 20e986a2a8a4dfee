// Mailbox provider of a recipient: who runs the mailbox, which decides the bounce-rate
// benchmark that applies. Public domains are answered from the table; for custom domains
// the shell resolves MX hosts and asks providerFromMxHosts.

export const MAILBOX_PROVIDERS = ["GMAIL", "MICROSOFT", "YAHOO", "APPLE", "OTHER"] as const;
export type MailboxProvider = (typeof MAILBOX_PROVIDERS)[number];

const PUBLIC_DOMAINS: Record<string, MailboxProvider> = {};
function add(provider: MailboxProvider, domains: string[]): void {
  for (const d of domains) PUBLIC_DOMAINS[d] = provider;
}
add("GMAIL", ["gmail.com", "googlemail.com"]);
add("MICROSOFT", [
  "outlook.com",
  "hotmail.com",
  "live.com",
  "msn.com",
  "passport.com",
  "hotmail.co.uk",
  "hotmail.fr",
  "hotmail.de",
  "hotmail.it",
  "hotmail.es",
  "hotmail.co.jp",
  "live.co.uk",
  "live.fr",
  "live.de",
  "live.it",
  "live.nl",
  "live.ca",
  "live.com.au",
  "outlook.fr",
  "outlook.de",
  "outlook.es",
  "outlook.it",
  "outlook.jp",
  "outlook.co.uk",
  "windowslive.com",
]);
add("YAHOO", [
  "yahoo.com",
  "ymail.com",
  "rocketmail.com",
  "aol.com",
  "aim.com",
  "verizon.net",
  "yahoo.co.uk",
  "yahoo.fr",
  "yahoo.de",
  "yahoo.it",
  "yahoo.es",
  "yahoo.ca",
  "yahoo.co.jp",
  "yahoo.com.au",
  "yahoo.com.br",
  "yahoo.co.in",
  "yahoo.com.mx",
  "aol.co.uk",
  "aol.de",
  "aol.fr",
]);
add("APPLE", ["icloud.com", "me.com", "mac.com"]);

/** Provider from the domain alone; null when the domain is not a known public one. */
export function providerFromDomain(domain: string): MailboxProvider | null {
  const d = domain.trim().toLowerCase();
  return PUBLIC_DOMAINS[d.endsWith(".") ? d.slice(0, -1) : d] ?? null;
}

const MX_PATTERNS: Array<[RegExp, MailboxProvider]> = [
  [/(^|\.)(google\.com|googlemail\.com|smtp\.goog)$/, "GMAIL"],
  [/(^|\.)(mail\.protection\.outlook\.com|outlook\.com|hotmail\.com|olc\.protection\.outlook\.com)$/, "MICROSOFT"],
  [/(^|\.)(yahoodns\.net|yahoo\.com|aol\.com)$/, "YAHOO"],
  [/(^|\.)(icloud\.com|me\.com)$/, "APPLE"],
];

/** Provider from a custom domain's MX host names (Google Workspace, Microsoft 365...). */
export function providerFromMxHosts(hosts: readonly string[]): MailboxProvider {
  for (const host of hosts) {
    const h = host.trim().toLowerCase().replace(/\.$/, "");
    for (const [pattern, provider] of MX_PATTERNS) if (pattern.test(h)) return provider;
  }
  return "OTHER";
}

/**
 * Provider of an address's domain: the public table first, then an MX-based answer the
 * shell may supply (a lookup it has cached), else OTHER.
 */
export function recipientProvider(
  domain: string,
  mxLookup?: (domain: string) => MailboxProvider | null | undefined,
): MailboxProvider {
  return providerFromDomain(domain) ?? mxLookup?.(domain.toLowerCase()) ?? "OTHER";
}
