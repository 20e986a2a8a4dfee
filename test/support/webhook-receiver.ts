// A real webhook receiver on loopback, the way an integrator writes one: every request is
// verified with the standardwebhooks package's Webhook.verify (an implementation independent
// of the server's), and deduplicated on webhook-id. Its behaviour can be switched while the
// test runs: answer 2xx, answer a given status (503, 410, a redirect), or refuse connections.

import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { Webhook } from "standardwebhooks";

export interface ReceivedWebhook {
  id: string;
  timestamp: string;
  signature: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** Verified with at least one of the receiver's secrets. */
  verified: boolean;
  /** The secrets (by index in `secrets`) that verify it alone. */
  verifiedBy: number[];
  /** What the receiver answered. */
  answered: number;
  receivedAt: number;
}

export type ReceiverMode =
  | { kind: "ok"; delayMs?: number }
  | { kind: "status"; status: number; headers?: Record<string, string> }
  /** Read the request, never answer (an attempt stays in flight until the sender gives up). */
  | { kind: "hang" };

export interface WebhookReceiver {
  url: string;
  port: number;
  /** Every request, in arrival order (failed answers included). */
  requests: ReceivedWebhook[];
  /** Requests answered 2xx, one per webhook-id (the first). */
  delivered(): Map<string, ReceivedWebhook>;
  /** Requests read and left unanswered in "hang" mode. */
  hung: number;
  /** Secrets to verify with (set after createWebhookSubscription / rotateWebhookSecret). */
  secrets: string[];
  setMode(mode: ReceiverMode): void;
  /** Stop listening (connections are refused) ... */
  refuse(): Promise<void>;
  /** ... and listen again on the same port. */
  listen(): Promise<void>;
  waitFor(predicate: () => boolean, timeoutMs?: number, what?: string): Promise<void>;
  close(): Promise<void>;
}

export function verifyWith(secret: string, body: string, headers: IncomingHttpHeaders): boolean {
  try {
    new Webhook(secret).verify(body, {
      "webhook-id": String(headers["webhook-id"]),
      "webhook-timestamp": String(headers["webhook-timestamp"]),
      "webhook-signature": String(headers["webhook-signature"]),
    });
    return true;
  } catch {
    return false;
  }
}

export async function startWebhookReceiver(path = "/hooks"): Promise<WebhookReceiver> {
  let mode: ReceiverMode = { kind: "ok" };
  const requests: ReceivedWebhook[] = [];
  const sockets = new Set<Socket>();
  let server: Server | null = null;
  let port = 0;
  const receiver: WebhookReceiver = {
    url: "",
    port: 0,
    requests,
    hung: 0,
    secrets: [],
    delivered() {
      const out = new Map<string, ReceivedWebhook>();
      for (const r of requests) if (r.answered < 300 && !out.has(r.id)) out.set(r.id, r);
      return out;
    },
    setMode(m) {
      mode = m;
    },
    async refuse() {
      const s = server;
      server = null;
      if (!s) return;
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((r) => s.close(() => r()));
    },
    async listen() {
      const s = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
          const current = mode;
          if (current.kind === "hang") {
            receiver.hung++;
            return;
          }
          const body = Buffer.concat(chunks).toString("utf8");
          const verifiedBy = receiver.secrets.flatMap((secret, i) =>
            verifyWith(secret, body, req.headers) ? [i] : [],
          );
          const answered = current.kind === "ok" ? 200 : current.status;
          const record = {
            id: String(req.headers["webhook-id"]),
            timestamp: String(req.headers["webhook-timestamp"]),
            signature: String(req.headers["webhook-signature"]),
            headers: req.headers,
            body,
            verified: verifiedBy.length > 0,
            verifiedBy,
            answered,
            receivedAt: Date.now(),
          };
          const answer = () => {
            requests.push(record);
            res.writeHead(answered, current.kind === "status" ? (current.headers ?? {}) : {});
            res.end(answered < 300 ? "ok" : "no");
          };
          if (current.kind === "ok" && current.delayMs) setTimeout(answer, current.delayMs);
          else answer();
        });
      });
      s.on("connection", (socket) => {
        sockets.add(socket);
        socket.once("close", () => sockets.delete(socket));
      });
      await new Promise<void>((resolve, reject) => {
        s.once("error", reject);
        s.listen(port, "127.0.0.1", () => resolve());
      });
      port = (s.address() as AddressInfo).port;
      receiver.port = port;
      receiver.url = `http://127.0.0.1:${port}${path}`;
      server = s;
    },
    async waitFor(predicate, timeoutMs = 15_000, what = "condition") {
      const started = Date.now();
      while (!predicate()) {
        if (Date.now() - started > timeoutMs)
          throw new Error(`timed out waiting for ${what}; received ${requests.length} requests`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    close() {
      return receiver.refuse();
    },
  };
  await receiver.listen();
  return receiver;
}
