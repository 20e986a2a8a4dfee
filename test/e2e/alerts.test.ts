import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphqlClient, ok, type Gql } from "../support/graphql-client";
import { createSendingSetup, ingest, recordSends } from "../support/fixtures";
import { collect, sleep } from "../support/subscription";
import { startTestApp, type TestApp } from "../support/test-app";
import { wsClient } from "../support/ws-client";

let app: TestApp;
let a: { gql: Gql; apiKey: string };
let b: { gql: Gql; apiKey: string };

beforeAll(async () => {
  app = await startTestApp("alerts");
  a = await app.newTenant("A");
  b = await app.newTenant("B");
});
afterAll(() => app?.close());

const USER_UNKNOWN = "550 5.1.1 <x>: Recipient address rejected: User unknown in virtual mailbox table";

describe("bounceReceived", () => {
  it("pushes each committed bounce to its tenant's subscribers only, with filters applied", async () => {
    const setup = await createSendingSetup(a.gql, "feed.example");
    const wsA = wsClient(app.wsUrl, a.apiKey);
    const wsB = wsClient(app.wsUrl, b.apiKey);
    const all = collect(wsA.client, `subscription { bounceReceived { recipient reason bounceType campaign { id } } }`);
    const permanentOnly = collect(
      wsA.client,
      `subscription($c: ID!) { bounceReceived(filter: { campaignId: $c, onlyPermanent: true }) { recipient } }`,
      { c: setup.campaignId },
    );
    const byDomain = collect(
      wsA.client,
      `subscription($d: ID!) { bounceReceived(filter: { domainId: $d }) { recipient } }`,
      { d: setup.domainId },
    );
    const otherDomain = await createSendingSetup(a.gql, "feed-other.example");
    const byOtherDomain = collect(
      wsA.client,
      `subscription($d: ID!) { bounceReceived(filter: { domainId: $d }) { recipient } }`,
      { d: otherDomain.domainId },
    );
    const other = collect(wsB.client, `subscription { bounceReceived { recipient } }`);
    await sleep(200);

    await ingest(a.gql, [
      { recipient: "gone@gmail.com", campaignId: setup.campaignId, smtpResponse: USER_UNKNOWN },
      {
        recipient: "full@gmail.com",
        campaignId: setup.campaignId,
        smtpResponse: "452 4.2.2 The email account that you tried to reach is over quota",
      },
    ]);
    const received = await all.waitFor(2);
    expect(received.map((e) => e.bounceReceived.recipient).sort()).toEqual(["full@gmail.com", "gone@gmail.com"]);
    expect(received.find((e) => e.bounceReceived.recipient === "gone@gmail.com").bounceReceived).toMatchObject({
      reason: "USERUNKNOWN",
      bounceType: "HARD",
      campaign: { id: setup.campaignId },
    });
    expect((await permanentOnly.waitFor(1)).map((e) => e.bounceReceived.recipient)).toEqual(["gone@gmail.com"]);
    expect(await byDomain.waitFor(2)).toHaveLength(2);
    await sleep(300);
    expect(byOtherDomain.events).toEqual([]);
    expect(permanentOnly.events).toHaveLength(1);
    expect(other.events).toEqual([]);
    await wsA.dispose();
    await wsB.dispose();
  });

  it("campaignHealthChanged pushes the campaign's new stats and zones after each ingest, to its tenant only", async () => {
    const setup = await createSendingSetup(a.gql, "health-feed.example");
    await recordSends(
      a.gql,
      setup.campaignId,
      setup.inboxId,
      Array.from({ length: 100 }, (_, i) => `h${i}@gmail.com`),
    );
    const wsA = wsClient(app.wsUrl, a.apiKey);
    const wsB = wsClient(app.wsUrl, b.apiKey);
    const QUERY = `subscription($c: ID!) { campaignHealthChanged(campaignId: $c) { id stats { sent hardBounces hardBounceRate } zone benchmarks { provider hardBounces zone } } }`;
    const health = collect(wsA.client, QUERY, { c: setup.campaignId });
    const foreign = collect(wsB.client, QUERY, { c: setup.campaignId });
    await sleep(200);

    for (let i = 0; i < 4; i++) {
      await ingest(a.gql, [{ recipient: `h${i}@gmail.com`, campaignId: setup.campaignId, smtpResponse: USER_UNKNOWN }]);
      await health.waitFor(i + 1);
    }
    const seen = health.events.map((e) => e.campaignHealthChanged);
    expect(seen.map((c) => c.stats.hardBounces)).toEqual([1, 2, 3, 4]);
    expect(seen[3]).toMatchObject({
      id: setup.campaignId,
      stats: { sent: 100, hardBounceRate: 0.04 },
      zone: "WARNING",
    });
    expect(seen[3].benchmarks.find((r: any) => r.provider === "GMAIL")).toMatchObject({
      hardBounces: 4,
      zone: "WARNING",
    });
    expect(seen[0].zone).toBe("ACCEPTABLE"); // 1 % overall; 2 % is already WARNING (industry 2/5 %)
    await sleep(300);
    expect(foreign.events).toEqual([]);
    await wsA.dispose();
    await wsB.dispose();
  });

  it("delivers nothing for an ingest that was rolled back", async () => {
    const setup = await createSendingSetup(a.gql, "rollback.example");
    const key = ok(
      await a.gql(
        `mutation { createApiKey(input: { name: "ingest only", scopes: [READ, INGEST] }) { secret userErrors { code } } }`,
      ),
      "createApiKey",
    ).secret;
    const ingester = graphqlClient(app.url, key);
    const ws = wsClient(app.wsUrl, a.apiKey);
    const feed = collect(ws.client, `subscription { bounceReceived { recipient } }`);
    await sleep(200);
    // The ingest runs and writes, then the next mutation of the same request fails
    // (FORBIDDEN): the whole request's transaction rolls back, so nothing may be announced.
    const res = await ingester(
      `mutation($input: IngestBouncesInput!) {
      ingestBounces(input: $input) { inserted userErrors { code } }
      createApiKey(input: { name: "nope", scopes: [READ] }) { secret }
    }`,
      {
        input: {
          events: [{ recipient: "rolled@gmail.com", campaignId: setup.campaignId, smtpResponse: USER_UNKNOWN }],
        },
      },
    );
    // Mutations run in order: the ingest ran before createApiKey failed (and nulled the data).
    expect(res.errors?.[0]).toMatchObject({ path: ["createApiKey"], extensions: { code: "FORBIDDEN" } });
    await sleep(700);
    expect(feed.events).toEqual([]);
    const stored = ok(
      await a.gql(`{ bounceEvents(first: 100, filter: { recipient: "rolled@gmail.com" }) { edges { node { id } } } }`),
    );
    expect(stored.bounceEvents.edges).toEqual([]);
    await ws.dispose();
  });
});

describe("alerts at threshold crossings", () => {
  it("raise exactly one alert as Gmail enters WARNING and one as it enters BLOCKING, live, and pause the campaign", async () => {
    ok(
      await a.gql(
        `mutation { updateTenantSettings(input: { settings: { autoPause: true } }) { tenant { settings { autoPause } } userErrors { code } } }`,
      ),
      "updateTenantSettings",
    );
    const setup = await createSendingSetup(a.gql, "threshold.example");
    await recordSends(
      a.gql,
      setup.campaignId,
      setup.inboxId,
      Array.from({ length: 1000 }, (_, i) => `r${i}@gmail.com`),
    );

    const ws = wsClient(app.wsUrl, a.apiKey);
    const gmailAlerts = collect(
      ws.client,
      `subscription($c: ID!) { alertRaised(filter: { campaignId: $c, kinds: [BOUNCE_RATE_WARNING, BOUNCE_RATE_BLOCKING] }) { kind severity evidence campaign { status } } }`,
      { c: setup.campaignId },
    );
    await sleep(200);

    const gmail = () => gmailAlerts.events.filter((e) => e.alertRaised.evidence.provider === "GMAIL");
    for (let i = 0; i < 51; i++) {
      await ingest(a.gql, [
        {
          recipient: `r${i}@gmail.com`,
          campaignId: setup.campaignId,
          inboxId: setup.inboxId,
          smtpResponse: USER_UNKNOWN,
          eventKey: `t-${i}`,
        },
      ]);
      const n = i + 1;
      if (n === 29) {
        await sleep(300);
        expect(gmail()).toEqual([]);
      }
      if (n === 30) {
        await gmailAlerts.waitFor(1 + gmailAlerts.events.length - gmail().length, 3_000).catch(() => undefined);
        await sleep(200);
        expect(gmail().map((e) => e.alertRaised.kind)).toEqual(["BOUNCE_RATE_WARNING"]);
      }
      if (n === 50) {
        await sleep(300);
        expect(gmail().map((e) => e.alertRaised.kind)).toEqual(["BOUNCE_RATE_WARNING"]);
      }
    }
    await sleep(500);
    expect(gmail().map((e) => [e.alertRaised.kind, e.alertRaised.severity])).toEqual([
      ["BOUNCE_RATE_WARNING", "WARNING"],
      ["BOUNCE_RATE_BLOCKING", "CRITICAL"],
    ]);
    expect(gmail()[1].alertRaised.evidence).toMatchObject({
      provider: "GMAIL",
      sent: 1000,
      hardBounces: 51,
      recommendPause: true,
    });

    const stored = ok(
      await a.gql(
        `query($c: ID!) { alerts(first: 100, filter: { campaignId: $c }) { edges { node { kind evidence } } } campaign(id: $c) { status } }`,
        { c: setup.campaignId },
      ),
    );
    expect(stored.campaign.status).toBe("PAUSED");
    const storedGmail = stored.alerts.edges
      .filter((e: any) => e.node.evidence.provider === "GMAIL")
      .map((e: any) => e.node.kind);
    expect(storedGmail.sort()).toEqual(["BOUNCE_RATE_BLOCKING", "BOUNCE_RATE_WARNING"]);
    await ws.dispose();
  });

  it("raise each crossing once even when concurrent ingests cross it together", async () => {
    const setup = await createSendingSetup(a.gql, "concurrent.example");
    await recordSends(
      a.gql,
      setup.campaignId,
      setup.inboxId,
      Array.from({ length: 100 }, (_, i) => `c${i}@gmail.com`),
    );
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        ingest(a.gql, [{ recipient: `c${i}@gmail.com`, campaignId: setup.campaignId, smtpResponse: USER_UNKNOWN }]),
      ),
    );
    const alerts = ok(
      await a.gql(
        `query($c: ID!) { alerts(first: 100, filter: { campaignId: $c }) { edges { node { kind evidence } } } }`,
        { c: setup.campaignId },
      ),
    ).alerts.edges.map((e: any) => e.node);
    for (const provider of ["GMAIL", "OVERALL"]) {
      const kinds = alerts.filter((x: any) => x.evidence.provider === provider).map((x: any) => x.kind);
      expect(new Set(kinds).size).toBe(kinds.length); // no crossing raised twice
      expect(kinds.filter((k: string) => k === "BOUNCE_RATE_BLOCKING")).toHaveLength(1);
    }
  });

  it("judge an inbox on its week's sends with the tipping batch counted, and flag sends above its warm-up ramp once", async () => {
    const t = await app.newTenant("inbox alerts");
    const domain = ok(
      await t.gql(
        `mutation { createDomain(input: { name: "inbox-alerts.example", registeredAt: "2026-01-01T00:00:00Z" }) { domain { id } } }`,
      ),
    ).createDomain.domain;
    const warmupStartedAt = new Date(Date.now() - 2 * 86_400_000).toISOString();
    const inbox = ok(
      await t.gql(
        `mutation($d: ID!, $w: DateTimeISO!) { createInbox(input: { domainId: $d, address: "new@inbox-alerts.example", warmupStartedAt: $w, dailyLimit: 500 }) { inbox { id } } }`,
        { d: domain.id, w: warmupStartedAt },
      ),
    ).createInbox.inbox;
    const campaign = ok(
      await t.gql(
        `mutation($d: ID!, $i: ID!) { createCampaign(input: { name: "Ramp", domainId: $d, inboxIds: [$i], status: ACTIVE }) { campaign { id } } }`,
        { d: domain.id, i: inbox.id },
      ),
    ).createCampaign.campaign;
    const inboxAlerts = async (kind: string) =>
      ok(
        await t.gql(
          `query($k: AlertKind!) { alerts(first: 50, filter: { kind: $k }) { edges { node { evidence inbox { id } campaign { id } } } } }`,
          { k: kind },
        ),
      ).alerts.edges.map((e: any) => e.node);

    // Week 1 of the ramp allows 20 a day: the batch that goes over raises the alert, later ones do not.
    await recordSends(
      t.gql,
      campaign.id,
      inbox.id,
      Array.from({ length: 15 }, (_, i) => `w${i}@gmail.com`),
    );
    expect(await inboxAlerts("WARMUP_RAMP_EXCEEDED")).toEqual([]);
    await recordSends(
      t.gql,
      campaign.id,
      inbox.id,
      Array.from({ length: 100 }, (_, i) => `x${i}@gmail.com`),
    );
    await recordSends(
      t.gql,
      campaign.id,
      inbox.id,
      Array.from({ length: 5 }, (_, i) => `y${i}@gmail.com`),
    );
    const ramp = await inboxAlerts("WARMUP_RAMP_EXCEEDED");
    expect(ramp).toHaveLength(1);
    expect(ramp[0]).toMatchObject({ inbox: { id: inbox.id }, evidence: { sentToday: 115, limit: 20 } });

    // 120 Gmail sends: 3 hard bounces are 2.5 % (acceptable), the 4th makes 3.33 % (WARNING).
    for (let i = 0; i < 4; i++) {
      await ingest(t.gql, [{ recipient: `x${i}@gmail.com`, inboxId: inbox.id, smtpResponse: USER_UNKNOWN }]);
      const warnings = (await inboxAlerts("BOUNCE_RATE_WARNING")).filter(
        (a: any) => a.inbox?.id === inbox.id && a.evidence.provider === "GMAIL",
      );
      expect(warnings).toHaveLength(i < 3 ? 0 : 1);
      if (i === 3) expect(warnings[0]).toMatchObject({ campaign: null, evidence: { sent: 120, hardBounces: 4 } });
    }
  });

  it("never suppresses or alerts per event for a 5.7.1 flood, but raises one authentication burst alert", async () => {
    const setup = await createSendingSetup(a.gql, "authflood.example");
    await recordSends(
      a.gql,
      setup.campaignId,
      setup.inboxId,
      Array.from({ length: 200 }, (_, i) => `p${i}@yahoo.com`),
    );
    for (let i = 0; i < 6; i++) {
      await ingest(a.gql, [
        {
          recipient: `p${i}@yahoo.com`,
          campaignId: setup.campaignId,
          smtpResponse:
            "550 5.7.26 This mail is unauthenticated, which poses a security risk to the sender and Gmail users, and has been blocked. The sender must authenticate with at least one of SPF or DKIM.",
        },
      ]);
    }
    const res = ok(
      await a.gql(
        `query($c: ID!) { alerts(first: 50, filter: { campaignId: $c, kind: SENDER_AUTHENTICATION_FAILURES }) { edges { node { severity evidence } } } }`,
        { c: setup.campaignId },
      ),
    );
    expect(res.alerts.edges).toHaveLength(1);
    expect(res.alerts.edges[0].node.severity).toBe("CRITICAL");
  });
});

describe("acknowledging and catching up", () => {
  it("lists alerts since a time and marks one acknowledged", async () => {
    const all = ok(await a.gql(`{ alerts(first: 100) { edges { node { id createdAt acknowledgedAt } } } }`)).alerts
      .edges;
    expect(all.length).toBeGreaterThan(0);
    const target = all[0].node;
    const acked = ok(
      await a.gql(
        `mutation($id: ID!) { acknowledgeAlert(input: { id: $id }) { alert { acknowledgedAt } userErrors { code } } }`,
        { id: target.id },
      ),
      "acknowledgeAlert",
    );
    expect(acked.alert.acknowledgedAt).not.toBeNull();
    const open = ok(await a.gql(`{ alerts(first: 100, filter: { acknowledged: false }) { edges { node { id } } } }`))
      .alerts.edges;
    expect(open.map((e: any) => e.node.id)).not.toContain(target.id);
    const since = ok(
      await a.gql(`query($s: DateTimeISO!) { alerts(first: 100, filter: { since: $s }) { edges { node { id } } } }`, {
        s: target.createdAt,
      }),
    ).alerts.edges;
    expect(since.map((e: any) => e.node.id)).toContain(target.id);
    const foreign = await b.gql(
      `mutation($id: ID!) { acknowledgeAlert(input: { id: $id }) { alert { id } userErrors { code } } }`,
      { id: target.id },
    );
    expect(foreign.data.acknowledgeAlert.userErrors[0].code).toBe("NOT_FOUND");
  });
});

describe("WebSocket keys", () => {
  it("close a revoked key's open socket with 4403", async () => {
    const key = ok(
      await a.gql(
        `mutation { createApiKey(input: { name: "live", scopes: [READ] }) { secret apiKey { id } userErrors { code } } }`,
      ),
      "createApiKey",
    );
    const ws = wsClient(app.wsUrl, key.secret);
    collect(ws.client, `subscription { alertRaised { kind } }`);
    await sleep(200);
    ok(
      await a.gql(
        `mutation($id: ID!) { revokeApiKey(input: { id: $id }) { apiKey { revokedAt } userErrors { code } } }`,
        { id: key.apiKey.id },
      ),
      "revokeApiKey",
    );
    expect(await Promise.race([ws.closed, sleep(3_000).then(() => "still open")])).toBe(4403);
  });
});
