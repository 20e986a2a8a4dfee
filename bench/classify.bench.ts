// npm run bench:classify — messages/s of the bounce classifier over the corpus (in-process,
// repeated to at least 5,000 messages) against Sisimai, the reference Perl analyzer, run
// once over the same files as one process (its rate includes its start-up, as a user
// would run it). Target: at least 10x Sisimai's rate.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { analyzeMessage, splitMbox } from "../src/core/bounce";

const repoRoot = resolve(__dirname, "..");
const corpus = resolve(repoRoot, "../shared/corpus/bounces/emails");
const MIN_MESSAGES = 5000;

function corpusFiles(): string[] {
  if (!existsSync(corpus)) {
    console.error(`bench:classify: corpus not found at ${corpus}`);
    process.exit(1);
  }
  return readdirSync(corpus).filter((f) => f.endsWith(".eml")).sort().map((f) => join(corpus, f));
}

function benchRebound(files: string[]): { messages: number; seconds: number; rate: number } {
  const messages = files.flatMap((f) => splitMbox(readFileSync(f) as Uint8Array));
  // Warm-up: let V8 compile the hot paths before timing.
  for (const m of messages) analyzeMessage(m);
  const rounds = Math.ceil(MIN_MESSAGES / messages.length);
  let n = 0;
  let sink = 0;
  const t0 = process.hrtime.bigint();
  for (let r = 0; r < rounds; r++) {
    for (const m of messages) {
      sink += analyzeMessage(m).diagnoses.length;
      n++;
    }
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (sink < 0) console.log(sink);
  return { messages: n, seconds, rate: n / seconds };
}

function ensureSisimai(): boolean {
  if (spawnSync("perl", ["-MSisimai", "-e1"]).status === 0) return true;
  console.error("bench:classify: Sisimai missing, installing libsisimai-perl with apt-get...");
  const sudo = process.getuid?.() === 0 ? [] : ["sudo"];
  const install = spawnSync(sudo.length ? "sudo" : "apt-get", [...(sudo.length ? ["apt-get"] : []), "install", "-y", "libsisimai-perl"], { stdio: "inherit" });
  if (install.status !== 0) spawnSync(sudo.length ? "sudo" : "apt-get", [...(sudo.length ? ["apt-get"] : []), "update"], { stdio: "inherit" });
  if (install.status !== 0) spawnSync(sudo.length ? "sudo" : "apt-get", [...(sudo.length ? ["apt-get"] : []), "install", "-y", "libsisimai-perl"], { stdio: "inherit" });
  return spawnSync("perl", ["-MSisimai", "-e1"]).status === 0;
}

// Reads every file (each may be an mbox) with Sisimai->rise, counting messages it decoded.
const PERL = String.raw`
use strict; use warnings; use Sisimai; use Time::HiRes qw(time);
my @files = @ARGV; my ($messages, $results) = (0, 0);
my $t0 = time;
for my $f (@files) {
  my $v = Sisimai->make($f, 'delivered' => 1, 'vacation' => 1) || [];
  $results += scalar @$v;
  $messages++;
}
printf "%d %d %.6f\n", $messages, $results, time - $t0;
`;

function benchSisimai(files: string[]): { messages: number; seconds: number; rate: number; version: string } | null {
  if (!ensureSisimai()) return null;
  const dir = mkdtempSync(join(tmpdir(), "rebound-bench-"));
  const script = join(dir, "sisimai-bench.pl");
  writeFileSync(script, PERL);
  const version = execFileSync("perl", ["-MSisimai", "-e", "print $Sisimai::VERSION"]).toString().trim();
  const messages = files.reduce((n, f) => n + splitMbox(readFileSync(f) as Uint8Array).length, 0);
  // Timed from outside: the whole process, start-up included, as the figures are.
  const t0 = process.hrtime.bigint();
  const out = execFileSync("perl", [script, ...files], { maxBuffer: 16 * 1024 * 1024 }).toString().trim();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const inside = Number(out.split(" ")[2]);
  console.log(`sisimai:  ${version}, ${files.length} files, in-process ${(messages / inside).toFixed(0)} msg/s (${inside.toFixed(3)} s without start-up)`);
  return { messages, seconds, rate: messages / seconds, version };
}

function main(): void {
  const files = corpusFiles();
  const r = benchRebound(files);
  console.log(`rebound:  ${r.messages} messages in ${r.seconds.toFixed(3)} s = ${r.rate.toFixed(0)} msg/s (in-process, corpus repeated)`);
  const s = benchSisimai(files);
  if (!s) {
    console.log("sisimai:  not available (apt-get install libsisimai-perl failed); ratio not computed");
    return;
  }
  console.log(`sisimai:  ${s.messages} messages in ${s.seconds.toFixed(3)} s = ${s.rate.toFixed(0)} msg/s (one perl process over the same files)`);
  const ratio = r.rate / s.rate;
  console.log(`ratio:    ${ratio.toFixed(1)}x Sisimai (target >= 10x) ${ratio >= 10 ? "OK" : "BELOW TARGET"}`);
}

main();
