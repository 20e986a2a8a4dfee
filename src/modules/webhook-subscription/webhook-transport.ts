import { lookup as systemLookup, Resolver } from "node:dns";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import type { LookupFunction } from "node:net";
import { RequestFilteringHttpAgent, RequestFilteringHttpsAgent } from "request-filtering-agent";
import { addressClass } from "../../core/outgoing-webhooks";

// One HTTP POST to a customer's endpoint, made safe: the address a host name resolves to is
// checked on the socket, at connect time (request-filtering-agent, around a lookup that also
// refuses link-local and metadata addresses), so DNS rebinding cannot reach a private,
// loopback, link-local or metadata address; link-local and metadata stay refused with
// REBOUND_WEBHOOK_ALLOW_PRIVATE=1. Redirects are not followed (Node's client
// never does: a 3xx is an answer like any other non-2xx). At most 64 KB of the answer is read.

export const MAX_RESPONSE_BYTES = 64 * 1024;

export interface PostResult {
  status: number | null;
  latencyMs: number;
  error: string | null;
}

export interface WebhookTransportOptions {
  allowPrivate: boolean;
  timeoutMs: number;
  /** DNS servers to resolve endpoint host names with (REBOUND_DNS_SERVERS); empty: the system's. */
  dnsServers: string[];
}

/** A lookup through c-ares pointed at the given servers (the same servers the DNS audit asks). */
function lookupVia(servers: string[]): LookupFunction {
  const resolver = new Resolver({ timeout: 2000, tries: 2 });
  resolver.setServers(servers);
  return ((hostname: string, options: { all?: boolean; family?: number }, callback: (...args: unknown[]) => void) => {
    const answer = (addresses: string[], family: 4 | 6) =>
      options.all
        ? callback(
            null,
            addresses.map((address) => ({ address, family })),
          )
        : callback(null, addresses[0], family);
    resolver.resolve4(hostname, (err4, v4) => {
      if (!err4 && v4.length > 0) return answer(v4, 4);
      resolver.resolve6(hostname, (err6, v6) => {
        if (!err6 && v6.length > 0) return answer(v6, 6);
        callback(err4 ?? err6 ?? new Error(`no address for ${hostname}`));
      });
    });
  }) as LookupFunction;
}

/** The answers of `lookup`, refused when one is a link-local or metadata address (whatever the override). */
function refusingMetadata(lookup: LookupFunction): LookupFunction {
  return ((hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    lookup(
      hostname,
      options as never,
      ((err: Error | null, address: unknown, family?: number) => {
        if (err) return callback(err);
        const list = Array.isArray(address)
          ? (address as Array<{ address: string }>)
          : [{ address: address as string }];
        const bad = list.find((a) => addressClass(a.address) === "metadata");
        if (bad)
          return callback(
            new Error(`${hostname} resolves to ${bad.address}: link-local and metadata addresses are refused`),
          );
        callback(null, address, family);
      }) as never,
    );
  }) as LookupFunction;
}

export class WebhookTransport {
  private readonly httpAgent: RequestFilteringHttpAgent;
  private readonly httpsAgent: RequestFilteringHttpsAgent;
  private readonly lookup: LookupFunction;

  constructor(private readonly options: WebhookTransportOptions) {
    const filter = {
      allowPrivateIPAddress: options.allowPrivate,
      allowMetaIPAddress: false,
      keepAlive: true,
      maxSockets: 64,
    };
    this.httpAgent = new RequestFilteringHttpAgent(filter);
    this.httpsAgent = new RequestFilteringHttpsAgent(filter);
    this.lookup = refusingMetadata(
      options.dnsServers.length > 0 ? lookupVia(options.dnsServers) : (systemLookup as LookupFunction),
    );
  }

  /** POSTs body with headers; never throws: a failure is an answer without a status. */
  post(url: string, headers: Record<string, string>, body: string): Promise<PostResult> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    return new Promise<PostResult>((resolve) => {
      let settled = false;
      const finish = (status: number | null, error: string | null) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve({ status, latencyMs: elapsed(), error });
      };
      let target: URL;
      try {
        target = new URL(url);
      } catch {
        return finish(null, "invalid URL");
      }
      const secure = target.protocol === "https:";
      if (!secure && target.protocol !== "http:") return finish(null, "unsupported protocol");
      // An address in the URL itself is never looked up: check it here.
      if (addressClass(target.hostname) === "metadata")
        return finish(null, `${target.hostname} is a link-local or metadata address: refused`);
      const req = (secure ? httpsRequest : httpRequest)(target, {
        method: "POST",
        agent: secure ? this.httpsAgent : this.httpAgent,
        lookup: this.lookup,
        headers: {
          ...headers,
          "content-type": "application/json",
          "content-length": String(Buffer.byteLength(body)),
          "user-agent": "Rebound-Webhooks/1",
        },
      });
      const timer = setTimeout(
        () => req.destroy(new Error(`timed out after ${this.options.timeoutMs} ms`)),
        this.options.timeoutMs,
      );
      req.on("error", (err) => finish(null, err.message.slice(0, 500)));
      req.on("response", (res: IncomingMessage) => {
        let read = 0;
        res.on("data", (chunk: Buffer) => {
          read += chunk.length;
          // The status is all that counts; a receiver that talks on is cut off.
          if (read > MAX_RESPONSE_BYTES) {
            res.destroy();
            finish(res.statusCode ?? null, null);
          }
        });
        res.on("end", () => finish(res.statusCode ?? null, null));
        res.on("error", () => finish(res.statusCode ?? null, null));
        res.on("close", () => finish(res.statusCode ?? null, null));
      });
      req.end(body);
    });
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}
