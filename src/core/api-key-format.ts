import { crc32 } from "node:zlib";

// API key format, GitHub-style: an identifiable prefix, 192 random bits in base62, and a
// CRC32 checksum in base62, so junk and typos are rejected before any database look-up and
// secret scanners can recognise a leaked key. Randomness is an argument: this stays pure.

export const API_KEY_PREFIX = "rbk_";
const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const BODY_LENGTH = 33; // ceil(192 / log2(62))
const CHECKSUM_LENGTH = 6; // 62^6 > 2^32
export const API_KEY_PATTERN = /^rbk_[0-9A-Za-z]{39}$/;

function base62(value: bigint, width: number): string {
  let out = "";
  for (let i = 0; i < width; i++) {
    out = ALPHABET[Number(value % 62n)] + out;
    value /= 62n;
  }
  return out;
}

function checksum(body: string): string {
  return base62(BigInt(crc32(body)), CHECKSUM_LENGTH);
}

/** Formats 24 random bytes as a key. */
export function formatApiKey(randomBytes: Uint8Array): string {
  if (randomBytes.length !== 24) throw new Error("an API key needs exactly 24 random bytes");
  const body = base62(BigInt("0x" + Buffer.from(randomBytes).toString("hex")), BODY_LENGTH);
  return API_KEY_PREFIX + body + checksum(body);
}

/** True when the string has the key's shape and its checksum holds. */
export function isWellFormedApiKey(key: string): boolean {
  if (typeof key !== "string" || !API_KEY_PATTERN.test(key)) return false;
  const body = key.slice(API_KEY_PREFIX.length, API_KEY_PREFIX.length + BODY_LENGTH);
  return key.slice(-CHECKSUM_LENGTH) === checksum(body);
}

/** What may be shown of a key after creation: enough to recognise it, useless to an attacker. */
export function displayPrefix(key: string): string {
  return key.slice(0, API_KEY_PREFIX.length + 6);
}
