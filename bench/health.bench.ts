// npm run bench:health — the dashboard query (a page of 50 campaigns with stats, benchmarks
// and readiness) against a fresh database of 1,000,000 bounce events over 100 tenants, in
// requests/s and p99 latency, beside the same query shape answered from memory by a
// schema built from Rebound's own SDL (the cost of HTTP + GraphQL execution alone). Prints
// both, the ratio (target >= 50 %: data access may at most double the cost) and the SQL
// statements per request, read from the server's /metrics.
//
// Each server runs in its own process (this file with `serve-rebound` / `serve-baseline`),
// and this process only generates load, so neither server shares a CPU with the client.

import "reflect-metadata";
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:http";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { Client } from "pg";

const ROOT = resolve(__dirname, "..");
const TENANTS = 100;
const EVENTS = 1_000_000;
const CAMPAIGNS_PER_TENANT = 60;
const DAYS = 10;
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
// Seconds of measurement per server, spread over interleaved 2-second rounds.
const SECONDS = Number(process.env.BENCH_SECONDS ?? 12);

export const DASHBOARD = `query Dashboard($first: Int!) { campaigns(first: $first) { edges { cursor node {
  id name status zone
  stats { sent delivered hardBounces softBounces complaints hardBounceRate complaintRate complaintLevel pauseRecommended }
  benchmarks { provider sent hardBounces rate zone thresholds { warningFromPercent blockingAbovePercent } }
  readiness { ready items { id passed evidence action } }
} } pageInfo { hasNextPage endCursor } } }`;

// ------------------------------------------------------------------------------ child: Rebound

async function serveRebound(): Promise<void> {
  const { loadConfig } = await import("../src/app/config");
  const { startApp } = await import("../src/app/main");
  const { tenantService } = await import("../src/modules/tenant/tenant.service");
  const { apiKeyService } = await import("../src/modules/api-key/api-key.service");
  const { inTenantTransaction } = await import("../src/platform/db/tenant-transaction");
  const running = await startApp(loadConfig());
  const app = running.app;
  // A kept database (BENCH_DATABASE_URL) already has the bench tenant: give it a new key.
  const existing: Array<{ id: string }> = await app.db.dataSource.query(
    "SELECT id FROM tenants WHERE name = 'bench' LIMIT 1",
  );
  let tenantUuid: string;
  let apiKey: string;
  if (existing.length) {
    tenantUuid = existing[0].id;
    apiKey = (
      await inTenantTransaction(app.db.dataSource, tenantUuid, (em) =>
        apiKeyService.createInTransaction(app, em, tenantUuid, "bench", ["read"]),
      )
    ).secret;
  } else {
    const created = await tenantService.create(app, "bench");
    tenantUuid = created.tenant.uuid;
    apiKey = created.apiKey;
  }
  process.stdout.write(
    JSON.stringify({ url: running.server.url.replace("localhost", "127.0.0.1"), apiKey, tenantUuid }) + "\n",
  );
  process.on("SIGTERM", () => void running.close().then(() => process.exit(0)));
}

// ------------------------------------------------------------------------------ child: baseline

/** The same schema (Rebound's SDL) with every field read from an in-memory object: GraphQL execution, no data access. */
async function serveBaseline(sdlFile: string, dataFile: string): Promise<void> {
  const { buildSchema } = await import("graphql");
  const { ApolloServer, HeaderMap } = await import("@apollo/server");
  const { ApolloServerPluginCacheControlDisabled } = await import("@apollo/server/plugin/disabled");
  const schema = buildSchema(readFileSync(sdlFile, "utf8"));
  const data = JSON.parse(readFileSync(dataFile, "utf8"));
  // Apollo configured as Rebound configures it (no cache-control plugin), so the two differ only in data access.
  const apollo = new ApolloServer({
    schema,
    rootValue: { campaigns: () => data.campaigns },
    introspection: false,
    csrfPrevention: true,
    plugins: [ApolloServerPluginCacheControlDisabled()],
  });
  await apollo.start();
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const headers = new HeaderMap();
    for (const [k, v] of Object.entries(req.headers))
      if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(", ") : v);
    const result = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: {
        method: req.method ?? "POST",
        headers,
        search: "",
        body: JSON.parse(Buffer.concat(chunks).toString("utf8")),
      },
      context: async () => ({}),
    });
    for (const [k, v] of result.headers) res.setHeader(k, v);
    res.statusCode = result.status ?? 200;
    res.end(result.body.kind === "complete" ? result.body.string : "");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const port = (server.address() as { port: number }).port;
  process.stdout.write(JSON.stringify({ url: `http://127.0.0.1:${port}/graphql` }) + "\n");
  process.on("SIGTERM", () => server.close(() => process.exit(0)));
}

/**
 * Rebound's schema as SDL for the baseline, without descriptions. Some descriptions carry
 * characters beyond Latin-1 (–, →): V8 then holds the whole SDL text as a two-byte string,
 * and the enum value names graphql-js slices from it are two-byte too. One two-byte string
 * in an answer makes JSON.stringify build all 120 KB of it two-byte, which costs the baseline
 * ~1.5 ms more per request to write out (measured: res.end 2.3 ms against Rebound's 0.6 ms
 * for the same bytes). Rebound's names come from its code and are one-byte; the baseline
 * must not pay for where its schema was read from. The file is read back as plain ASCII.
 */
async function baselineSdl(): Promise<string> {
  const { parse, print, printSchema, visit } = await import("graphql");
  const { getSchema } = await import("../src/app/schema");
  const sdl = print(
    visit(parse(printSchema(await getSchema())), {
      enter: (node) => ("description" in node && node.description ? { ...node, description: undefined } : undefined),
    }),
  );
  // eslint-disable-next-line no-control-regex -- the whole ASCII range, control characters included
  if (!/^[\x00-\x7f]*$/.test(sdl)) throw new Error("the baseline's SDL still has characters beyond ASCII");
  return sdl;
}

// ------------------------------------------------------------------------------ data

async function generate(url: string, benchTenant: string): Promise<void> {
  const db = new Client({ connectionString: url });
  await db.connect();
  const t0 = Date.now();
  const step = async (label: string, sql: string, params: unknown[] = []) => {
    const s = Date.now();
    const r = await db.query(sql, params);
    console.log(
      `  ${label.padEnd(34)} ${String(r.rowCount ?? "").padStart(9)} rows  ${((Date.now() - s) / 1000).toFixed(1)} s`,
    );
  };
  console.log(`generating ${EVENTS.toLocaleString("en")} bounce events for ${TENANTS} tenants...`);
  await step("tenants", `INSERT INTO tenants (name) SELECT 'tenant ' || g FROM generate_series(2, $1) g`, [TENANTS]);
  await step(
    "domains",
    `INSERT INTO domains (tenant_id, name, registered_at)
    SELECT t.id, 'd' || g || '-' || left(t.id::text, 8) || '.example', now() - interval '90 days' FROM tenants t, generate_series(0, 2) g`,
  );
  await step(
    "inboxes",
    `INSERT INTO inboxes (tenant_id, domain_id, address, warmup_started_at, daily_limit)
    SELECT d.tenant_id, d.id, 's' || g || '@' || d.name, now() - interval '60 days', 50 FROM domains d, generate_series(0, 1) g`,
  );
  await step(
    "campaigns",
    `INSERT INTO campaigns (tenant_id, domain_id, name, status, created_at, updated_at)
    SELECT d.tenant_id, d.id, 'campaign ' || g, 'ACTIVE', now() - make_interval(mins => g), now()
      FROM tenants t CROSS JOIN generate_series(0, $1 - 1) g
      JOIN LATERAL (SELECT id, tenant_id FROM domains WHERE tenant_id = t.id ORDER BY name OFFSET g % 3 LIMIT 1) d ON true`,
    [CAMPAIGNS_PER_TENANT],
  );
  await step(
    "campaign inboxes",
    `INSERT INTO campaign_inboxes (tenant_id, campaign_id, inbox_id, position)
    SELECT c.tenant_id, c.id, i.id, row_number() OVER (PARTITION BY c.id ORDER BY i.address) - 1
      FROM campaigns c JOIN inboxes i ON i.tenant_id = c.tenant_id AND i.domain_id = c.domain_id`,
  );
  await db.query(`CREATE TEMP TABLE bc AS
    SELECT c.tenant_id, c.id AS campaign_id, c.domain_id, (SELECT min(ci.inbox_id::text)::uuid FROM campaign_inboxes ci WHERE ci.tenant_id = c.tenant_id AND ci.campaign_id = c.id) AS inbox_id,
           (row_number() OVER (ORDER BY c.tenant_id, c.id)) - 1 AS n FROM campaigns c`);
  await db.query(`CREATE UNIQUE INDEX ON bc (n)`);
  const campaigns = Number((await db.query(`SELECT count(*) FROM bc`)).rows[0].count);
  await step(
    "bounce events",
    `INSERT INTO bounce_events (tenant_id, campaign_id, inbox_id, dedupe_key, source, recipient, recipient_domain, recipient_provider,
      reason, bounce_type, hard_bounce, fault, variant, status, reply_code, diagnostic_code, likely_cause, first_action, rule_version, occurred_at, created_at)
    SELECT bc.tenant_id, bc.campaign_id, bc.inbox_id, 'bench:' || g, 'API',
           'r' || g || '@' || p.domain, p.domain, p.provider,
           CASE WHEN g % 3 = 0 THEN 'mailboxfull' ELSE 'userunknown' END,
           CASE WHEN g % 3 = 0 THEN 'SOFT' ELSE 'HARD' END, g % 3 <> 0,
           CASE WHEN g % 3 = 0 THEN 'RECIPIENT_MAILBOX' ELSE 'RECIPIENT_ADDRESS' END,
           CASE WHEN g % 3 = 0 THEN 'NOT_550' ELSE 'USER_UNKNOWN' END,
           CASE WHEN g % 3 = 0 THEN '4.2.2' ELSE '5.1.1' END, CASE WHEN g % 3 = 0 THEN 452 ELSE 550 END,
           'smtp; 550 5.1.1 user unknown', 'invalid recipient', 'remove address', 'bench',
           now() - make_interval(days => (g / $2) % $3), now()
      FROM generate_series(0, $1 - 1) g
      JOIN bc ON bc.n = g % $2
      CROSS JOIN LATERAL (SELECT (ARRAY['GMAIL','MICROSOFT','YAHOO','APPLE','OTHER'])[1 + (g / $2 / $3) % 5] AS provider,
                                 (ARRAY['gmail.com','outlook.com','yahoo.com','icloud.com','corp.example'])[1 + (g / $2 / $3) % 5] AS domain) p`,
    [EVENTS, campaigns, DAYS],
  );
  // Counters as ingest would have left them: hard/soft from the events, 30 sends per event.
  await step(
    "delivery counters",
    `INSERT INTO delivery_counters (tenant_id, campaign_id, inbox_id, domain_id, recipient_provider, day, sent, delivered, hard_bounces, soft_bounces, complaints)
    SELECT e.tenant_id, e.campaign_id, e.inbox_id, bc.domain_id, e.recipient_provider, (e.occurred_at AT TIME ZONE 'UTC')::date,
           30 * count(*), 28 * count(*), count(*) FILTER (WHERE bounce_type = 'HARD'), count(*) FILTER (WHERE bounce_type <> 'HARD'), 0
      FROM bounce_events e JOIN bc ON bc.tenant_id = e.tenant_id AND bc.campaign_id = e.campaign_id
     GROUP BY e.tenant_id, e.campaign_id, e.inbox_id, bc.domain_id, e.recipient_provider, (e.occurred_at AT TIME ZONE 'UTC')::date`,
  );
  // Lifetime totals as ingest keeps them beside the counters: the same sums the migration's
  // backfill computes from delivery_counters.
  await step(
    "campaign delivery totals",
    `INSERT INTO campaign_delivery_totals (tenant_id, campaign_id, recipient_provider, sent, delivered, hard_bounces, soft_bounces, complaints)
    SELECT tenant_id, campaign_id, recipient_provider, sum(sent), sum(delivered), sum(hard_bounces), sum(soft_bounces), sum(complaints)
      FROM delivery_counters WHERE campaign_id IS NOT NULL
     GROUP BY tenant_id, campaign_id, recipient_provider`,
  );
  await step(
    "domain audits",
    `INSERT INTO domain_audits (tenant_id, domain_id, status, report, summary, checked_at)
    SELECT tenant_id, id, $1, $2::jsonb, $3::jsonb, now() FROM domains`,
    [...(await storedAudit())],
  );
  await step(
    "recipient checks",
    `INSERT INTO campaign_recipient_checks (tenant_id, campaign_id, checked, ok, risky, invalid, suppressed)
    SELECT tenant_id, campaign_id, 1000, 990, 5, 3, 2 FROM bc WHERE n % 2 = 0`,
  );
  await db.query("ANALYZE");
  const own = await db.query(`SELECT count(*) FROM bounce_events WHERE tenant_id = $1`, [benchTenant]);
  console.log(
    `  done in ${((Date.now() - t0) / 1000).toFixed(1)} s (${own.rows[0].count} events belong to the measured tenant)`,
  );
  await db.end();
}

/** One real audit report (an in-memory zone through the real audit code), stored for every domain. */
async function storedAudit(): Promise<[string, string, string]> {
  const { auditDomain } = await import("../src/platform/dns/audit");
  const { MemoryDns } = await import("../test/support/memory-dns");
  const { auditSummary, withInboxAlignment } = await import("../src/modules/health/health-view");
  const zone = {
    "bench.example": [
      { type: "TXT" as const, data: "v=spf1 ip4:192.0.2.10 -all" },
      { type: "MX" as const, priority: 10, exchange: "aspmx.l.google.com" },
    ],
    "_dmarc.bench.example": [{ type: "TXT" as const, data: "v=DMARC1; p=quarantine; rua=mailto:d@bench.example" }],
    "10.2.0.192.in-addr.arpa": [{ type: "PTR" as const, data: "mail.bench.example" }],
    "mail.bench.example": [{ type: "A" as const, data: "192.0.2.10" }],
  };
  const options = { sendingIps: ["192.0.2.10"], selectors: [] };
  const report = await auditDomain(
    "bench.example",
    { sendingIps: options.sendingIps, dnsblZones: { ip: [], domain: [] } },
    new MemoryDns(zone),
    new Date(),
  );
  const stored = withInboxAlignment(report, [], null, options);
  return [stored.report.status, JSON.stringify(stored), JSON.stringify(auditSummary(stored))];
}

// ------------------------------------------------------------------------------ load

function child(args: string[], env: NodeJS.ProcessEnv): Promise<{ proc: ChildProcess; info: any }> {
  const proc = spawn(process.execPath, [join(ROOT, "node_modules/tsx/dist/cli.mjs"), __filename, ...args], {
    env,
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolveInfo, reject) => {
    const lines = createInterface({ input: proc.stdout! });
    lines.once("line", (line) => resolveInfo({ proc, info: JSON.parse(line) }));
    proc.once("exit", (code) => reject(new Error(`${args[0]} exited with ${code}`)));
  });
}

async function post(url: string, apiKey: string | null, body: string): Promise<any> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) },
    body,
  });
  const json: any = await res.json();
  if (json.errors) throw new Error(JSON.stringify(json.errors).slice(0, 500));
  return json;
}

/** The same page without the health fields: what the platform itself costs (auth, transaction, list). */
const PAGE_ONLY = `query Page($first: Int!) { campaigns(first: $first) { edges { cursor node { id name status } } pageInfo { hasNextPage endCursor } } }`;

interface Result {
  requests: number;
  seconds: number;
  latencies: number[];
  rps: number;
  p50: number;
  p99: number;
}

function summarize(latencies: number[], seconds: number): Result {
  const sorted = [...latencies].sort((a, b) => a - b);
  const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
  return {
    requests: sorted.length,
    seconds,
    latencies: sorted,
    rps: sorted.length / seconds,
    p50: pct(0.5),
    p99: pct(0.99),
  };
}

function combine(runs: Result[]): Result {
  return summarize(
    runs.flatMap((r) => r.latencies),
    runs.reduce((t, r) => t + r.seconds, 0),
  );
}

async function load(url: string, apiKey: string | null, seconds: number, query = DASHBOARD): Promise<Result> {
  const body = JSON.stringify({ query, variables: { first: 50 } });
  const latencies: number[] = [];
  const end = performance.now() + seconds * 1000;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < end) {
        const s = performance.now();
        await post(url, apiKey, body);
        latencies.push(performance.now() - s);
      }
    }),
  );
  return summarize(latencies, (performance.now() - t0) / 1000);
}

async function statements(url: string): Promise<number> {
  const text = await (await fetch(url.replace(/\/graphql$/, "/metrics"))).text();
  return Number(/^rebound_sql_statements_total (\d+)/m.exec(text)?.[1] ?? NaN);
}

async function main(): Promise<void> {
  const { createTestDatabase } = await import("../test/support/database");
  const { startNodeFlags } = await import("../test/support/start-flags");
  // BENCH_DATABASE_URL reuses a database a previous run kept (BENCH_KEEP_DATABASE=1).
  const kept = process.env.BENCH_DATABASE_URL;
  const database = kept ? { url: kept, name: kept, drop: async () => {} } : await createTestDatabase("benchhealth");
  // Both servers run as deployed: NODE_ENV=production (as the Dockerfile sets it: graphql-js
  // skips its development checks) and the V8 flags `npm start` gives Node.
  const env = {
    ...process.env,
    NODE_OPTIONS: [process.env.NODE_OPTIONS ?? "", ...startNodeFlags()].join(" ").trim(),
    NODE_ENV: process.env.NODE_ENV ?? "production",
    DATABASE_URL: database.url,
    MIGRATION_DATABASE_URL: "",
    PORT: "0",
    HOST: "127.0.0.1",
    REBOUND_AUDIT_INTERVAL_MINUTES: "0",
    REBOUND_DEMO_TENANT: "0",
    DB_POOL_SIZE: "10",
    // The bench measures serving, not throttling: the throttle still runs on every request
    // (its cost is in the figures), with a bucket the load never empties.
    REBOUND_KEY_BUCKET: "1000000000",
    REBOUND_KEY_RESTORE_RATE: "100000000",
    REBOUND_TENANT_BUCKET: "1000000000",
    REBOUND_TENANT_RESTORE_RATE: "100000000",
  };
  const children: ChildProcess[] = [];
  try {
    const rebound = await child(["serve-rebound"], env);
    children.push(rebound.proc);
    const probe = new Client({ connectionString: database.url });
    await probe.connect();
    const events = Number((await probe.query("SELECT count(*) FROM bounce_events")).rows[0].count);
    await probe.end();
    if (events === 0) await generate(database.url, rebound.info.tenantUuid);
    else console.log(`reusing ${database.url}: ${events.toLocaleString("en")} bounce events`);

    // What the dashboard shows, captured once: the baseline serves exactly these objects.
    const first = await post(
      rebound.info.url,
      rebound.info.apiKey,
      JSON.stringify({ query: DASHBOARD, variables: { first: 50 } }),
    );
    const page = first.data.campaigns.edges;
    if (
      page.length !== 50 ||
      !page.every((e: any) => e.node.benchmarks.length === 5 && e.node.readiness.items.length === 9)
    )
      throw new Error("unexpected dashboard page");
    const dir = mkdtempSync(join(tmpdir(), "rebound-bench-"));
    writeFileSync(join(dir, "schema.graphql"), await baselineSdl());
    writeFileSync(join(dir, "data.json"), JSON.stringify(first.data));
    const baseline = await child(["serve-baseline", join(dir, "schema.graphql"), join(dir, "data.json")], env);
    children.push(baseline.proc);
    const same = await post(baseline.info.url, null, JSON.stringify({ query: DASHBOARD, variables: { first: 50 } }));
    if (JSON.stringify(same.data) !== JSON.stringify(first.data))
      throw new Error("the baseline does not answer the same objects");

    // Interleaved rounds, so a change in the machine's load hits both servers alike.
    const rounds = Math.max(1, Math.round(SECONDS / 2));
    console.log(`\nboth servers: NODE_OPTIONS=${env.NODE_OPTIONS || "(none)"}, NODE_ENV=${env.NODE_ENV}`);
    console.log(
      `warming up (3 s each), then ${rounds} interleaved rounds of 2 s per server at concurrency ${CONCURRENCY}...`,
    );
    await load(baseline.info.url, null, 3);
    await load(rebound.info.url, rebound.info.apiKey, 3);
    const bRuns: Result[] = [];
    const rRuns: Result[] = [];
    const fRuns: Result[] = [];
    let statementsSeen = 0;
    for (let i = 0; i < rounds; i++) {
      bRuns.push(await load(baseline.info.url, null, 2));
      const before = await statements(rebound.info.url);
      rRuns.push(await load(rebound.info.url, rebound.info.apiKey, 2));
      statementsSeen += (await statements(rebound.info.url)) - before;
      fRuns.push(await load(rebound.info.url, rebound.info.apiKey, 2, PAGE_ONLY));
    }
    const b = combine(bRuns);
    const r = combine(rRuns);
    const floor = combine(fRuns);
    const perRequest = statementsSeen / r.requests;

    const row = (name: string, x: Result) =>
      `${name.padEnd(44)} ${x.rps.toFixed(0).padStart(7)} req/s   p50 ${x.p50.toFixed(1).padStart(6)} ms   p99 ${x.p99.toFixed(1).padStart(6)} ms   (${x.requests} requests)`;
    console.log("\ndashboard: campaigns(first: 50) { stats benchmarks zone readiness }");
    console.log(row("Rebound (PostgreSQL, 1M events, 100 tenants)", r));
    console.log(row("baseline (same schema, objects in memory)", b));
    console.log(row("Rebound, the page without health fields", floor));
    console.log(`ratio: ${((r.rps / b.rps) * 100).toFixed(1)} % of the baseline's rate (target >= 50 %)`);
    console.log(`SQL statements per request: ${perRequest.toFixed(2)} (constant in the page size)`);
  } finally {
    for (const c of children) c.kill("SIGTERM");
    await new Promise((r) => setTimeout(r, 500));
    if (process.env.BENCH_KEEP_DATABASE === "1") console.log(`kept the database: BENCH_DATABASE_URL=${database.url}`);
    else await database.drop();
  }
}

if (require.main === module) {
  const [mode, ...rest] = process.argv.slice(2);
  if (mode === "serve-rebound") void serveRebound();
  else if (mode === "serve-baseline") void serveBaseline(rest[0], rest[1]);
  else
    main().catch((err) => {
      console.error(err);
      process.exit(1);
    });
}
