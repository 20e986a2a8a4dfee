import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { lintDkimRecord } from "../../../src/core/dns/dkim-record";

const rsa = (bits: number) =>
  generateKeyPairSync("rsa", { modulusLength: bits })
    .publicKey.export({ format: "der", type: "spki" })
    .toString("base64");
const ed25519 = () => {
  const der = generateKeyPairSync("ed25519").publicKey.export({ format: "der", type: "spki" });
  return der.subarray(der.length - 32).toString("base64"); // RFC 8463: the raw 32-byte key
};
const K512 = rsa(512);
const K1024 = rsa(1024);
const K2048 = rsa(2048);

const status = (record: string | null, id: string) =>
  lintDkimRecord("s1", "example.com", record).checks.find((c) => c.id === `dkim.s1.${id}`)?.status;

describe("DKIM key records (RFC 6376 3.6.1)", () => {
  it("passes a 2048-bit RSA key and reports its size", () => {
    const lint = lintDkimRecord("s1", "example.com", `v=DKIM1; k=rsa; p=${K2048}`);
    expect(lint).toMatchObject({ status: "PASS", key: { keyType: "rsa", bits: 2048 } });
  });

  it.each([
    [512, "FAIL"],
    [1024, "WARN"],
    [2048, "PASS"],
  ] as const)("judges a %i-bit RSA key %s", (bits, expected) => {
    const key = bits === 512 ? K512 : bits === 1024 ? K1024 : K2048;
    expect(status(`v=DKIM1; p=${key}`, "key-size")).toBe(expected);
  });

  it("accepts an ed25519 key of 32 bytes", () => {
    expect(lintDkimRecord("s1", "example.com", `v=DKIM1; k=ed25519; p=${ed25519()}`)).toMatchObject({
      status: "PASS",
      key: { keyType: "ed25519", bits: 256 },
    });
  });

  it("warns about spaces and line breaks pasted into p= but still reads the key", () => {
    const pasted = `v=DKIM1; k=rsa; p=${K2048.slice(0, 64)}\n ${K2048.slice(64, 200)} ${K2048.slice(200)}`;
    const lint = lintDkimRecord("s1", "example.com", pasted);
    expect(status(pasted, "key-whitespace")).toBe("WARN");
    expect(lint.key).toEqual({ keyType: "rsa", bits: 2048 });
  });

  it("fails quotes pasted from a zone file as not base64", () => {
    const record = `v=DKIM1; p=${K2048.slice(0, 100)}" "${K2048.slice(100)}`;
    expect(lintDkimRecord("s1", "example.com", record).checks.find((c) => c.id === "dkim.s1.key")).toMatchObject({
      status: "FAIL",
      problem: expect.stringMatching(/"\\""/),
    });
  });

  it("fails a truncated key", () => {
    expect(status(`v=DKIM1; p=${K2048.slice(0, 150)}`, "key")).toBe("FAIL");
  });

  it("fails a revoked key (empty p=) and a missing p=", () => {
    expect(status("v=DKIM1; p=", "key")).toBe("FAIL");
    expect(status("v=DKIM1; k=rsa", "key")).toBe("FAIL");
  });

  it.each([
    [`v=DKIM2; p=${K2048}`, "version", "FAIL"],
    [`k=rsa; v=DKIM1; p=${K2048}`, "version", "FAIL"],
    [`p=${K2048}`, "version", "WARN"],
    [`v=DKIM1; k=dsa; p=${K2048}`, "key-type", "FAIL"],
    [`v=DKIM1; h=sha1; p=${K2048}`, "hash", "FAIL"],
    [`v=DKIM1; s=web; p=${K2048}`, "service", "FAIL"],
    [`v=DKIM1; t=y; p=${K2048}`, "testing", "WARN"],
  ] as const)("%s: %s is %s", (record, id, expected) => {
    expect(status(record, id)).toBe(expected);
  });

  it("fails a repeated tag as a malformed record", () => {
    expect(status(`v=DKIM1; p=${K2048}; p=${K2048}`, "syntax")).toBe("FAIL");
  });

  it("fails when there is no record at the selector, naming where it should be", () => {
    expect(lintDkimRecord("s1", "example.com", null).checks[0]).toMatchObject({
      status: "FAIL",
      problem: expect.stringContaining("s1._domainkey.example.com"),
    });
  });
});
