import { loadConfig } from "../app/config";
import { startApp, type RunningApp } from "../app/main";
import { tenantService } from "../modules/tenant/tenant.service";
import { parseArgs } from "./args";
import { graphqlCall } from "./demo/demo-api";
import { DEMO_CAMPAIGNS, DEMO_TENANT_NAME } from "./demo/demo-plan";
import { seedDemo, trickleBounces } from "./demo/demo-seeder";
import { createTenantThroughServer, runningEmbeddedServer } from "./running-server";

/**
 * `rebound demo [--live]`: a realistic tenant to explore, seeded through the GraphQL API.
 * Works through the server that owns the embedded database when one runs; otherwise starts
 * Rebound in this process (embedded or DATABASE_URL) for as long as it needs it.
 */
export async function run(args: string[]): Promise<number> {
  const { flags } = parseArgs(args);
  const live = flags.has("live");
  const config = loadConfig();
  const owner = runningEmbeddedServer(config);
  let local: RunningApp | null = null;
  let url: string;
  let apiKey: string;
  if (owner) {
    apiKey = (await createTenantThroughServer(owner, DEMO_TENANT_NAME, true)).apiKey;
    url = `${owner.adminUrl}/graphql`;
  } else {
    // With --live this process is the server people open, so it listens where npm start would.
    local = await startApp({ ...config, port: live ? config.port : 0, host: live ? config.host : "127.0.0.1" });
    apiKey = (await tenantService.createOrReuse(local.app, DEMO_TENANT_NAME)).apiKey;
    url = `http://127.0.0.1:${local.server.port}/graphql`;
  }
  try {
    const call = graphqlCall(url, apiKey);
    const today = new Date(new Date().toISOString().slice(0, 10) + "T00:00:00Z");
    const summaryQuery = `{ campaigns(first: 10) { edges { node { name zone stats { sent hardBounces } } } } alerts(first: 100) { edges { node { id } } } }`;
    type Summary = {
      campaigns: {
        edges: Array<{ node: { name: string; zone: string; stats: { sent: number; hardBounces: number } } }>;
      };
      alerts: { edges: unknown[] };
    };
    const sentIn = (s: Summary): number => s.campaigns.edges.reduce((sum, e) => sum + e.node.stats.sent, 0);
    const before = sentIn(await call<Summary>(summaryQuery));
    const bounces = await seedDemo(call, today);
    const summary = await call<Summary>(summaryQuery);
    const out = process.stdout;
    // Counted from what changed: a run that had run already today replays its sends (same
    // idempotency keys) and its bounces are duplicates, so it stores nothing.
    out.write(
      `Demo tenant "${DEMO_TENANT_NAME}" is ready (this run stored ${sentIn(summary) - before} sends and ${bounces} bounces).\n\n`,
    );
    for (const { node } of summary.campaigns.edges) {
      out.write(
        `  ${node.zone.padEnd(18)} ${node.name}: ${node.stats.hardBounces} hard bounces in ${node.stats.sent} sends\n`,
      );
    }
    out.write(`\n  ${summary.alerts.edges.length} alerts raised\n\n`);
    out.write(`API key for this tenant (shown only once; each run issues a new one):\n\n    ${apiKey}\n\n`);
    out.write(`Open the explorer with it:  ${url}#key=${apiKey}\n\nThree queries to try:\n\n`);
    out.write(
      `  { campaigns(first: 10) { edges { node { name zone benchmarks { provider sent rate zone } readiness { ready items { id passed evidence } } } } } }\n`,
    );
    out.write(`  { alerts(first: 20) { edges { node { kind severity message action campaign { name } } } } }\n`);
    out.write(`  { suppressions(first: 20) { edges { node { value reason } } } }\n\n`);
    if (!live) return 0;

    out.write(
      `Live: one bounce a second on "${DEMO_CAMPAIGNS[1].name}". Subscribe in the explorer to watch them (and the alerts) arrive:\n\n`,
    );
    out.write(
      `  subscription { bounceReceived { recipient reason fault campaign { name } } }\n  subscription { alertRaised { kind severity message } }\n\nCtrl-C stops.\n\n`,
    );
    const stop = new AbortController();
    process.once("SIGINT", () => stop.abort());
    process.once("SIGTERM", () => stop.abort());
    const sent = await trickleBounces(
      call,
      (line) => out.write(`  ${new Date().toISOString().slice(11, 19)}  ${line}\n`),
      stop.signal,
    );
    out.write(`\nStopped after ${sent} live bounces.\n`);
    return 0;
  } finally {
    await local?.close();
  }
}
