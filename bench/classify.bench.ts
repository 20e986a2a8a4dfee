// npm run bench:classify — messages/s of the bounce classifier over the corpus against
// Sisimai, the reference Perl analyzer, measured the same way for both:
//
//  * each analyzer is loaded once and warmed up (passes over the whole file set before
//    anything is timed: V8 optimises the hot paths over ~20,000 messages, Perl fills its
//    caches);
//  * then ROUNDS timed rounds, each a parse of the whole file set repeated until it lasts at
//    least ROUND_SECONDS (and, for the classifier, at least 5,000 messages); the rounds of the
//    two analyzers alternate, so a burst of load on this shared machine hits both alike;
//  * the median round is reported (with the spread), start-up excluded; Sisimai's
//    whole-process rate (perl start-up and module loading included, one pass, as a user
//    would run it) is printed for reference;
//  * then both as a user runs them, whole processes on one folder of 6,000+ files (start-up
//    included): `rebound classify --jsonl DIR` and a perl process that runs Sisimai on each
//    file of the same folder and prints its JSON (`Sisimai->dump`), each writing its output
//    to a file (the bytes written are printed: the volumes are alike).
//    Their CPU seconds are printed too (Linux): on a shared machine the wall-time ratio moves
//    with the other users' load, the CPU-time ratio much less.
//
// The machine's load average is printed before and after: a noisy run is visible.
// Target: at least 10x Sisimai's rate.
import { execFileSync, spawn, spawnSync, type ChildProcessWithoutNullStreams } from "node:child_process";
import {
  closeSync,
  copyFileSync,
  existsSync,
  fstatSync,
  linkSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { availableParallelism, cpus, loadavg, tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { analyzeMessage, splitMbox } from "../src/core/bounce";

const repoRoot = resolve(__dirname, "..");
const corpus = resolve(repoRoot, "../shared/corpus/bounces/emails");
const MIN_MESSAGES = 5000;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const ROUND_SECONDS = Number(process.env.BENCH_ROUND_SECONDS ?? 1);
const WARMUP_SECONDS = 1.5;
/**
 * V8 keeps optimising the classifier's functions for the first ~20,000 messages of a mixed
 * set (a function whose type feedback changed waits some hundred calls before it is
 * optimised, and each new kind of message changes some): "warmed" means past that, however
 * long it takes on a busy machine. Perl compiles nothing at run time: a pass warms it.
 */
const WARMUP_MESSAGES = 20_000;

interface Round {
  messages: number;
  seconds: number;
  cpuSeconds: number;
}

function corpusFiles(): string[] {
  if (!existsSync(corpus)) {
    console.error(`bench:classify: corpus not found at ${corpus}`);
    process.exit(1);
  }
  return readdirSync(corpus)
    .filter((f) => f.endsWith(".eml"))
    .sort()
    .map((f) => join(corpus, f));
}

const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(" ");
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

// ---------------------------------------------------------------------------------------
// Rebound, in this process

let sink = 0;
function reboundPass(messages: Uint8Array[]): void {
  for (const m of messages) sink += analyzeMessage(m).diagnoses.length;
}

function reboundWarmup(messages: Uint8Array[]): number {
  const t0 = performance.now();
  let passes = 0;
  while (passes * messages.length < WARMUP_MESSAGES || (performance.now() - t0) / 1000 < WARMUP_SECONDS) {
    reboundPass(messages);
    passes++;
  }
  return passes;
}

function reboundRound(messages: Uint8Array[]): Round {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let n = 0;
  while (n < MIN_MESSAGES || (performance.now() - t0) / 1000 < ROUND_SECONDS) {
    reboundPass(messages);
    n += messages.length;
  }
  const seconds = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  return { messages: n, seconds, cpuSeconds: c.user / 1e6 };
}

// ---------------------------------------------------------------------------------------
// Sisimai, in one long-lived perl process driven round by round over a pipe

function ensureSisimai(): boolean {
  if (spawnSync("perl", ["-MSisimai", "-e1"]).status === 0) return true;
  console.error("bench:classify: Sisimai missing, installing libsisimai-perl with apt-get...");
  const asRoot = process.getuid?.() === 0;
  const aptGet = (...args: string[]) =>
    spawnSync(asRoot ? "apt-get" : "sudo", asRoot ? args : ["apt-get", ...args], { stdio: "inherit" });
  if (aptGet("install", "-y", "libsisimai-perl").status !== 0) {
    aptGet("update");
    aptGet("install", "-y", "libsisimai-perl");
  }
  return spawnSync("perl", ["-MSisimai", "-e1"]).status === 0;
}

// Loads Sisimai once, then for each "warmup SECONDS" / "round SECONDS" line on stdin parses
// the whole file set (Sisimai->make on each file, as `sisimai` does) as many times as it
// takes to last that long, and answers "passes seconds cpu-seconds results".
const PERL = String.raw`
use strict; use warnings; use Sisimai; use Time::HiRes qw(time);
$| = 1;
my @files = @ARGV;
sub pass { my $r = 0; for my $f (@files) { my $v = Sisimai->make($f, 'delivered' => 1, 'vacation' => 1) || []; $r += scalar @$v; } return $r; }
print "ready\n";
while (my $line = <STDIN>) {
  my ($cmd, $min) = split ' ', $line;
  last if $cmd eq 'quit';
  my ($passes, $results) = (0, 0);
  my @c0 = times; my $t0 = time;
  while ($passes < 1 || time - $t0 < $min) { $results += pass(); $passes++; }
  my $t = time - $t0; my @c1 = times;
  printf "%d %.6f %.6f %d\n", $passes, $t, $c1[0] - $c0[0], $results;
}
`;

class Sisimai {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly lines: AsyncIterableIterator<string>;
  constructor(script: string, files: string[]) {
    this.child = spawn("perl", [script, ...files], {
      stdio: ["pipe", "pipe", "inherit"],
    }) as unknown as ChildProcessWithoutNullStreams;
    this.lines = createInterface({ input: this.child.stdout })[Symbol.asyncIterator]();
  }
  private async next(): Promise<string> {
    const r = await this.lines.next();
    if (r.done) throw new Error("sisimai bench process ended");
    return r.value;
  }
  ready(): Promise<string> {
    return this.next();
  }
  async run(kind: "warmup" | "round", seconds: number, messagesPerPass: number): Promise<Round> {
    this.child.stdin.write(`${kind} ${seconds}\n`);
    const [passes, secs, cpu] = (await this.next()).split(" ").map(Number);
    return { messages: passes * messagesPerPass, seconds: secs, cpuSeconds: cpu };
  }
  quit(): void {
    this.child.stdin.end("quit\n");
  }
}

// ---------------------------------------------------------------------------------------
// Whole processes, as a user runs them: `rebound classify --jsonl DIR` against one perl
// process running Sisimai over the same folder, start-up included, on a folder of at least
// WHOLE_FILES files (the corpus repeated under other names: hard links, no copies).

const WHOLE_FILES = Number(process.env.BENCH_WHOLE_FILES ?? 6000);
const WHOLE_RUNS = Number(process.env.BENCH_WHOLE_RUNS ?? 3);

function bigFolder(files: string[]): { dir: string; count: number } {
  const dir = mkdtempSync(join(tmpdir(), "rebound-bench-folder-"));
  let count = 0;
  for (let copy = 0; count < WHOLE_FILES; copy++) {
    for (const f of files) {
      const name = join(dir, `${String(copy).padStart(3, "0")}-${basename(f)}`);
      try {
        linkSync(f, name);
      } catch {
        copyFileSync(f, name);
      }
      count++;
    }
  }
  return { dir, count };
}

/**
 * CPU seconds (user + system) of this process's waited-for children so far, from Linux's
 * /proc/self/stat (cutime, cstime, in the kernel's fixed 100 ticks a second); null elsewhere.
 * Wall time on a shared machine says as much about the other users as about the program:
 * CPU time is the figure that load leaves (nearly) alone.
 */
function childCpuSeconds(): number | null {
  try {
    const fields = readFileSync("/proc/self/stat", "utf8").split(") ")[1].split(" ");
    // fields[0] is the state (field 3 of the line): cutime and cstime are fields 16 and 17
    return (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return null;
  }
}

/** Seconds a process took, start-up included, its output written to `out`; its CPU seconds; the bytes written. */
function timeProcess(
  cmd: string,
  args: string[],
  out: string,
): { seconds: number; cpuSeconds: number | null; bytes: number } {
  const fd = openSync(out, "w");
  try {
    const c0 = childCpuSeconds();
    const t0 = performance.now();
    const r = spawnSync(cmd, args, { stdio: ["ignore", fd, "ignore"], cwd: repoRoot });
    const seconds = (performance.now() - t0) / 1000;
    const c1 = childCpuSeconds();
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} exited with ${r.status}`);
    return { seconds, cpuSeconds: c0 === null || c1 === null ? null : c1 - c0, bytes: fstatSync(fd).size };
  } finally {
    closeSync(fd);
  }
}

interface Whole {
  /** median seconds of `rebound classify --jsonl DIR` (threads as it picks them), of one thread, of Sisimai */
  ours: number;
  oursOneThread: number;
  theirs: number;
  /** the same runs' median CPU seconds (null where the platform does not say) */
  oursCpu: number | null;
  oursOneThreadCpu: number | null;
  theirsCpu: number | null;
  oursBytes: number;
  theirsBytes: number;
}

/** Median whole-process seconds of each, runs alternating (load hits all alike). */
function wholeProcessRatio(dir: string, script: string): Whole {
  const perl = script.replace(/\.pl$/, "-dir.pl");
  // What a user of Sisimai runs to get its results: one JSON text per file, printed.
  writeFileSync(
    perl,
    `use strict; use warnings; use Sisimai; my $d = shift; opendir(my $h, $d) or die; ` +
      `for my $f (sort grep { !/^\\./ } readdir $h) { my $j = Sisimai->dump("$d/$f", 'delivered' => 1, 'vacation' => 1); print $j, "\\n" if defined $j }`,
  );
  const out = join(dirname(script), "whole-process.out");
  const rebound = [join(repoRoot, "bin/rebound.js"), "classify", "--jsonl"];
  const ours: Array<ReturnType<typeof timeProcess>> = [];
  const oursOne: Array<ReturnType<typeof timeProcess>> = [];
  const theirs: Array<ReturnType<typeof timeProcess>> = [];
  for (let r = 0; r < WHOLE_RUNS; r++) {
    ours.push(timeProcess(process.execPath, [...rebound, dir], out));
    oursOne.push(timeProcess(process.execPath, [...rebound, "--threads", "1", dir], out));
    theirs.push(timeProcess("perl", [perl, dir], out));
  }
  const wall = (runs: typeof ours) => median(runs.map((x) => x.seconds));
  const cpu = (runs: typeof ours) =>
    runs.every((x) => x.cpuSeconds !== null) ? median(runs.map((x) => x.cpuSeconds as number)) : null;
  return {
    ours: wall(ours),
    oursOneThread: wall(oursOne),
    theirs: wall(theirs),
    oursCpu: cpu(ours),
    oursOneThreadCpu: cpu(oursOne),
    theirsCpu: cpu(theirs),
    oursBytes: ours[ours.length - 1].bytes,
    theirsBytes: theirs[theirs.length - 1].bytes,
  };
}

/** One perl process over the files, timed from outside: start-up included, as a user runs it. */
function sisimaiWholeProcess(script: string, files: string[], messages: number): number {
  const once = script.replace(/\.pl$/, "-once.pl");
  writeFileSync(
    once,
    `use strict; use warnings; use Sisimai; for my $f (@ARGV) { Sisimai->make($f, 'delivered' => 1, 'vacation' => 1) }`,
  );
  const t0 = performance.now();
  execFileSync("perl", [once, ...files], { maxBuffer: 16 * 1024 * 1024 });
  return messages / ((performance.now() - t0) / 1000);
}

// ---------------------------------------------------------------------------------------

function describe(name: string, rounds: Round[]): { rate: number; cpuRate: number } {
  const rates = rounds.map((r) => r.messages / r.seconds);
  const cpuRates = rounds.map((r) => r.messages / r.cpuSeconds);
  const rate = median(rates);
  const cpuRate = median(cpuRates);
  const total = rounds.reduce((n, r) => n + r.messages, 0);
  console.log(
    `${name.padEnd(9)} median ${rate.toFixed(0).padStart(6)} msg/s  (rounds ${Math.min(...rates).toFixed(0)}..${Math.max(...rates).toFixed(0)}, ` +
      `${rounds.length} rounds, ${total} messages; per CPU-second ${cpuRate.toFixed(0)})`,
  );
  return { rate, cpuRate };
}

async function main(): Promise<void> {
  const files = corpusFiles();
  const messages = files.flatMap((f) => splitMbox(readFileSync(f) as Uint8Array));
  console.log(`machine:  ${cpus().length} CPUs, load average ${load()} (1, 5, 15 min) before`);
  console.log(
    `corpus:   ${files.length} files, ${messages.length} messages; ${ROUNDS} alternating rounds of >= ${ROUND_SECONDS} s each, median reported`,
  );

  const haveSisimai = ensureSisimai();
  let sisimai: Sisimai | null = null;
  let script = "";
  let version = "";
  if (haveSisimai) {
    const dir = mkdtempSync(join(tmpdir(), "rebound-bench-"));
    script = join(dir, "sisimai-bench.pl");
    writeFileSync(script, PERL);
    version = execFileSync("perl", ["-MSisimai", "-e", "print $Sisimai::VERSION"]).toString().trim();
    sisimai = new Sisimai(script, files);
    await sisimai.ready();
  }

  const warm = reboundWarmup(messages);
  if (sisimai) await sisimai.run("warmup", WARMUP_SECONDS, messages.length);
  console.log(`warm-up:  rebound ${warm} passes${sisimai ? `, sisimai >= ${WARMUP_SECONDS} s` : ""}`);

  const ours: Round[] = [];
  const theirs: Round[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    ours.push(reboundRound(messages));
    if (sisimai) theirs.push(await sisimai.run("round", ROUND_SECONDS, messages.length));
  }
  sisimai?.quit();
  if (sink < 0) console.log(sink);

  const a = describe("rebound:", ours);
  if (!sisimai) {
    console.log("sisimai:  not available (apt-get install libsisimai-perl failed); ratio not computed");
    return;
  }
  const b = describe(`sisimai:`, theirs);
  const whole = sisimaiWholeProcess(script, files, messages.length);
  console.log(
    `sisimai:  ${version}; whole process (perl start-up included, one pass) ${whole.toFixed(0)} msg/s, for reference`,
  );
  const ratio = a.rate / b.rate;
  // Each classifier round runs right before a Sisimai round: the ratio of a pair is the
  // least affected by load that comes and goes; the median pair is printed too.
  const paired = median(ours.map((r, i) => r.messages / r.seconds / (theirs[i].messages / theirs[i].seconds)));
  const folder = bigFolder(files);
  // The first run of the command may compile it (see bin/rebound.js): not timed.
  timeProcess(
    process.execPath,
    [join(repoRoot, "bin/rebound.js"), "classify", "--jsonl", files[0]],
    join(dirname(script), "first.out"),
  );
  const w = wholeProcessRatio(folder.dir, script);
  rmSync(folder.dir, { recursive: true, force: true });
  const msgsPerFile = messages.length / files.length;
  const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;
  console.log(
    `whole:    rebound classify --jsonl DIR (${folder.count} files, ${availableParallelism()} cores, threads as it picks them): ${w.ours.toFixed(2)} s ` +
      `(one thread ${w.oursOneThread.toFixed(2)} s), ${mb(w.oursBytes)} written; ` +
      `sisimai same folder, JSON printed: ${w.theirs.toFixed(2)} s, ${mb(w.theirsBytes)} written ` +
      `(median of ${WHOLE_RUNS} alternating runs; ~${((folder.count * msgsPerFile) / w.ours).toFixed(0)} vs ${((folder.count * msgsPerFile) / w.theirs).toFixed(0)} msg/s)`,
  );
  console.log(
    `ratio:    ${(w.theirs / w.ours).toFixed(1)}x Sisimai whole-process (start-up included; one thread ${(w.theirs / w.oursOneThread).toFixed(1)}x) — target >= 10x ${w.theirs / w.ours >= 10 ? "OK" : "BELOW TARGET"}`,
  );
  if (w.oursCpu !== null && w.oursOneThreadCpu !== null && w.theirsCpu !== null)
    console.log(
      `cpu:      same runs in CPU seconds: rebound ${w.oursCpu.toFixed(2)} s (one thread ${w.oursOneThreadCpu.toFixed(2)} s), ` +
        `sisimai ${w.theirsCpu.toFixed(2)} s: ${(w.theirsCpu / w.oursCpu).toFixed(1)}x Sisimai's CPU (one thread ${(w.theirsCpu / w.oursOneThreadCpu).toFixed(1)}x)`,
    );
  console.log(`machine:  load average ${load()} after`);
  console.log(
    `ratio:    ${ratio.toFixed(1)}x Sisimai in-process (median of paired rounds ${paired.toFixed(1)}x; per CPU-second ${(a.cpuRate / b.cpuRate).toFixed(1)}x; ` +
      `${(a.rate / whole).toFixed(1)}x its whole-process rate) — target >= 10x ${ratio >= 10 ? "OK" : "BELOW TARGET"}`,
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
