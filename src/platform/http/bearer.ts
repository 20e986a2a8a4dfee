/** The token of an "Authorization: Bearer <token>" value; null when absent, "" when malformed. */
export function bearerToken(header: string | string[] | undefined | null): string | null {
  if (header === undefined || header === null) return null;
  const value = Array.isArray(header) ? header[0] : header;
  if (typeof value !== "string" || value.trim() === "") return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(value.trim());
  return match ? match[1] : "";
}
