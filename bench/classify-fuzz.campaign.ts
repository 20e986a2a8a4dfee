// A long fuzz campaign over the classifier (`npm run fuzz:classify -- [inputs]`, default one
// million): random messages from generators of the shapes that have been super-linear before
// (many addresses on a line, repeated "a@b.", deep MIME nesting, long folded headers) mixed with
// DSNs of random fields and plain random text. Every input must classify without throwing, and
// the campaign reports the slowest inputs per kilobyte, the measure that exposes super-linear
// work (a linear reader spends about the same time per kilobyte on every shape). It also
// prints a digest of every answer: a change meant to keep results (a speed-up) keeps it.
import { createHash } from "node:crypto";
import fc from "fast-check";
import { analyzeMessage } from "../src/core/bounce";

const total = Number(process.argv[2] ?? 1_000_000);
const seed = Number(process.argv[3] ?? 20261207);

const word = fc.stringMatching(/^[a-z][a-z0-9.+-]{0,10}$/);
const host = fc.constantFrom(
  "example.com",
  "mx.example.net",
  "a.b.example.org",
  "xn--bcher-kva.example",
  "[192.0.2.1]",
);
const address = fc.tuple(word, host).map(([l, h]) => `${l}@${h}`);
const code = fc.constantFrom("550", "554", "552", "451", "421", "250", "553", "5", "");
const status = fc.constantFrom(
  "5.1.1",
  "4.2.2",
  "5.7.1",
  "5.1.10",
  "4.4.7",
  "2.0.0",
  "5.0.0",
  "9.9.9",
  "5.1.1 (comment)",
  "",
);
const text = fc.string({ unit: "binary", maxLength: 200 });
const size = fc.oneof(
  { weight: 20, arbitrary: fc.integer({ min: 1, max: 50 }) },
  { weight: 1, arbitrary: fc.integer({ min: 50, max: 3000 }) },
);

const HEAD =
  "From: Mail Delivery System <MAILER-DAEMON@mx.example.net>\nTo: sender@example.org\nSubject: Undelivered Mail Returned to Sender\n";

const shapes: Array<fc.Arbitrary<string>> = [
  // many addresses on one line, with separators and angle brackets
  fc
    .tuple(fc.array(address, { minLength: 1, maxLength: 3 }), size, fc.constantFrom(" ", ", ", "; ", " <", "> ", ""))
    .map(
      ([as, n, sep]) =>
        HEAD +
        "\n" +
        Array.from({ length: n * 4 }, (_, i) => as[i % as.length]).join(sep) +
        "\n550 5.1.1 user unknown\n",
    ),
  // repeated fragments that look almost like addresses
  fc
    .tuple(fc.constantFrom("a@b.", "a@b.c", "x.y@b.", "@b.a", "a.@b.", "<a@b.>", "@@", "a@", ".@."), size, fc.boolean())
    .map(([unit, n, head]) => (head ? HEAD + "\n" : "") + unit.repeat(n * 20) + "\n"),
  // deep MIME nesting, boundaries closed or not
  fc.tuple(fc.integer({ min: 1, max: 200 }), fc.boolean(), text).map(([depth, close, body]) => {
    let msg = `${body}\n`;
    for (let d = depth; d > 0; d--) {
      const b = `b${d}`;
      msg = `Content-Type: multipart/mixed; boundary="${b}"\n\n--${b}\n${msg}${close ? `--${b}--\n` : ""}`;
    }
    return HEAD + msg;
  }),
  // long folded headers
  fc
    .tuple(size, fc.constantFrom(" ", "\t", " =?utf-8?q?x?= "), word)
    .map(([n, fold, w]) => `Subject: ${(w + "\n" + fold).repeat(n * 10)}\n${HEAD}\nbody\n`),
  // a DSN with random fields
  fc
    .tuple(fc.array(fc.tuple(address, status, code, text), { minLength: 1, maxLength: 30 }), fc.boolean())
    .map(([rows, crlf]) => {
      const groups = rows.map(
        ([a, s, c, t]) =>
          `Final-Recipient: rfc822; ${a}\nAction: failed\nStatus: ${s}\nDiagnostic-Code: smtp; ${c} ${s} ${t}\n`,
      );
      const msg = `${HEAD}Content-Type: multipart/report; report-type=delivery-status; boundary="r"\n\n--r\nContent-Type: text/plain\n\nfailed\n\n--r\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.net\n\n${groups.join("\n")}\n--r--\n`;
      return crlf ? msg.replace(/\n/g, "\r\n") : msg;
    }),
  // SMTP transcript lines
  fc
    .array(fc.tuple(code, status, address, text), { minLength: 1, maxLength: 60 })
    .map(
      (lines) =>
        HEAD +
        "\n" +
        lines
          .map(([c, s, a, t]) => `<${a}>: host mx said: ${c}-${s} ${t}\n${c} ${s} ${t} (in reply to RCPT TO command)`)
          .join("\n"),
    ),
  // anything at all
  fc.string({ unit: "binary", maxLength: 4000 }),
];

const input = fc.oneof(...shapes);
const slowest: Array<{ msPerKb: number; ms: number; bytes: number; message: string }> = [];
let done = 0;
let bytes = 0;
let errors = 0;
const started = performance.now();
const batch = 10_000;
let run = seed;
const digest = createHash("sha256");
while (done < total) {
  for (const message of fc.sample(input, { numRuns: Math.min(batch, total - done), seed: run++ })) {
    const t0 = performance.now();
    try {
      digest.update(JSON.stringify(analyzeMessage(message)) + "\n");
    } catch (err) {
      errors++;
      if (errors <= 5) console.error(`threw on input ${done}: ${String(err)}`);
    }
    const ms = performance.now() - t0;
    const kb = Math.max(message.length, 1024) / 1024;
    bytes += message.length;
    done++;
    const msPerKb = ms / kb;
    if (slowest.length < 50 || msPerKb > slowest[slowest.length - 1].msPerKb) {
      slowest.push({ msPerKb, ms, bytes: message.length, message });
      slowest.sort((a, b) => b.msPerKb - a.msPerKb);
      slowest.length = Math.min(slowest.length, 50);
    }
  }
  if (done % 100_000 === 0)
    console.log(
      `${done} inputs, ${(bytes / 1e6).toFixed(0)} MB, ${((performance.now() - started) / 1000).toFixed(0)} s`,
    );
}
console.log(
  `\n${done} inputs (${(bytes / 1e6).toFixed(1)} MB) in ${((performance.now() - started) / 1000).toFixed(0)} s, ${errors} threw`,
);
console.log(`answers' digest (seed ${seed}): sha256 ${digest.digest("hex")}`);
// A single slow run may be a garbage collection or a compilation that happened to land on
// it: each of the slowest is timed again (median of 7), which is the figure that counts.
function medianMs(message: string): number {
  const times: number[] = [];
  for (let i = 0; i < 7; i++) {
    const t0 = performance.now();
    analyzeMessage(message);
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[3];
}
const retimed = slowest
  .map((s) => ({ ...s, again: medianMs(s.message) / (Math.max(s.bytes, 1024) / 1024) }))
  .sort((a, b) => b.again - a.again);
console.log(
  `the ${slowest.length} slowest per kilobyte as first seen, timed again; the 5 slowest (inputs under 1 KB count as 1 KB):`,
);
for (const s of retimed.slice(0, 5)) {
  console.log(
    `  ${s.again.toFixed(2)} ms/KB again, ${s.msPerKb.toFixed(2)} ms/KB once  (${s.bytes} bytes)  ${JSON.stringify(s.message.slice(0, 70))}`,
  );
}
process.exitCode = errors > 0 ? 1 : 0;
