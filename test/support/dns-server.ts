// A real DNS server on loopback (UDP and TCP on one random port) answering from an
// in-memory Zone, so resolver tests go through node's real c-ares stack, wire format
// included. It answers like a recursive resolver: CNAME chains followed in the answer,
// NXDOMAIN vs NODATA, SERVFAIL for { type: "SERVFAIL" } names and silence for
// { type: "TIMEOUT" } names. Wire format by dns-packet.

import dgram from "node:dgram";
import net from "node:net";
import * as packet from "dns-packet";
import { indexZone, resolveInZone, type QueryType, type Zone, type ZoneRecord } from "./memory-dns";

export interface TestDnsServer {
  host: string;
  port: number;
  /** "127.0.0.1:<port>", ready for REBOUND_DNS_SERVERS. */
  address: string;
  /** Every question received, in order ("TXT example.com", with the transport). */
  queries: Array<{ type: string; name: string; transport: "udp" | "tcp" }>;
  /** Replace the zone (affects later queries). */
  setZone(zone: Zone): void;
  close(): Promise<void>;
}

const SUPPORTED: ReadonlySet<string> = new Set(["TXT", "A", "AAAA", "MX", "PTR", "CNAME"]);
const NOERROR = 0;
const SERVFAIL = 2;
const NXDOMAIN = 3;
const NOTIMP = 4;

type DataRecord = Exclude<ZoneRecord, { type: "SERVFAIL" } | { type: "TIMEOUT" }>;

function toAnswer(name: string, r: DataRecord, ttl: number): packet.Answer {
  switch (r.type) {
    case "TXT":
      return { name, type: "TXT", ttl, class: "IN", data: typeof r.data === "string" ? [r.data] : r.data };
    case "A":
      return { name, type: "A", ttl, class: "IN", data: r.data };
    case "AAAA":
      return { name, type: "AAAA", ttl, class: "IN", data: r.data };
    case "MX":
      return {
        name,
        type: "MX",
        ttl,
        class: "IN",
        data: { preference: r.priority, exchange: r.exchange === "" ? "." : r.exchange },
      };
    case "PTR":
      return { name, type: "PTR", ttl, class: "IN", data: r.data };
    case "CNAME":
      return { name, type: "CNAME", ttl, class: "IN", data: r.data };
  }
}

/** The response to one query, or null to stay silent. */
function respond(index: ReturnType<typeof indexZone>, query: packet.Packet, ttl: number): packet.Packet | null {
  const question = query.questions?.[0];
  const base = { id: query.id, type: "response" as const, questions: query.questions };
  const flags = (rcode: number) => packet.RECURSION_DESIRED | packet.RECURSION_AVAILABLE | rcode;
  if (!question) return { ...base, flags: flags(1 /* FORMERR */) };
  if (!SUPPORTED.has(question.type)) return { ...base, flags: flags(NOTIMP) };
  const resolution = resolveInZone(index, question.name, question.type as QueryType);
  if (resolution.kind === "timeout") return null;
  if (resolution.kind === "servfail") return { ...base, flags: flags(SERVFAIL) };
  return {
    ...base,
    flags: flags(resolution.rcode === "NXDOMAIN" ? NXDOMAIN : NOERROR),
    answers: resolution.answers.map((a) => toAnswer(a.name, a.record, ttl)),
  };
}

/** Largest UDP answer the client accepts: its EDNS0 size, else 512 (RFC 1035). */
function udpLimit(query: packet.Packet): number {
  const opt = query.additionals?.find((a) => a.type === "OPT") as { udpPayloadSize?: number } | undefined;
  return Math.max(512, opt?.udpPayloadSize ?? 512);
}

async function listen(zone: Zone, ttl: number, port: number): Promise<TestDnsServer> {
  let index = indexZone(zone);
  const queries: TestDnsServer["queries"] = [];
  const udp = dgram.createSocket("udp4");
  const tcp = net.createServer();
  const sockets = new Set<net.Socket>();

  const handle = (buf: Buffer, transport: "udp" | "tcp"): packet.Packet | null => {
    let query: packet.Packet;
    try {
      query = packet.decode(buf);
    } catch {
      return null;
    }
    const q = query.questions?.[0];
    if (q) queries.push({ type: q.type, name: q.name, transport });
    return respond(index, query, ttl);
  };

  udp.on("message", (msg, rinfo) => {
    const response = handle(msg, "udp");
    if (!response) return;
    let out = packet.encode(response);
    const query = packet.decode(msg);
    if (out.length > udpLimit(query)) {
      // Too big for UDP: say so (TC) and let the client come back over TCP.
      out = packet.encode({ ...response, flags: (response.flags ?? 0) | packet.TRUNCATED_RESPONSE, answers: [] });
    }
    udp.send(out, rinfo.port, rinfo.address);
  });

  tcp.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => socket.destroy());
    let pending = Buffer.alloc(0);
    socket.on("data", (chunk) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 2) {
        const length = pending.readUInt16BE(0);
        if (pending.length < 2 + length) break;
        const message = pending.subarray(2, 2 + length);
        pending = pending.subarray(2 + length);
        const response = handle(message, "tcp");
        if (response) socket.write(packet.streamEncode(response));
      }
    });
  });

  await new Promise<void>((resolve, reject) => {
    udp.once("error", reject);
    udp.bind(port, "127.0.0.1", () => resolve());
  });
  const udpPort = udp.address().port;
  try {
    await new Promise<void>((resolve, reject) => {
      tcp.once("error", reject);
      tcp.listen(udpPort, "127.0.0.1", () => resolve());
    });
  } catch (err) {
    udp.close();
    throw err;
  }
  return {
    host: "127.0.0.1",
    port: udpPort,
    address: `127.0.0.1:${udpPort}`,
    queries,
    setZone(next: Zone) {
      index = indexZone(next);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        udp.close(() => tcp.close(() => resolve()));
      }),
  };
}

/**
 * Start a server on 127.0.0.1 at a random port. `ttl` is the TTL of every record
 * (default 0, so that c-ares' answer cache never hides a zone change between tests).
 */
export async function startDnsServer(zone: Zone, options: { ttl?: number } = {}): Promise<TestDnsServer> {
  let lastError: unknown;
  // The random UDP port may be taken on TCP: try a few times.
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      return await listen(zone, options.ttl ?? 0, 0);
    } catch (err) {
      lastError = err;
    }
  }
  throw lastError;
}

/**
 * Points the servers this test process starts at a test DNS server, as an operator would
 * (the environment): short timeouts, one try, the given blocklist zones (none by default),
 * and no periodic audit, so every audit a test sees is one it asked for.
 */
export function testDnsEnv(
  dns: TestDnsServer,
  blocklists: { ipZones?: string; domainZones?: string } = {},
): Record<string, string> {
  return {
    REBOUND_DNS_SERVERS: dns.address,
    REBOUND_DNS_TIMEOUT_MS: "500",
    REBOUND_DNS_TRIES: "1",
    REBOUND_DNSBL_IP_ZONES: blocklists.ipZones ?? "",
    REBOUND_DNSBL_DOMAIN_ZONES: blocklists.domainZones ?? "",
    REBOUND_AUDIT_INTERVAL_MINUTES: "0",
  };
}
