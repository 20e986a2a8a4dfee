// npm run bench:ingest — events/s through ingestBounces over HTTP (batches of 1,000;
// classification, dedupe, counters, suppressions, hooks and the commit included), and in
// the same run the raw ceiling: a plain multi-row INSERT ... ON CONFLICT DO NOTHING of the
// same rows, pre-classified, with pg into the same table. Prints both and the ratio (target
// at least 40 %), and recordSends recipients/s. Uses a fresh database on the local
// PostgreSQL (TEST_DATABASE_URL, see test/support/database.ts), dropped at the end.
import "reflect-metadata";
import { Client } from "pg";
import { loadConfig } from "../src/app/config";
import { diagnoseFromStatus } from "../src/core/bounce";
import { startApp } from "../src/app/main";
import { tenantService } from "../src/modules/tenant/tenant.service";
import { createTestDatabase } from "../test/support/database";
import { graphqlClient, ok } from "../test/support/graphql-client";

const BATCH = 1_000;
const BATCHES = Number(process.env.BENCH_BATCHES ?? 40);
const SENDS_CALLS = 20;
const SENDS_PER_CALL = 10_000;

const REPLIES = [
  "550 5.1.1 <{r}>: Recipient address rejected: User unknown in virtual mailbox table",
  "452 4.2.2 The email account that you tried to reach is over quota. Please direct the recipient to https://support.google.com/mail/?p=OverQuotaTemp",
  "554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org; https://www.spamhaus.org/query/ip/192.0.2.1",
  "550 5.7.26 This mail is unauthenticated, which poses a security risk to the sender and Gmail users, and has been blocked. The sender must authenticate with at least one of SPF or DKIM.",
  "250 2.0.0 OK 1772618401 a1si1234567qkd.123 - gsmtp",
  "421 4.7.0 [192.0.2.1] Our system has detected an unusual rate of unsolicited mail originating from your IP address. Try again later.",
  "550 5.1.2 Host unknown: domain not found",
  "550 Requested action not taken: mailbox unavailable",
];
const DOMAINS = ["gmail.com", "outlook.com", "yahoo.com", "corp-mail.example", "icloud.com"];

interface BenchEvent {
  recipient: string;
  smtpResponse: string;
  eventKey: string;
  occurredAt: string;
}

function events(prefix: string, b: number): BenchEvent[] {
  const at = new Date(Date.now() - 3600_000).toISOString();
  return Array.from({ length: BATCH }, (_, i) => {
    const n = b * BATCH + i;
    const recipient = `lead${n}@${DOMAINS[n % DOMAINS.length]}`;
    return {
      recipient,
      smtpResponse: REPLIES[n % REPLIES.length].replace("{r}", recipient),
      eventKey: `${prefix}-${n}`,
      occurredAt: at,
    };
  });
}

function rate(n: number, ms: number): number {
  return n / (ms / 1000);
}

async function main(): Promise<void> {
  const database = await createTestDatabase("benchingest");
  const config = loadConfig({
    ...process.env,
    DATABASE_URL: database.url,
    MIGRATION_DATABASE_URL: "",
    PORT: "0",
    HOST: "127.0.0.1",
  });
  config.migrationDatabaseUrl = database.url;
  const running = await startApp(config);
  const url = running.server.url.replace("localhost", "127.0.0.1");
  const pg = new Client({ connectionString: database.url });
  await pg.connect();
  try {
    const { tenant, apiKey } = await tenantService.create(running.app, "bench");
    const raw = await tenantService.create(running.app, "bench-raw");
    const setup = async (key: string) => {
      const g = graphqlClient(url, key);
      const domain = ok(
        await g(`mutation { createDomain(input: { name: "bench.example" }) { domain { id } userErrors { code } } }`),
        "createDomain",
      ).domain;
      const inbox = ok(
        await g(
          `mutation($d: ID!) { createInbox(input: { domainId: $d, address: "sam@bench.example" }) { inbox { id } userErrors { code } } }`,
          { d: domain.id },
        ),
        "createInbox",
      ).inbox;
      const campaign = ok(
        await g(
          `mutation($d: ID!, $i: ID!) { createCampaign(input: { name: "bench", domainId: $d, inboxIds: [$i] }) { campaign { id } userErrors { code } } }`,
          { d: domain.id, i: inbox.id },
        ),
        "createCampaign",
      ).campaign;
      return { inbox, campaign };
    };
    const { inbox, campaign } = await setup(apiKey);
    // The raw tenant has its own campaign and inbox: the raw insert pays the same foreign-key checks.
    const rawSetup = await setup(raw.apiKey);

    // ---- ingestBounces over HTTP: bodies built before timing (that is the client's work).
    const mutation = `mutation($input: IngestBouncesInput!) { ingestBounces(input: $input) { inserted duplicates userErrors { code message } } }`;
    const body = (b: number, prefix: string) =>
      JSON.stringify({
        query: mutation,
        variables: {
          input: { events: events(prefix, b).map((e) => ({ ...e, campaignId: campaign.id, inboxId: inbox.id })) },
        },
      });
    const post = async (text: string) => {
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}` },
        body: text,
      });
      const json = (await res.json()) as {
        data?: { ingestBounces?: { inserted: number; userErrors: unknown[] } };
        errors?: unknown;
      };
      if (json.errors || json.data?.ingestBounces?.userErrors.length || json.data?.ingestBounces?.inserted !== BATCH)
        throw new Error(`ingest failed: ${JSON.stringify(json).slice(0, 500)}`);
    };
    for (let b = 0; b < 3; b++) await post(body(b, "warm")); // warm-up: JIT, pool, plans
    const bodies = Array.from({ length: BATCHES }, (_, b) => body(b, "api"));
    let t0 = performance.now();
    for (const text of bodies) await post(text);
    const ingestMs = performance.now() - t0;

    // ---- The raw ceiling: the same rows, classified beforehand, one multi-row INSERT per batch.
    const cols = [
      "tenant_id",
      "campaign_id",
      "inbox_id",
      "dedupe_key",
      "source",
      "recipient",
      "recipient_domain",
      "recipient_provider",
      "reason",
      "bounce_type",
      "hard_bounce",
      "fault",
      "variant",
      "status",
      "reply_code",
      "diagnostic_code",
      "remote_mta",
      "reporting_mta",
      "feedback_type",
      "auth_results",
      "likely_cause",
      "first_action",
      "evidence",
      "rule_version",
      "message_id",
      "vendor_fields",
      "occurred_at",
    ];
    const tenantRaw = raw.tenant.uuid;
    const campaignUuid = Buffer.from(rawSetup.campaign.id, "base64url").toString().split(":")[1];
    const inboxUuid = Buffer.from(rawSetup.inbox.id, "base64url").toString().split(":")[1];
    const rowsOf = (b: number, prefix: string) =>
      events(prefix, b).map((e) => {
        const d = diagnoseFromStatus({ recipient: e.recipient, smtpResponse: e.smtpResponse });
        return [
          tenantRaw,
          campaignUuid,
          inboxUuid,
          `api:${e.eventKey}`,
          "API",
          d.recipient,
          d.recipientDomain,
          d.recipientProvider,
          d.reason,
          d.bounceType,
          d.hardBounce,
          d.fault,
          d.variant,
          d.status,
          d.replyCode,
          d.diagnosticCode,
          d.remoteMta,
          d.reportingMta,
          d.feedbackType,
          null,
          d.likelyCause,
          d.firstAction,
          d.evidence,
          d.ruleVersion,
          null,
          null,
          e.occurredAt,
        ];
      });
    const insertSql = (n: number) =>
      `INSERT INTO bounce_events (${cols.join(", ")}) VALUES ` +
      Array.from({ length: n }, (_, r) => `(${cols.map((_, c) => `$${r * cols.length + c + 1}`).join(", ")})`).join(
        ", ",
      ) +
      ` ON CONFLICT (tenant_id, dedupe_key) DO NOTHING`;
    const text = insertSql(BATCH);
    for (let b = 0; b < 3; b++) await pg.query(text, rowsOf(b, "warm").flat());
    const params = Array.from({ length: BATCHES }, (_, b) => rowsOf(b, "api").flat());
    t0 = performance.now();
    for (const p of params) await pg.query(text, p);
    const rawMs = performance.now() - t0;

    // ---- recordSends over HTTP.
    const sendsMutation = `mutation($input: RecordSendsInput!) { recordSends(input: $input) { recorded userErrors { code } } }`;
    const sendBodies = Array.from({ length: SENDS_CALLS + 1 }, (_, k) =>
      JSON.stringify({
        query: sendsMutation,
        variables: {
          input: {
            campaignId: campaign.id,
            inboxId: inbox.id,
            recipients: Array.from({ length: SENDS_PER_CALL }, (_, i) => `s${k}-${i}@${DOMAINS[i % DOMAINS.length]}`),
          },
        },
      }),
    );
    const postSends = async (t: string) => {
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}` },
        body: t,
      });
      const json = (await res.json()) as { data?: { recordSends?: { recorded: number } } };
      if (json.data?.recordSends?.recorded !== SENDS_PER_CALL)
        throw new Error(`recordSends failed: ${JSON.stringify(json).slice(0, 300)}`);
    };
    await postSends(sendBodies[0]);
    t0 = performance.now();
    for (const t of sendBodies.slice(1)) await postSends(t);
    const sendsMs = performance.now() - t0;

    // Sanity: the two tables of rows are the same size, the ingest's effects happened.
    const check = await pg.query(
      `SELECT (SELECT count(*) FROM bounce_events WHERE tenant_id = $1 AND dedupe_key LIKE 'api:api-%')::int AS ingested,
              (SELECT count(*) FROM bounce_events WHERE tenant_id = $2 AND dedupe_key LIKE 'api:api-%')::int AS raw,
              (SELECT count(*) FROM suppressions WHERE tenant_id = $1)::int AS suppressions,
              (SELECT sum(hard_bounces + soft_bounces + delivered) FROM delivery_counters WHERE tenant_id = $1)::int AS counted`,
      [tenant.uuid, tenantRaw],
    );
    const n = BATCHES * BATCH;
    const ingestRate = rate(n, ingestMs);
    const rawRate = rate(n, rawMs);
    const ratio = ingestRate / rawRate;
    const fmt = (x: number) => Math.round(x).toLocaleString("en-US");
    console.log(
      `bench:ingest  ${n.toLocaleString("en-US")} events in batches of ${BATCH.toLocaleString("en-US")} (one client, sequential)`,
    );
    console.log(
      `  ingestBounces over HTTP   ${fmt(ingestRate)} events/s   (${(ingestMs / BATCHES).toFixed(1)} ms per batch; classify, dedupe, counters, suppressions, commit)`,
    );
    console.log(
      `  raw INSERT ... ON CONFLICT ${fmt(rawRate)} rows/s     (${(rawMs / BATCHES).toFixed(1)} ms per batch; pg, pre-classified, same table)`,
    );
    console.log(
      `  ratio                     ${(ratio * 100).toFixed(1)} % of the raw ceiling (target >= 40 %)  ${ratio >= 0.4 ? "OK" : "BELOW TARGET"}`,
    );
    console.log(
      `  recordSends over HTTP     ${fmt(rate(SENDS_CALLS * SENDS_PER_CALL, sendsMs))} recipients/s   (${(sendsMs / SENDS_CALLS).toFixed(1)} ms per call of ${SENDS_PER_CALL.toLocaleString("en-US")})`,
    );
    console.log(`  check: ${JSON.stringify(check.rows[0])}`);
    const row = check.rows[0];
    if (row.ingested !== n || row.raw !== n) throw new Error("row counts differ: the comparison would be unfair");
    if (ratio < 0.4) process.exitCode = 1;
  } finally {
    await pg.end();
    await running.close();
    await database.drop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
