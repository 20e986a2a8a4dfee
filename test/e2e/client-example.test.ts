import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO, runCli, startChildServer, type ChildServer } from "../support/child-server";
import { createTestDatabase, type TestDatabase } from "../support/database";

// The typed client's example integration (clients/typescript/examples/), run as an integrator
// runs it: its own Node process, against `rebound serve` in another, on a real database.

let db: TestDatabase;
let server: ChildServer;
let apiKey: string;

beforeAll(async () => {
  db = await createTestDatabase("clientexample");
  server = await startChildServer({ DATABASE_URL: db.url, REBOUND_DEMO_TENANT: "0" });
  const created = await runCli(["tenant", "create", "--name", "example", "--json"], { DATABASE_URL: db.url });
  expect(created.code, created.stderr).toBe(0);
  apiKey = (JSON.parse(created.stdout) as { apiKey: string }).apiKey;
}, 120_000);

afterAll(async () => {
  server?.process.kill("SIGTERM");
  await server?.exited;
  await db?.drop();
});

function runExample(url: string, key: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", resolve(REPO, "clients/typescript/examples/main.ts"), url, key],
      { cwd: REPO, stdio: ["ignore", "pipe", "pipe"] },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), 90_000);
    child.once("error", fail);
    child.once("exit", (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}

describe("clients/typescript/examples", () => {
  it("runs the whole integration through the API and sees what the API says", async () => {
    const run = await runExample(server.url, apiKey);
    expect(run.code, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout.trim().split("\n").pop() ?? "{}");
    // 24 hard bounces, 6 deferrals, 900 deliveries and a complaint, in one call.
    expect(summary).toMatchObject({
      recorded: 1_000,
      inserted: 931,
      zone: "WARNING",
      stats: { sent: 1_000, delivered: 900, hardBounces: 24, softBounces: 6, complaints: 1 },
      timelineDays: 7,
      today: {
        start: `${new Date().toISOString().slice(0, 10)}T00:00:00.000Z`,
        sent: 1_000,
        delivered: 900,
        hardBounces: 24,
        deferred: 6,
        complaints: 1,
      },
      suppressionsTotal: 25,
      suppressionsCsvRows: 25,
      bounceEventsCsvRows: 931,
      usage: { ingestedEvents: 931, sends: 1_000 },
    });
    // The hard bounces' addresses and the complainant are suppressed; deferrals are not (yet).
    expect(summary.suppressed).toHaveLength(25);
    expect(summary.suppressed.filter((a: string) => a.endsWith("@outlook.com"))).toEqual([]);
    expect([...summary.suppressionValues].sort()).toEqual([...summary.suppressed].sort());
    expect(summary.benchmarks).toContainEqual({ provider: "GMAIL", sent: 600, hardBounces: 24, zone: "WARNING" });
    expect(summary.realtimeBounce.recipient).toMatch(/\.(gmail|outlook|yahoo)\.com$|@(gmail|outlook|yahoo)\.com$/);
    expect(summary.usage.requests).toBeGreaterThanOrEqual(10);
    expect(run.stderr).toContain("real time:");
  }, 120_000);

  it("a wrong key fails the example with the API's UNAUTHENTICATED, not a crash of the client", async () => {
    const run = await runExample(server.url, "rbk_000000000000000000000000000000000000000");
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("ReboundError");
    expect(run.stderr).toContain("UNAUTHENTICATED");
  }, 120_000);
});
