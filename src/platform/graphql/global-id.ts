// Opaque, type-tagged ids (Relay Global Object Identification). Clients must treat them as
// opaque; the encoding is base64url("<Type>:<uuid>") and may change.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function toGlobalId(type: string, id: string): string {
  return Buffer.from(`${type}:${id}`, "utf8").toString("base64url");
}

/** The uuid behind a global id of the given type, or null for anything else (never throws). */
export function fromGlobalId(globalId: string, expectedType?: string): { type: string; id: string } | null {
  if (typeof globalId !== "string" || globalId.length > 200) return null;
  const decoded = Buffer.from(globalId, "base64url").toString("utf8");
  const sep = decoded.indexOf(":");
  if (sep <= 0) return null;
  const type = decoded.slice(0, sep);
  const id = decoded.slice(sep + 1);
  if (!UUID.test(id)) return null;
  if (expectedType && type !== expectedType) return null;
  return { type, id };
}

/** The uuid behind a global id of the given type, or null: a wrong id is simply not found. */
export function uuidOf(globalId: string | null | undefined, type: string): string | null {
  return globalId ? (fromGlobalId(globalId, type)?.id ?? null) : null;
}
