// DKIM/DMARC tag=value lists (RFC 6376 3.2, RFC 7489 6.4): tags separated by ";", spaces
// around names and values ignored, a trailing ";" allowed, a repeated tag invalid.

export type TagListParse =
  { ok: true; tags: Array<{ name: string; value: string }>; map: Map<string, string> } | { ok: false; error: string };

export function parseTagList(text: string): TagListParse {
  const tags: Array<{ name: string; value: string }> = [];
  const map = new Map<string, string>();
  const parts = text.split(";");
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if (part.trim() === "") {
      if (i === parts.length - 1) continue; // trailing ";"
      return { ok: false, error: "empty tag between two ';'" };
    }
    const eq = part.indexOf("=");
    if (eq === -1) return { ok: false, error: `"${part.trim()}" is not a tag=value pair` };
    const name = part.slice(0, eq).trim();
    if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(name)) return { ok: false, error: `"${name}" is not a valid tag name` };
    const value = part.slice(eq + 1).trim();
    if (map.has(name)) return { ok: false, error: `tag "${name}" appears more than once` };
    map.set(name, value);
    tags.push({ name, value });
  }
  return { ok: true, tags, map };
}
