import { isWellFormedApiKey } from "../../core/api-key-format";

// What the transports say when a caller is not authenticated: every case is UNAUTHENTICATED
// (HTTP 401, WebSocket close 4403) with a message that says what was expected. Introspection
// (__schema, __type, __typename) needs no key: the schema is public (it is schema.graphql in
// the repository), and the explorer and code generators read it before a key is at hand.

export const NO_KEY_MESSAGE =
  "No API key: send the header Authorization: Bearer <api key> (keys start with rbk_). Only introspection works without a key.";
export const MALFORMED_HEADER_MESSAGE =
  'The Authorization header must be "Bearer <api key>": the word Bearer, one space, then the key (it starts with rbk_).';
export const MALFORMED_KEY_MESSAGE =
  "The API key is malformed: a key is rbk_ followed by 39 letters and digits, exactly as it was shown when created.";
export const UNKNOWN_KEY_MESSAGE =
  "The API key is unknown or revoked: use a current key (createApiKey, or `rebound tenant create` for a new tenant).";

/** The token of an "Authorization: Bearer <token>" value; null when absent, "" when malformed. */
export function bearerToken(header: string | string[] | undefined | null): string | null {
  if (header === undefined || header === null) return null;
  const value = Array.isArray(header) ? header[0] : header;
  if (typeof value !== "string" || value.trim() === "") return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(value.trim());
  return match ? match[1] : "";
}

/** Why a token given (bearerToken's result, not null) was refused, once the look-up found nobody. */
export function refusalMessage(token: string): string {
  if (token === "") return MALFORMED_HEADER_MESSAGE;
  if (!isWellFormedApiKey(token)) return MALFORMED_KEY_MESSAGE;
  return UNKNOWN_KEY_MESSAGE;
}

/** The same, as a WebSocket close reason (at most 123 bytes) for a connection_init refused. */
export function socketRefusalReason(token: string | null): string {
  if (token === null) return 'No API key: send {"authorization": "Bearer <api key>"} as the connection_init payload';
  if (token === "") return 'authorization must be "Bearer <api key>" (the key starts with rbk_)';
  if (!isWellFormedApiKey(token)) return "The API key is malformed: rbk_ followed by 39 letters and digits";
  return "The API key is unknown or revoked";
}
