// DNS answered from an in-memory zone: the DnsLookup that unit tests (and anyone wanting a
// dry run) inject, and the answering logic the loopback test DNS server speaks on the wire.
// It behaves as a recursive resolver would: CNAME chains are followed, a name with no
// records of any kind but names under it is NODATA (an empty non-terminal), not NXDOMAIN.

import type { DnsAnswer, DnsLookup, MxRecord, TxtRecord } from "../../src/core/dns/dns-lookup";
import { parseIp, reverseName } from "../../src/core/dns/ip-address";

export type ZoneRecord =
  | { type: "TXT"; data: string | string[] }
  | { type: "A"; data: string }
  | { type: "AAAA"; data: string }
  | { type: "MX"; priority: number; exchange: string }
  | { type: "PTR"; data: string }
  | { type: "CNAME"; data: string }
  /** The name's server fails: SERVFAIL for every question about it. */
  | { type: "SERVFAIL" }
  /** The name's server never answers. */
  | { type: "TIMEOUT" };

/** Owner name (any case, trailing dot optional) to its records. */
export type Zone = Record<string, ZoneRecord[]>;

export type QueryType = "TXT" | "A" | "AAAA" | "MX" | "PTR" | "CNAME";

type DataRecord = Exclude<ZoneRecord, { type: "SERVFAIL" } | { type: "TIMEOUT" }>;

export type ZoneResolution =
  | { kind: "answer"; rcode: "NOERROR" | "NXDOMAIN"; answers: Array<{ name: string; record: DataRecord }> }
  | { kind: "servfail" }
  | { kind: "timeout" };

const MAX_CNAME_CHAIN = 8;

function key(name: string): string {
  const lower = name.toLowerCase();
  return lower.endsWith(".") ? lower.slice(0, -1) : lower;
}

/** Index a zone by normalized owner name (done once per zone). */
export function indexZone(zone: Zone): Map<string, ZoneRecord[]> {
  const index = new Map<string, ZoneRecord[]>();
  for (const [name, records] of Object.entries(zone)) {
    const k = key(name);
    index.set(k, [...(index.get(k) ?? []), ...records]);
  }
  return index;
}

/** Answer one question the way a recursive resolver would. */
export function resolveInZone(index: Map<string, ZoneRecord[]>, name: string, type: QueryType): ZoneResolution {
  const answers: Array<{ name: string; record: DataRecord }> = [];
  let current = key(name);
  for (let hop = 0; hop <= MAX_CNAME_CHAIN; hop++) {
    const records = index.get(current);
    if (!records) {
      const hasChildren = [...index.keys()].some((k) => k.endsWith(`.${current}`));
      // RFC 6604: the rcode describes the last name in a CNAME chain.
      return { kind: "answer", rcode: hasChildren ? "NOERROR" : "NXDOMAIN", answers };
    }
    if (records.some((r) => r.type === "TIMEOUT")) return { kind: "timeout" };
    if (records.some((r) => r.type === "SERVFAIL")) return { kind: "servfail" };
    const cname = records.find((r): r is Extract<ZoneRecord, { type: "CNAME" }> => r.type === "CNAME");
    if (cname && type !== "CNAME") {
      answers.push({ name: current, record: cname });
      current = key(cname.data);
      continue;
    }
    for (const r of records) if (r.type === type) answers.push({ name: current, record: r as DataRecord });
    return { kind: "answer", rcode: "NOERROR", answers };
  }
  return { kind: "servfail" }; // CNAME loop or chain too long
}

function toAnswer<T>(resolution: ZoneResolution, type: QueryType, pick: (r: DataRecord) => T): DnsAnswer<T> {
  if (resolution.kind === "timeout") return { status: "ERROR", code: "TIMEOUT", message: "no answer (test zone)" };
  if (resolution.kind === "servfail")
    return { status: "ERROR", code: "SERVFAIL", message: "server failure (test zone)" };
  const records = resolution.answers.filter((a) => a.record.type === type).map((a) => pick(a.record));
  if (records.length > 0) return { status: "OK", records, ttl: null };
  // An answer that ends in a CNAME to a name that doesn't exist is still NXDOMAIN.
  return resolution.rcode === "NXDOMAIN" ? { status: "NXDOMAIN" } : { status: "NODATA" };
}

/** A DnsLookup over a Zone; `queries` records every question asked, in order. */
export class MemoryDns implements DnsLookup {
  readonly queries: Array<{ type: QueryType; name: string }> = [];
  private readonly index: Map<string, ZoneRecord[]>;

  constructor(zone: Zone) {
    this.index = indexZone(zone);
  }

  private ask<T>(name: string, type: QueryType, pick: (r: DataRecord) => T): Promise<DnsAnswer<T>> {
    this.queries.push({ type, name });
    return Promise.resolve(toAnswer(resolveInZone(this.index, name, type), type, pick));
  }

  txt(name: string): Promise<DnsAnswer<TxtRecord>> {
    return this.ask(name, "TXT", (r) => (r.type === "TXT" ? (typeof r.data === "string" ? [r.data] : r.data) : []));
  }
  a(name: string): Promise<DnsAnswer<string>> {
    return this.ask(name, "A", (r) => (r.type === "A" ? r.data : ""));
  }
  aaaa(name: string): Promise<DnsAnswer<string>> {
    return this.ask(name, "AAAA", (r) => (r.type === "AAAA" ? r.data : ""));
  }
  mx(name: string): Promise<DnsAnswer<MxRecord>> {
    return this.ask(name, "MX", (r) =>
      r.type === "MX" ? { priority: r.priority, exchange: r.exchange } : { priority: 0, exchange: "" },
    );
  }
  ptr(ip: string): Promise<DnsAnswer<string>> {
    const parsed = parseIp(ip);
    if (!parsed) return Promise.resolve({ status: "ERROR", code: "BADNAME", message: `not an IP address: ${ip}` });
    return this.ask(reverseName(parsed), "PTR", (r) => (r.type === "PTR" ? r.data : ""));
  }
}
