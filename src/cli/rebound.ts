import "reflect-metadata";

// The `rebound` command: one sub-command per file under src/cli/, loaded on demand so
// that `rebound classify` never pays for the server's imports.
type Command = { run(args: string[]): Promise<number> };
const commands: Record<string, () => Command> = {
  serve: () => require("./serve.command"),
  worker: () => require("./worker.command"),
  migrate: () => require("./migrate.command"),
  tenant: () => require("./tenant.command"),
  demo: () => require("./demo.command"),
  "print-schema": () => require("./print-schema.command"),
  classify: () => require("./classify.command"),
  "dns-audit": () => require("./dns-audit.command"),
  "spf-check": () => require("./spf-check.command"),
};

const usage = `usage: rebound <command> [options]

  serve                          start the API (what \`npm start\` runs)
  worker                         deliver outgoing webhooks only, beside the servers (PostgreSQL)
  migrate                        apply pending database migrations
  tenant create --name NAME [--json]
                                 create a tenant and print its first API key (all scopes)
  demo [--live]                  seed a demo tenant to explore (through a running server, or
                                 in this process); --live keeps ingesting a bounce a second
  print-schema                   print the GraphQL schema (SDL) generated from the code
  classify [--jsonl] PATH...     diagnose bounce messages (files or folders)
  classify --smtp "550 5.1.1 ..." [--recipient ADDR]
                                 diagnose one SMTP reply
  dns-audit DOMAIN [--selector S]... [--ip IP]... [--json]
                                 audit SPF, DKIM, DMARC, MX and blocklists of a domain
                                 (rebound dns-audit --help: every option)
  spf-check --ip IP --sender ADDR [--helo HOST] [--json]
                                 evaluate SPF check_host() (RFC 7208)
`;

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(usage);
    return name ? 0 : 2;
  }
  const load = commands[name];
  if (!load) {
    process.stderr.write(`rebound: unknown command "${name}"\n\n${usage}`);
    return 2;
  }
  const command = load();
  return command.run(args);
}

main(process.argv.slice(2)).then(
  (code) => {
    // serve and worker keep the process alive on their own; every other command ends here.
    if (code !== -1) process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`rebound: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
