// The DNS questions the deciding code asks, as an injected interface: the core stays pure
// apart from it, tests answer from an in-memory zone, production from src/platform/dns/resolver.ts.
//
// Every answer says which of four things happened, because SPF, DMARC and the audit must
// never confuse them: records came back; the name does not exist (NXDOMAIN); the name
// exists but has no record of that type (NODATA); or the lookup itself failed (SERVFAIL,
// timeout, refused...), in which case nothing is known about the records.

export type DnsErrorCode = "SERVFAIL" | "TIMEOUT" | "REFUSED" | "FORMERR" | "BADNAME" | "OTHER";

export type DnsAnswer<T> =
  | {
      status: "OK";
      records: T[];
      /** Seconds the answer may be cached, when the resolver reports it; else null. */
      ttl: number | null;
    }
  | { status: "NXDOMAIN" }
  | { status: "NODATA" }
  | { status: "ERROR"; code: DnsErrorCode; message: string };

/** One TXT record as its character-strings (a record longer than 255 bytes has several). */
export type TxtRecord = string[];

export interface MxRecord {
  priority: number;
  /** Host name; "" for a null MX ("." : the domain accepts no mail, RFC 7505). */
  exchange: string;
}

/**
 * Lookups by record type. Implementations follow CNAMEs, as a recursive resolver does,
 * and never throw for DNS outcomes: they return NXDOMAIN / NODATA / ERROR instead.
 */
export interface DnsLookup {
  txt(name: string): Promise<DnsAnswer<TxtRecord>>;
  a(name: string): Promise<DnsAnswer<string>>;
  aaaa(name: string): Promise<DnsAnswer<string>>;
  mx(name: string): Promise<DnsAnswer<MxRecord>>;
  /** PTR records of an IP address (the implementation builds the reverse name). */
  ptr(ip: string): Promise<DnsAnswer<string>>;
}

/** True when the name or the record type is absent: a definite "no", unlike ERROR. */
export function isMissing(answer: DnsAnswer<unknown>): answer is { status: "NXDOMAIN" } | { status: "NODATA" } {
  return answer.status === "NXDOMAIN" || answer.status === "NODATA";
}

/** TXT record as one string: character-strings are joined with nothing between them (RFC 7208 3.3, RFC 6376 3.6.2.2). */
export function joinTxt(record: TxtRecord): string {
  return record.join("");
}

/** Lower-case, without a trailing dot: the form names are compared in. */
export function normalizeName(name: string): string {
  const lower = name.trim().toLowerCase();
  return lower.endsWith(".") ? lower.slice(0, -1) : lower;
}
