/** Minimal flag parsing for the rebound command: --name VALUE, --name=VALUE, --flag, positionals. */
export function parseArgs(args: string[]): { flags: Map<string, string[]>; positional: string[] } {
  const flags = new Map<string, string[]>();
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith("--")) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
    let value = eq > 0 ? arg.slice(eq + 1) : "true";
    if (eq < 0 && i + 1 < args.length && !args[i + 1].startsWith("--")) value = args[++i];
    flags.set(name, [...(flags.get(name) ?? []), value]);
  }
  return { flags, positional };
}
