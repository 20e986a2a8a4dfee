import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Zone, ZoneRecord } from "../support/memory-dns";
import { startDnsServer, type TestDnsServer } from "../support/dns-server";
import { ok, type Gql } from "../support/graphql-client";
import { collect, sleep } from "../support/subscription";
import { startTestApp, type TestApp } from "../support/test-app";
import { wsClient } from "../support/ws-client";

// "A domain's DNS authentication regressing" is an alert: audit a healthy domain, break its
// SPF and DMARC on the (real, loopback) DNS server, audit again.

const txt = (data: string): ZoneRecord => ({ type: "TXT", data });
const healthy: Zone = {
  "regress.test": [txt("v=spf1 ip4:192.0.2.10 -all")],
  "_dmarc.regress.test": [txt("v=DMARC1; p=reject; rua=mailto:d@regress.test")],
};
const broken: Zone = {
  "regress.test": [txt("v=spf1 +all")],
  "_dmarc.regress.test": [txt("v=DMARC1; p=block")],
};

let dns: TestDnsServer;
let app: TestApp;
let gql: Gql;
let apiKey: string;

beforeAll(async () => {
  dns = await startDnsServer(healthy);
  // The server reads its DNS settings from the environment, as an operator sets them.
  Object.assign(process.env, {
    REBOUND_DNS_SERVERS: dns.address,
    REBOUND_DNS_TIMEOUT_MS: "500",
    REBOUND_DNS_TRIES: "1",
    REBOUND_DNSBL_IP_ZONES: "bl.test",
    REBOUND_DNSBL_DOMAIN_ZONES: "dbl.test",
    REBOUND_AUDIT_INTERVAL_MINUTES: "0",
  });
  app = await startTestApp("dnsregress");
  ({ gql, apiKey } = await app.newTenant("dns"));
});
afterAll(async () => {
  await app?.close();
  await dns?.close();
});

async function refresh(id: string) {
  return ok(
    await gql(`mutation($id: ID!) { refreshDomainAuth(input: { domainId: $id }) { userErrors { code message } } }`, {
      id,
    }),
    "refreshDomainAuth",
  );
}

describe("DNS authentication regression", () => {
  it("raises one alert, live, when a re-audit finds SPF or DMARC worse than before", async () => {
    const id = ok(
      await gql(`mutation { createDomain(input: { name: "regress.test" }) { domain { id } userErrors { code } } }`),
      "createDomain",
    ).domain.id;
    const ws = wsClient(app.wsUrl, apiKey);
    const live = collect(
      ws.client,
      `subscription { alertRaised(filter: { kinds: [DNS_AUTHENTICATION_REGRESSED] }) { kind severity message domain { name } } }`,
    );
    await sleep(200);

    await refresh(id); // first audit: nothing to compare with
    await refresh(id); // unchanged: no regression
    await sleep(300);
    expect(live.events).toEqual([]);

    dns.setZone(broken);
    await refresh(id);
    const [event] = await live.waitFor(1, 3_000);
    expect(event.alertRaised).toMatchObject({
      kind: "DNS_AUTHENTICATION_REGRESSED",
      severity: "CRITICAL",
      domain: { name: "regress.test" },
    });
    expect(event.alertRaised.message).toMatch(/spf|dmarc/i);
    await ws.dispose();
  });
});
