import { createClient, type Client } from "graphql-ws";
import WebSocket from "ws";

/** A real graphql-ws client; resolves when the socket closes with its close code. */
export function wsClient(url: string, apiKey: string | null, extra: Record<string, unknown> = {}) {
  let resolveClosed!: (code: number) => void;
  const closed = new Promise<number>((r) => (resolveClosed = r));
  const client: Client = createClient({
    url,
    webSocketImpl: WebSocket,
    lazy: false,
    retryAttempts: 0,
    connectionParams: apiKey === null ? {} : { authorization: `Bearer ${apiKey}`, ...extra },
    on: { closed: (event) => resolveClosed((event as { code: number }).code) },
    onNonLazyError: () => undefined,
  });
  return {
    client,
    closed,
    /** Runs one query or mutation over the socket. */
    request<T = any>(query: string, variables?: Record<string, unknown>): Promise<{ data?: T; errors?: any[] }> {
      return new Promise((resolve, reject) => {
        let result: { data?: T; errors?: any[] } = {};
        client.subscribe<T>(
          { query, variables },
          {
            next: (value) => (result = value as { data?: T; errors?: any[] }),
            error: (err) => (Array.isArray(err) ? resolve({ errors: err }) : reject(err)),
            complete: () => resolve(result),
          },
        );
      });
    },
    dispose: () => client.dispose(),
  };
}
