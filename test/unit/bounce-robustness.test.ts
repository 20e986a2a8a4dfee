// Bad input never throws out of the library and always gets a well-formed answer, quickly.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  analyzeMessage,
  analyzeSmtpReply,
  BOUNCE_REASONS,
  splitMbox,
  type MessageAnalysis,
} from "../../src/core/bounce";

function expectWellFormed(a: MessageAnalysis): void {
  expect(["bounce", "feedback", "vacation", "delivery", "unknown"]).toContain(a.kind);
  expect(Array.isArray(a.diagnoses)).toBe(true);
  if (!a.diagnoses.length) expect(typeof a.error).toBe("string");
  for (const d of a.diagnoses) {
    expect(BOUNCE_REASONS).toContain(d.reason);
    expect(typeof d.recipient).toBe("string");
    expect(typeof d.hardBounce).toBe("boolean");
    expect(d.evidence.length).toBeGreaterThan(0);
  }
}

function timed<T>(fn: () => T): [T, number] {
  const t0 = performance.now();
  const r = fn();
  return [r, performance.now() - t0];
}

const fixtures = resolve(__dirname, "../fixtures/bounces");
const dsn = readFileSync(join(fixtures, "postfix-dsn-user-unknown.eml"), "latin1");

describe("hostile and broken input", () => {
  it("empty input gives an error, not an exception", () => {
    for (const raw of ["", "   \n\n", new Uint8Array(0)]) {
      const a = analyzeMessage(raw);
      expectWellFormed(a);
      expect(a.error).toMatch(/empty/);
    }
  });

  it("binary garbage gives a well-formed answer", () => {
    const bytes = new Uint8Array(64 * 1024);
    let x = 12345;
    for (let i = 0; i < bytes.length; i++) bytes[i] = (x = (x * 1103515245 + 12345) & 0x7fffffff) & 0xff;
    expectWellFormed(analyzeMessage(bytes));
  });

  it("truncated MIME (a multipart cut mid-part) still yields what is there", () => {
    const cut = dsn.slice(0, dsn.indexOf("Last-Attempt-Date"));
    const a = analyzeMessage(cut);
    expectWellFormed(a);
    expect(a.diagnoses[0]?.recipient).toBe("bob@receiver.example");
  });

  it("a multipart nested 1,000 deep is read within its limits, fast", () => {
    let body = "Content-Type: text/plain\n\nUser unknown\n";
    for (let i = 0; i < 1000; i++)
      body = `Content-Type: multipart/mixed; boundary="b${i}"\n\n--b${i}\n${body}--b${i}--\n`;
    const [a, ms] = timed(() => analyzeMessage(`From: MAILER-DAEMON@x.example\nSubject: Undeliverable\n${body}`));
    expectWellFormed(a);
    expect(ms).toBeLessThan(1000);
  });

  it("a 20 MB message is answered in bounded time", () => {
    const big = dsn.replace("Hello\n", "Hello\n") + "X".repeat(20 * 1024 * 1024);
    const [a, ms] = timed(() => analyzeMessage(big));
    expectWellFormed(a);
    expect(a.diagnoses[0]?.reason).toBe("userunknown");
    expect(ms).toBeLessThan(2000);
  });

  it("invalid charsets and broken encodings fall back instead of throwing", () => {
    const raw = [
      "From: MAILER-DAEMON@x.example",
      "Subject: =?x-unknown-charset?B?!!!notbase64?= =?utf-8?Q?caf=C3=A9?=",
      "Content-Type: text/plain; charset=x-klingon",
      "Content-Transfer-Encoding: base64",
      "",
      "PGFAYi5leGFtcGxlPjoKNTUwIDUuMS4xIFVzZXIgdW5rbm93bgo=%%%***",
      "",
    ].join("\n");
    const a = analyzeMessage(raw);
    expectWellFormed(a);
    expect(a.diagnoses[0]).toMatchObject({ recipient: "a@b.example", reason: "userunknown" });
  });

  it("analyzeSmtpReply never throws, whatever it is given", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 500 }), fc.option(fc.string({ maxLength: 50 })), (text, rcpt) => {
        const d = analyzeSmtpReply(text, rcpt);
        expect(BOUNCE_REASONS).toContain(d.reason);
      }),
      { numRuns: 300 },
    );
  });
});

const corpus = resolve(__dirname, "../../../shared/corpus/bounces/emails");
const samples: Uint8Array[] = existsSync(corpus)
  ? readdirSync(corpus)
      .sort()
      .filter((_, i) => i % 4 === 0)
      .flatMap((f) => splitMbox(readFileSync(join(corpus, f)) as Uint8Array))
  : readdirSync(fixtures)
      .sort()
      .map((f) => readFileSync(join(fixtures, f)) as Uint8Array);

describe("property: mutated real messages always get a well-formed answer in bounded time", () => {
  const mutation = fc.record({
    index: fc.nat(),
    edits: fc.array(
      fc.oneof(
        fc.record({ kind: fc.constant("flip" as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
        fc.record({ kind: fc.constant("cut" as const), at: fc.nat() }),
        fc.record({ kind: fc.constant("dup" as const), at: fc.nat(), len: fc.integer({ min: 1, max: 4096 }) }),
        fc.record({
          kind: fc.constant("insert" as const),
          at: fc.nat(),
          text: fc.constantFrom(
            "\n--",
            "=?utf-8?B?",
            "Content-Type: multipart/mixed; boundary=x\n",
            "\r\n\r\n",
            "=\n",
            "\x1b$B",
            "\0\0\0",
          ),
        }),
      ),
      { maxLength: 8 },
    ),
  });

  it(`over ${samples.length} ${existsSync(corpus) ? "corpus" : "fixture"} messages`, () => {
    fc.assert(
      fc.property(mutation, ({ index, edits }) => {
        let b = Buffer.from(samples[index % samples.length]);
        for (const e of edits) {
          const at = b.length ? e.at % b.length : 0;
          if (e.kind === "flip" && b.length) b[at] = e.byte;
          else if (e.kind === "cut") b = b.subarray(0, at);
          else if (e.kind === "dup") b = Buffer.concat([b.subarray(0, at), b.subarray(at, at + e.len), b.subarray(at)]);
          else if (e.kind === "insert")
            b = Buffer.concat([b.subarray(0, at), Buffer.from(e.text, "latin1"), b.subarray(at)]);
        }
        const [a, ms] = timed(() => analyzeMessage(b));
        expectWellFormed(a);
        expect(ms).toBeLessThan(250);
      }),
      { numRuns: 400 },
    );
  });
});
