import type { IncomingMessage, ServerResponse } from "node:http";

/** A plain HTTP endpoint beside GraphQL (ESP webhooks). */
export interface Route {
  /** Path parameters when the route takes this request, else null. */
  match(method: string, pathname: string): Record<string, string> | null;
  handle(req: IncomingMessage, res: ServerResponse, params: Record<string, string>): Promise<void>;
}
