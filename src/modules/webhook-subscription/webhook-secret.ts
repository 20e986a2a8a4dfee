import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

// Signing secrets: Standard Webhooks' "whsec_" + base64 of 24 random bytes (192 bits). HMAC
// signing needs the secret itself, so it is stored encrypted (AES-256-GCM under a key made
// from REBOUND_WEBHOOK_SECRET_KEY), never hashed, and never returned after creation or rotation.

export function newSigningSecret(): string {
  return `whsec_${randomBytes(24).toString("base64")}`;
}

function keyOf(secretKey: string): Buffer {
  return createHash("sha256").update(`rebound webhook secrets\0${secretKey}`).digest();
}

/** "v1." + base64url(iv | tag | ciphertext). */
export function encryptSecret(secret: string, secretKey: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", keyOf(secretKey), iv);
  const sealed = Buffer.concat([cipher.update(secret, "utf8"), cipher.final()]);
  return `v1.${Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString("base64url")}`;
}

export function decryptSecret(stored: string, secretKey: string): string {
  if (!stored.startsWith("v1.")) throw new Error("unknown secret encoding");
  const raw = Buffer.from(stored.slice(3), "base64url");
  const decipher = createDecipheriv("aes-256-gcm", keyOf(secretKey), raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8");
}
