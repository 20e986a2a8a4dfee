import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  countsTowardSoftLimit,
  immediateSuppression,
  softLimitReached,
  type EventFacts,
} from "../../src/core/suppression-policy";
import { ok, type Gql } from "../support/graphql-client";
import { statementsOf } from "../support/statements";
import { startTestApp, type TestApp } from "../support/test-app";
import { createSetup, sql, uuidFromGlobal, type Setup } from "./ingest-support";

let app: TestApp;
let gql: Gql;
let tenantUuid: string;
let s: Setup;

beforeAll(async () => {
  app = await startTestApp("suppression");
  const t = await app.newTenant("suppression");
  gql = t.gql;
  tenantUuid = uuidFromGlobal(t.tenantId);
  s = await createSetup(gql, "supp");
});
afterAll(() => app?.close());

const INGEST = `mutation($input: IngestBouncesInput!) { ingestBounces(input: $input) { inserted suppressions { id value scope reason bounceReason event { id reason } } userErrors { field code message } } }`;
const SUPPRESSIONS = `query($filter: SuppressionFilter, $after: String) { suppressions(first: 100, after: $after, filter: $filter) {
  edges { node { id scope value reason bounceReason note expiresAt active removedAt removalNote createdByApiKeyId removedByApiKeyId event { id } } }
  pageInfo { hasNextPage endCursor } } }`;
const CHECK = `query($a: [String!]!) { checkRecipients(addresses: $a) { address normalized verdict reason suggestion suppression { value scope reason } } }`;

const ingest = async (events: Array<Record<string, unknown>>) =>
  ok(await gql(INGEST, { input: { events } }), "ingestBounces");
const check = async (addresses: string[]) => ok(await gql(CHECK, { a: addresses })).checkRecipients;
const activeFor = async (value: string) =>
  await sql(
    app.database.url,
    "SELECT scope, value, reason FROM suppressions WHERE tenant_id = $1 AND value = $2 AND removed_at IS NULL",
    [tenantUuid, value],
  );

const day = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString();

describe("automatic suppression", () => {
  it("a 5.7.1 / blocked / authfailure flood suppresses nobody", async () => {
    const senderFaults = [
      "550 5.7.1 Message rejected due to SPF/DKIM policy",
      "554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org",
      "550 5.7.26 This mail is unauthenticated, which poses a security risk to the sender and Gmail users, and has been blocked. DMARC policy fail",
      "550 5.7.1 [192.0.2.1] Our system has detected that this message is likely unsolicited mail. To reduce the amount of spam sent to Gmail, this message has been blocked.",
      "421 4.7.0 Try again later, closing connection. Too many messages from your IP",
    ];
    // 100 recipients, each hit by five sender-side rejections: far past any soft limit.
    const events = Array.from({ length: 500 }, (_, i) => ({
      recipient: `lead${i % 100}@${["gmail.com", "outlook.com", "yahoo.com", "acme.example"][i % 4]}`,
      campaignId: s.campaignId,
      smtpResponse: senderFaults[Math.floor(i / 100)],
      eventKey: `flood-${i}`,
      occurredAt: day(0),
    }));
    const r = await ingest(events);
    expect(r.inserted).toBe(500);
    expect(r.suppressions).toEqual([]);
    const faults = await sql(
      app.database.url,
      "SELECT DISTINCT fault FROM bounce_events WHERE tenant_id = $1 AND dedupe_key LIKE 'api:flood-%' ORDER BY 1",
      [tenantUuid],
    );
    expect(
      faults.map((f) => f.fault).every((f: string) => f.startsWith("SENDER_") || f === "POLICY" || f === "CONTENT"),
    ).toBe(true);
    expect(await sql(app.database.url, "SELECT 1 FROM suppressions WHERE tenant_id = $1", [tenantUuid])).toEqual([]);
    const verdicts = await check(["lead0@gmail.com", "lead1@outlook.com", "lead2@yahoo.com", "lead3@acme.example"]);
    expect(verdicts.map((v: any) => v.verdict)).toEqual(["OK", "OK", "OK", "OK"]);
  });

  it("a 5.1.1 suppresses at once, linked to its event", async () => {
    const r = await ingest([
      {
        recipient: "Gone.Away@Gmail.com",
        smtpResponse: "550 5.1.1 <gone.away@gmail.com>: Recipient address rejected: User unknown",
        eventKey: "u-1",
      },
    ]);
    expect(r.suppressions).toHaveLength(1);
    expect(r.suppressions[0]).toMatchObject({
      value: "gone.away@gmail.com",
      scope: "ADDRESS",
      reason: "HARD_BOUNCE",
      bounceReason: "USERUNKNOWN",
      event: { reason: "USERUNKNOWN" },
    });
    const [v] = await check(["gone.away@GMAIL.com"]);
    expect(v).toMatchObject({
      verdict: "SUPPRESSED",
      normalized: "gone.away@gmail.com",
      suppression: { reason: "HARD_BOUNCE" },
    });
    // A second hard bounce for the same address adds no second suppression.
    const again = await ingest([
      { recipient: "gone.away@gmail.com", smtpResponse: "550 5.1.1 user unknown", eventKey: "u-2" },
    ]);
    expect(again.inserted).toBe(1);
    expect(again.suppressions).toEqual([]);
    expect(await activeFor("gone.away@gmail.com")).toHaveLength(1);
  });

  it("an unknown host suppresses the whole domain", async () => {
    const r = await ingest([
      {
        recipient: "a@no-such-domain.example",
        smtpResponse: "550 5.1.2 Host unknown: domain not found",
        eventKey: "h-1",
      },
    ]);
    expect(r.suppressions.map((x: any) => [x.scope, x.value, x.reason])).toEqual([
      ["DOMAIN", "no-such-domain.example", "UNKNOWN_DOMAIN"],
    ]);
    const [v] = await check(["someone.else@no-such-domain.example"]);
    expect(v.verdict).toBe("SUPPRESSED");
    expect(v.reason).toMatch(/domain no-such-domain\.example/);
  });

  it("soft bounces suppress at the tenant's limit within its window; a later delivery resets the count", async () => {
    // Deferrals: each is one failed try, counted toward the policy (a BOUNCE would be the last word).
    const full = (recipient: string, key: string, occurredAt: string) => ({
      recipient,
      kind: "DEFERRAL",
      smtpResponse: "452 4.2.2 The email account that you tried to reach is over quota",
      eventKey: key,
      occurredAt,
    });
    // Three within seven days: the third suppresses.
    expect(
      (await ingest([full("soft1@gmail.com", "s1-1", day(6)), full("soft1@gmail.com", "s1-2", day(3))])).suppressions,
    ).toEqual([]);
    expect((await check(["soft1@gmail.com"]))[0].verdict).toBe("RISKY");
    const third = await ingest([full("soft1@gmail.com", "s1-3", day(0))]);
    expect(third.suppressions.map((x: any) => x.reason)).toEqual(["SOFT_BOUNCE_LIMIT"]);

    // Two, then a delivery, then one more: the delivery reset the count.
    await ingest([full("soft2@gmail.com", "s2-1", day(5)), full("soft2@gmail.com", "s2-2", day(4))]);
    await ingest([
      {
        recipient: "soft2@gmail.com",
        smtpResponse: "250 2.0.0 OK  1700000000 accepted",
        eventKey: "s2-d",
        occurredAt: day(3),
      },
    ]);
    expect((await ingest([full("soft2@gmail.com", "s2-3", day(1))])).suppressions).toEqual([]);
    // A delivery reported late (older than the soft bounces) does not reset them.
    await ingest([
      { recipient: "soft3@gmail.com", smtpResponse: "250 2.0.0 OK", eventKey: "s3-d", occurredAt: day(10) },
    ]);
    const soft3 = await ingest([
      full("soft3@gmail.com", "s3-1", day(2)),
      full("soft3@gmail.com", "s3-2", day(1)),
      full("soft3@gmail.com", "s3-3", day(0)),
    ]);
    expect(soft3.suppressions.map((x: any) => x.value)).toEqual(["soft3@gmail.com"]);

    // Three spread over more than the window: no.
    expect(
      (
        await ingest([
          full("soft4@gmail.com", "s4-1", day(20)),
          full("soft4@gmail.com", "s4-2", day(10)),
          full("soft4@gmail.com", "s4-3", day(0)),
        ])
      ).suppressions,
    ).toEqual([]);

    // The tenant's policy: two within three days.
    const res = await gql(
      `mutation($s: TenantSettingsInput!) { updateTenantSettings(input: { settings: $s }) { userErrors { code } } }`,
      { s: { softBounceLimit: 2, softBounceWindowDays: 3 } },
    );
    expect(res.errors).toBeUndefined();
    expect(
      (
        await ingest([full("soft5@gmail.com", "s5-1", day(2)), full("soft5@gmail.com", "s5-2", day(0))])
      ).suppressions.map((x: any) => x.reason),
    ).toEqual(["SOFT_BOUNCE_LIMIT"]);
    expect(
      (await ingest([full("soft6@gmail.com", "s6-1", day(5)), full("soft6@gmail.com", "s6-2", day(0))])).suppressions,
    ).toEqual([]);
    await gql(
      `mutation($s: TenantSettingsInput!) { updateTenantSettings(input: { settings: $s }) { userErrors { code } } }`,
      { s: { softBounceLimit: 3, softBounceWindowDays: 7 } },
    );
  });

  it("a bounce whose retries expired suppresses at once, unless the sender was at fault", async () => {
    const r = await ingest([
      {
        recipient: "expired@outlook.com",
        status: "4.4.7",
        diagnosticCode: "smtp; 421 4.4.7 Message expired, delivery attempts exceeded",
        eventKey: "x-1",
      },
    ]);
    expect(r.suppressions.map((x: any) => [x.value, x.reason])).toEqual([["expired@outlook.com", "RETRIES_EXPIRED"]]);
  });

  it("a spam complaint suppresses the complainer", async () => {
    const raw = (await import("./ingest-support")).arfMessage({ messageId: "arf-s@fbl", recipient: "angry@yahoo.com" });
    const r = ok(
      await gql(
        `mutation($input: IngestBounceMessageInput!) { ingestBounceMessage(input: $input) { inserted suppressions { value reason } userErrors { code } } }`,
        { input: { raw } },
      ),
      "ingestBounceMessage",
    );
    expect(r.suppressions).toEqual([{ value: "angry@yahoo.com", reason: "COMPLAINT" }]);
  });
});

describe("suppressions by hand", () => {
  it("addSuppressions validates everything first, keeps existing ones, and supports domains and expiry", async () => {
    const bad = await gql(
      `mutation($input: AddSuppressionsInput!) { addSuppressions(input: $input) { inserted userErrors { field code } } }`,
      { input: { addresses: ["ok@example.com", "broken"], domains: ["bad domain"] } },
    );
    expect(bad.data.addSuppressions.userErrors).toEqual([
      { field: ["input", "addresses", "1"], code: "INVALID_EMAIL" },
      { field: ["input", "domains", "0"], code: "INVALID_DOMAIN" },
    ]);
    expect(await activeFor("ok@example.com")).toEqual([]);
    const tooMany = await gql(
      `mutation($input: AddSuppressionsInput!) { addSuppressions(input: $input) { userErrors { code } } }`,
      { input: { addresses: Array.from({ length: 10_001 }, (_, i) => `m${i}@example.com`) } },
    );
    expect(tooMany.data.addSuppressions.userErrors[0].code).toBe("TOO_MANY_SUPPRESSIONS");

    const expiresAt = new Date(Date.now() + 30 * 86_400_000).toISOString();
    const added = ok(
      await gql(
        `mutation($input: AddSuppressionsInput!) { addSuppressions(input: $input) { inserted suppressions { value scope reason note expiresAt createdByApiKeyId } userErrors { code } } }`,
        {
          input: {
            addresses: ["Manual@Example.com", "gone.away@gmail.com"],
            domains: ["@competitor.example"],
            expiresAt,
            note: "asked to stop",
          },
        },
      ),
      "addSuppressions",
    );
    expect(added.inserted).toBe(2);
    expect(added.suppressions.map((x: any) => [x.value, x.scope, x.reason])).toEqual([
      ["manual@example.com", "ADDRESS", "MANUAL"],
      ["gone.away@gmail.com", "ADDRESS", "HARD_BOUNCE"],
      ["competitor.example", "DOMAIN", "MANUAL"],
    ]);
    expect(added.suppressions[0]).toMatchObject({ note: "asked to stop", expiresAt });
    expect(added.suppressions[0].createdByApiKeyId).toMatch(/./);
  });

  it("removeSuppression is audited, and the address can be suppressed again later", async () => {
    const list = ok(await gql(SUPPRESSIONS, { filter: { value: "GONE.AWAY@gmail.com" } })).suppressions.edges.map(
      (e: any) => e.node,
    );
    expect(list).toHaveLength(1);
    const removed = ok(
      await gql(
        `mutation($input: RemoveSuppressionInput!) { removeSuppression(input: $input) { suppression { id active removedAt removalNote removedByApiKeyId } userErrors { code } } }`,
        { input: { id: list[0].id, note: "customer confirmed the address" } },
      ),
      "removeSuppression",
    );
    expect(removed.suppression).toMatchObject({
      id: list[0].id,
      active: false,
      removalNote: "customer confirmed the address",
    });
    expect(removed.suppression.removedAt).not.toBeNull();
    expect(removed.suppression.removedByApiKeyId).toMatch(/./);
    const twice = await gql(
      `mutation($input: RemoveSuppressionInput!) { removeSuppression(input: $input) { userErrors { code field } } }`,
      { input: { id: list[0].id } },
    );
    expect(twice.data.removeSuppression.userErrors).toEqual([{ code: "ALREADY_REMOVED", field: ["input", "id"] }]);
    const unknown = await gql(
      `mutation($input: RemoveSuppressionInput!) { removeSuppression(input: $input) { userErrors { code } } }`,
      { input: { id: s.campaignId } },
    );
    expect(unknown.data.removeSuppression.userErrors[0].code).toBe("NOT_FOUND");

    expect((await check(["gone.away@gmail.com"]))[0].verdict).toBe("OK");
    await ingest([{ recipient: "gone.away@gmail.com", smtpResponse: "550 5.1.1 user unknown", eventKey: "u-3" }]);
    const history = ok(
      await gql(SUPPRESSIONS, { filter: { value: "gone.away@gmail.com", includeRemoved: true } }),
    ).suppressions.edges.map((e: any) => e.node);
    expect(history.map((h: any) => h.active)).toEqual([true, false]);
  });

  it("an expired suppression stops applying and is retired when the address is suppressed again", async () => {
    await sql(
      app.database.url,
      "INSERT INTO suppressions (tenant_id, scope, value, reason, expires_at) VALUES ($1, 'ADDRESS', 'temp@example.com', 'MANUAL', now() - interval '1 day')",
      [tenantUuid],
    );
    expect((await check(["temp@example.com"]))[0].verdict).toBe("OK");
    const r = await ingest([
      { recipient: "temp@example.com", smtpResponse: "550 5.1.1 user unknown", eventKey: "t-1" },
    ]);
    expect(r.suppressions.map((x: any) => x.reason)).toEqual(["HARD_BOUNCE"]);
    const rows = await sql(
      app.database.url,
      "SELECT reason, removal_note, removed_at IS NOT NULL AS removed FROM suppressions WHERE tenant_id = $1 AND value = 'temp@example.com' ORDER BY created_at",
      [tenantUuid],
    );
    expect(rows).toEqual([
      { reason: "MANUAL", removal_note: "expired", removed: true },
      { reason: "HARD_BOUNCE", removal_note: null, removed: false },
    ]);
  });

  it("lists with filters and keyset pages", async () => {
    const manual = ok(await gql(SUPPRESSIONS, { filter: { reason: "MANUAL" } })).suppressions.edges.map(
      (e: any) => e.node.value,
    );
    expect(manual.sort()).toEqual(["competitor.example", "manual@example.com"]);
    const domains = ok(await gql(SUPPRESSIONS, { filter: { scope: "DOMAIN" } })).suppressions.edges.map(
      (e: any) => e.node.value,
    );
    expect(domains.sort()).toEqual(["competitor.example", "no-such-domain.example"]);
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: any = ok(
        await gql(
          `query($after: String) { suppressions(first: 2, after: $after) { edges { node { id } } pageInfo { hasNextPage endCursor } } }`,
          { after },
        ),
      ).suppressions;
      seen.push(...page.edges.map((e: any) => e.node.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    const all = await sql(
      app.database.url,
      "SELECT count(*)::int AS n FROM suppressions WHERE tenant_id = $1 AND removed_at IS NULL AND (expires_at IS NULL OR expires_at > now())",
      [tenantUuid],
    );
    expect(seen.length).toBe(all[0].n);
    expect(new Set(seen).size).toBe(seen.length);
  });
});

describe("checkRecipients", () => {
  it("answers every address in the order given", async () => {
    const res = await check([
      "ok.person@gmail.com",
      "not-an-address",
      "john@gmial.com",
      "gone.away@gmail.com",
      "postmaster@acme.example",
      "x@no-such-domain.example",
      "OK.Person@Gmail.com",
    ]);
    expect(res.map((r: any) => [r.address, r.verdict])).toEqual([
      ["ok.person@gmail.com", "OK"],
      ["not-an-address", "INVALID"],
      ["john@gmial.com", "RISKY"],
      ["gone.away@gmail.com", "SUPPRESSED"],
      ["postmaster@acme.example", "RISKY"],
      ["x@no-such-domain.example", "SUPPRESSED"],
      ["OK.Person@Gmail.com", "OK"],
    ]);
    expect(res[1].reason).toMatch(/@/);
    expect(res[2]).toMatchObject({ suggestion: "john@gmail.com" });
    expect(res[3].suppression).toMatchObject({ value: "gone.away@gmail.com", reason: "HARD_BOUNCE" });
    expect(res[6].normalized).toBe("ok.person@gmail.com");
  });

  it("costs the same few statements for 10,000 addresses as for 10, and refuses more", async () => {
    const cost = async (n: number) => {
      const addresses = Array.from({ length: n }, (_, i) =>
        i % 7 === 0 ? "gone.away@gmail.com" : `p${i}@${i % 2 ? "gmail.com" : "corp.example"}`,
      );
      const { count, result: r } = await statementsOf(() => check(addresses));
      expect(r).toHaveLength(n);
      return count;
    };
    const small = await cost(10);
    const large = await cost(10_000);
    expect(large).toBe(small);
    expect(small).toBeLessThanOrEqual(6); // auth, BEGIN, role, the lookup, tenant settings, COMMIT
    const tooMany = await gql(CHECK, { a: Array.from({ length: 10_001 }, (_, i) => `q${i}@gmail.com`) });
    expect(tooMany.errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
  });
});

// The rules themselves, as plain functions (what the e2e cases above exercise through HTTP).

describe("suppression policy (pure)", () => {
  const facts = (over: Partial<EventFacts>): EventFacts => ({
    reason: "userunknown",
    bounceType: "HARD",
    hardBounce: true,
    fault: "RECIPIENT_ADDRESS",
    address: "a@example.com",
    domain: "example.com",
    finalAttempt: false,
    ...over,
  });

  it("suppresses only bad addresses, complaints and given-up recipient-side failures", () => {
    expect(immediateSuppression(facts({}))).toEqual({
      scope: "ADDRESS",
      value: "a@example.com",
      reason: "HARD_BOUNCE",
    });
    expect(immediateSuppression(facts({ reason: "hostunknown" }))).toEqual({
      scope: "DOMAIN",
      value: "example.com",
      reason: "UNKNOWN_DOMAIN",
    });
    expect(
      immediateSuppression(
        facts({ reason: "feedback", bounceType: "UNDETERMINED", hardBounce: false, fault: "SENDER_REPUTATION" }),
      )?.reason,
    ).toBe("COMPLAINT");
    for (const fault of ["SENDER_AUTHENTICATION", "SENDER_REPUTATION", "POLICY", "CONTENT", "PROTOCOL"] as const) {
      // Even a final, permanent failure never suppresses when the sender is at fault.
      expect(
        immediateSuppression(facts({ reason: "blocked", hardBounce: false, fault, finalAttempt: true })),
      ).toBeNull();
      expect(immediateSuppression(facts({ reason: "blocked", hardBounce: true, fault }))).toBeNull();
      expect(countsTowardSoftLimit(facts({ reason: "blocked", bounceType: "SOFT", hardBounce: false, fault }))).toBe(
        false,
      );
    }
    const full = facts({ reason: "mailboxfull", bounceType: "SOFT", hardBounce: false, fault: "RECIPIENT_MAILBOX" });
    expect(immediateSuppression(full)).toBeNull();
    expect(countsTowardSoftLimit(full)).toBe(true);
    expect(immediateSuppression({ ...full, finalAttempt: true })?.reason).toBe("RETRIES_EXPIRED");
    expect(
      immediateSuppression(facts({ reason: "expired", bounceType: "SOFT", hardBounce: false, fault: "NETWORK" }))
        ?.reason,
    ).toBe("RETRIES_EXPIRED");
    expect(immediateSuppression(facts({ address: null }))).toBeNull();
    expect(
      countsTowardSoftLimit(
        facts({ reason: "delivered", bounceType: "UNDETERMINED", hardBounce: false, fault: "UNKNOWN" }),
      ),
    ).toBe(false);
  });

  it("counts soft bounces within any window, after the last delivery", () => {
    const d = (h: number) => new Date(Date.UTC(2026, 0, 1) + h * 3600_000);
    expect(softLimitReached([d(0), d(24), d(48)], null, 3, 7)).toBe(true);
    expect(softLimitReached([d(0), d(1), d(24 * 7)], null, 3, 7)).toBe(true); // first and third exactly 7 days apart: within
    expect(softLimitReached([d(0), d(24 * 7 + 1), d(24 * 7 + 2)], null, 3, 7)).toBe(false);
    expect(softLimitReached([d(48), d(0), d(24)], null, 3, 7)).toBe(true); // any order
    expect(softLimitReached([d(0), d(24), d(48)], d(24), 3, 7)).toBe(false); // a delivery in between
    expect(softLimitReached([d(0), d(24), d(48), d(49), d(50)], d(24), 3, 7)).toBe(true);
    expect(softLimitReached([d(0)], null, 1, 1)).toBe(true);
  });
});
