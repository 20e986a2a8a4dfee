// The periodic DNS audit: several server processes on one database refresh each due domain
// exactly once (claimed leases), the timer re-audits domains older than the interval, and
// the audit hooks see the previous and the new report (what alerts build "DNS
// authentication regressed" on).

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/app/config";
import type { Zone } from "../support/memory-dns";
import { toGlobalId } from "../../src/platform/graphql/global-id";
import { startApp, type RunningApp } from "../../src/app/main";
import { runDueAudits } from "../../src/modules/dns-audit/dns-audit.scheduler";
import { DOMAIN_AUDIT_HOOKS, type DomainAuditHook, type DomainAuditEvent } from "../../src/modules/dns-audit";
import { regressions } from "../../src/modules/health/health-view";
import { startDnsServer, type TestDnsServer, testDnsEnv } from "../support/dns-server";
import { ok, type Gql } from "../support/graphql-client";
import { startTestApp, type TestApp } from "../support/test-app";

const zone = (dmarc: boolean): Zone => {
  const z: Zone = {};
  for (let i = 0; i < 12; i++) {
    z[`s${i}.test`] = [{ type: "TXT", data: "v=spf1 -all" }];
    if (dmarc) z[`_dmarc.s${i}.test`] = [{ type: "TXT", data: "v=DMARC1; p=reject; rua=mailto:d@s.test" }];
  }
  return z;
};

let dns: TestDnsServer;
let app: TestApp;
let gql: Gql;
let tenantId: string;
const events: Array<{ tenantId: string; keyId: string | undefined; event: DomainAuditEvent }> = [];
/** Plugged into every process of this file: what each one's audits hand their hooks. */
const record: DomainAuditHook = async (ctx, event) => {
  events.push({ tenantId: ctx.tenantId, keyId: ctx.auth?.keyId, event });
};

/** Another server process on the same database (its own pool, resolver and scheduler). */
async function anotherProcess(intervalMinutes: string): Promise<RunningApp> {
  const config = loadConfig({
    ...process.env,
    ...testDnsEnv(dns),
    REBOUND_AUDIT_INTERVAL_MINUTES: intervalMinutes,
    DATABASE_URL: app.database.url,
    MIGRATION_DATABASE_URL: "",
    PORT: "0",
    HOST: "127.0.0.1",
  });
  config.migrationDatabaseUrl = app.database.url;
  const running = await startApp(config);
  running.app.extensions.register(DOMAIN_AUDIT_HOOKS, record);
  return running;
}

beforeAll(async () => {
  dns = await startDnsServer(zone(true));
  app = await startTestApp("auditsched", testDnsEnv(dns));
  ({ gql, tenantId } = await app.newTenant("sched"));
  app.running.app.extensions.register(DOMAIN_AUDIT_HOOKS, record);
});
afterAll(async () => {
  await app?.close();
  await dns?.close();
});

async function createDomains(names: string[]): Promise<Record<string, string>> {
  const ids: Record<string, string> = {};
  for (const n of names)
    ids[n] = ok(
      await gql(`mutation($n: String!) { createDomain(input: { name: $n }) { domain { id } userErrors { code } } }`, {
        n,
      }),
      "createDomain",
    ).domain.id;
  return ids;
}

describe("several processes refreshing at once", () => {
  it("audit each due domain exactly once", async () => {
    await createDomains(Array.from({ length: 10 }, (_, i) => `s${i}.test`));
    const b = await anotherProcess("0");
    const c = await anotherProcess("0");
    try {
      events.length = 0;
      const options = { intervalMs: 3_600_000, concurrency: 3, log: () => {} };
      const counts = await Promise.all([
        runDueAudits(app.running.app, options),
        runDueAudits(b.app, options),
        runDueAudits(c.app, options),
        runDueAudits(app.running.app, options),
      ]);
      expect(counts.reduce((x, y) => x + y, 0)).toBe(10);
      const audited = events.map((e) => e.event.domain).sort();
      expect(audited).toEqual(Array.from({ length: 10 }, (_, i) => `s${i}.test`).sort());
      // newTenant gives the tenant's global id; contexts carry its uuid.
      expect(new Set(events.map((e) => toGlobalId("Tenant", e.tenantId)))).toEqual(new Set([tenantId]));
      expect(new Set(events.map((e) => [e.keyId, e.event.trigger, e.event.previous].join("|")))).toEqual(
        new Set(["system:audit|SCHEDULE|"]),
      );
      // Nothing is due any more within the interval.
      expect(await runDueAudits(b.app, options)).toBe(0);
    } finally {
      await b.close();
      await c.close();
    }
  });
});

describe("the periodic refresh in a server process", () => {
  it("re-audits domains older than the interval and hands hooks the regression", async () => {
    const [id] = Object.values(await createDomains(["s11.test"]));
    // A process whose timer audits anything older than 0.6 s, ticking every second.
    const timed = await anotherProcess("0.01");
    try {
      const waitFor = async (pred: () => boolean, what: string) => {
        const until = Date.now() + 15_000;
        while (!pred()) {
          if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
          await new Promise((r) => setTimeout(r, 100));
        }
      };
      events.length = 0;
      await waitFor(() => events.some((e) => e.event.domain === "s11.test"), "the first audit of s11.test");
      const first = ok(
        await gql(`query($id: ID!) { domain(id: $id) { lastAuditedAt authentication { dmarc { status } } } }`, { id }),
      ).domain;
      expect(first.authentication.dmarc.status).toBe("PASS");

      // DMARC disappears from DNS; the next periodic audit sees it and says what got worse.
      dns.setZone(zone(false));
      await waitFor(
        () => events.some((e) => e.event.domain === "s11.test" && e.event.current.dmarc.status === "FAIL"),
        "a re-audit without DMARC",
      );
      const event = events.find((e) => e.event.domain === "s11.test" && e.event.current.dmarc.status === "FAIL")!.event;
      expect(event.previous?.dmarc.status).toBe("PASS");
      expect(regressions(event.previous, event.current).map((c) => c.id)).toContain("dmarc.record");
      const later = ok(
        await gql(`query($id: ID!) { domain(id: $id) { lastAuditedAt authentication { dmarc { status } } } }`, { id }),
      ).domain;
      expect(later.authentication.dmarc.status).toBe("FAIL");
      expect(new Date(later.lastAuditedAt).getTime()).toBeGreaterThan(new Date(first.lastAuditedAt).getTime());
    } finally {
      await timed.close();
      dns.setZone(zone(true));
    }
  });

  it("runs the hooks for refreshDomainAuth too, inside its transaction", async () => {
    const id = ok(await gql(`query { domains(first: 1) { edges { node { id name } } } }`)).domains.edges[0].node.id;
    events.length = 0;
    ok(
      await gql(
        `mutation($id: ID!) { refreshDomainAuth(input: { domainId: $id }) { authentication { status } userErrors { code } } }`,
        { id },
      ),
      "refreshDomainAuth",
    );
    expect(events).toHaveLength(1);
    expect(events[0].event.trigger).toBe("MUTATION");
    expect(events[0].event.previous).not.toBeNull();
    expect(events[0].keyId).not.toBe("system:audit");
  });
});
