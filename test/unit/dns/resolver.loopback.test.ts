// NodeDnsResolver against a real DNS server on 127.0.0.1: the wire, c-ares and the error
// mapping all for real. The point above all: a failed lookup (SERVFAIL, timeout) comes
// back as ERROR, never as a missing record.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NodeDnsResolver } from "../../../src/platform/dns/resolver";
import type { Zone } from "../../support/memory-dns";
import { startDnsServer, type TestDnsServer } from "../../support/dns-server";

const LONG_KEY = "A".repeat(1500);

const zone: Zone = {
  "example.test": [
    { type: "TXT", data: "v=spf1 -all" },
    { type: "TXT", data: ["first part ", "second part"] },
    { type: "A", data: "192.0.2.1" },
    { type: "MX", priority: 10, exchange: "mx1.example.test" },
    { type: "MX", priority: 20, exchange: "mx2.example.test" },
  ],
  "v6.example.test": [{ type: "AAAA", data: "2001:db8::25" }],
  "alias.example.test": [{ type: "CNAME", data: "hop.example.test" }],
  "hop.example.test": [{ type: "CNAME", data: "example.test" }],
  "dangling.example.test": [{ type: "CNAME", data: "nowhere.example.test" }],
  "nullmx.example.test": [{ type: "MX", priority: 0, exchange: "" }],
  "big.example.test": [
    {
      type: "TXT",
      data: [
        LONG_KEY.slice(0, 255),
        LONG_KEY.slice(255, 510),
        LONG_KEY.slice(510, 765),
        LONG_KEY.slice(765, 1020),
        LONG_KEY.slice(1020, 1275),
        LONG_KEY.slice(1275),
      ],
    },
  ],
  "sub.parent.example.test": [{ type: "A", data: "192.0.2.9" }],
  "broken.example.test": [{ type: "SERVFAIL" }],
  "silent.example.test": [{ type: "TIMEOUT" }],
  "1.2.0.192.in-addr.arpa": [{ type: "PTR", data: "mail.example.test" }],
};

let server: TestDnsServer;
let dns: NodeDnsResolver;

beforeAll(async () => {
  server = await startDnsServer(zone);
  dns = new NodeDnsResolver({ servers: [server.address], timeoutMs: 300, tries: 1 });
});
afterAll(async () => {
  await server.close();
});

describe("NodeDnsResolver over a loopback DNS server", () => {
  it("returns each TXT record as its strings, multi-string records kept apart", async () => {
    const answer = await dns.txt("example.test");
    expect(answer.status).toBe("OK");
    if (answer.status !== "OK") return;
    expect(answer.records).toContainEqual(["v=spf1 -all"]);
    expect(answer.records).toContainEqual(["first part ", "second part"]);
  });

  it("reads a TXT answer too big for UDP (truncated, retried over TCP)", async () => {
    const answer = await dns.txt("big.example.test");
    expect(answer.status).toBe("OK");
    if (answer.status === "OK") expect(answer.records[0].join("")).toBe(LONG_KEY);
    expect(server.queries.some((q) => q.name === "big.example.test" && q.transport === "tcp")).toBe(true);
  });

  it("returns A and AAAA addresses with the TTL the server gave", async () => {
    const ttlServer = await startDnsServer(zone, { ttl: 321 });
    try {
      const r = new NodeDnsResolver({ servers: [ttlServer.address], timeoutMs: 300, tries: 1 });
      expect(await r.a("example.test")).toEqual({ status: "OK", records: ["192.0.2.1"], ttl: 321 });
      expect(await r.aaaa("v6.example.test")).toEqual({ status: "OK", records: ["2001:db8::25"], ttl: 321 });
    } finally {
      await ttlServer.close();
    }
  });

  it("returns MX records with priorities, and a null MX as an empty exchange", async () => {
    const answer = await dns.mx("example.test");
    expect(answer.status === "OK" && [...answer.records].sort((a, b) => a.priority - b.priority)).toEqual([
      { priority: 10, exchange: "mx1.example.test" },
      { priority: 20, exchange: "mx2.example.test" },
    ]);
    expect(await dns.mx("nullmx.example.test")).toMatchObject({
      status: "OK",
      records: [{ priority: 0, exchange: "" }],
    });
  });

  it("answers PTR for an IP address at its reverse name", async () => {
    expect(await dns.ptr("192.0.2.1")).toMatchObject({ status: "OK", records: ["mail.example.test"] });
  });

  it("follows CNAME chains for TXT, A and MX", async () => {
    expect(await dns.a("alias.example.test")).toMatchObject({ status: "OK", records: ["192.0.2.1"] });
    const txt = await dns.txt("alias.example.test");
    expect(txt.status === "OK" && txt.records).toContainEqual(["v=spf1 -all"]);
    const mx = await dns.mx("alias.example.test");
    expect(mx.status === "OK" && mx.records.length).toBe(2);
  });

  it("reports a name that does not exist as NXDOMAIN", async () => {
    expect(await dns.txt("nothing.example.test")).toEqual({ status: "NXDOMAIN" });
    expect(await dns.a("dangling.example.test")).toEqual({ status: "NXDOMAIN" });
  });

  it("reports an existing name without that record type as NODATA", async () => {
    expect(await dns.txt("v6.example.test")).toEqual({ status: "NODATA" });
    expect(await dns.mx("v6.example.test")).toEqual({ status: "NODATA" });
    // A name with no records but names under it (an empty non-terminal) exists too.
    expect(await dns.a("parent.example.test")).toEqual({ status: "NODATA" });
  });

  it("reports SERVFAIL as a failed lookup, not a missing record", async () => {
    const answer = await dns.txt("broken.example.test");
    expect(answer).toMatchObject({ status: "ERROR", code: "SERVFAIL" });
  });

  it("reports a server that never answers as a TIMEOUT failure, not a missing record", async () => {
    const started = Date.now();
    const answer = await dns.a("silent.example.test");
    expect(answer).toMatchObject({ status: "ERROR", code: "TIMEOUT" });
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("reports a server that refuses connections as a failed lookup", async () => {
    const gone = await startDnsServer({});
    const address = gone.address;
    await gone.close();
    const r = new NodeDnsResolver({ servers: [address], timeoutMs: 200, tries: 1 });
    const answer = await r.txt("example.test");
    expect(answer.status).toBe("ERROR");
  });
});
