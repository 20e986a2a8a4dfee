import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli, startChildServer, type ChildServer } from "../support/child-server";
import { graphqlClient, ok } from "../support/graphql-client";

// The embedded database lives in one process's memory. A second process on the same data
// folder used to get its own copy: `tenant create` printed a key that never worked and the
// tenant was gone after a restart. Now one process owns the folder; others are refused at once
// with a message naming it, and `tenant create` goes through the running server instead.

const dataDir = mkdtempSync(join(tmpdir(), "rebound-single-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
const env = { DATABASE_URL: "", MIGRATION_DATABASE_URL: "", REBOUND_DATA_DIR: dataDir };

async function viewerName(server: ChildServer, apiKey: string): Promise<string> {
  return ok(await graphqlClient(server.url, apiKey)(`{ viewer { name } }`)).viewer.name;
}

async function stop(server: ChildServer) {
  server.process.kill("SIGTERM");
  expect(await server.exited).toBe(0);
}

describe("one process owns the embedded data folder", () => {
  it("refuses a second server and a second command, creates tenants through the owner, and loses nothing", async () => {
    const first = await startChildServer(env, 90_000);
    let restarted: ChildServer | null = null;
    try {
      const before = await runCli(["tenant", "create", "--name", "Before", "--json"], env);
      expect(before.code).toBe(0);
      const beforeKey = JSON.parse(before.stdout).apiKey as string;
      // Created in the server's own database: it works at once.
      expect(await viewerName(first, beforeKey)).toBe("Before");

      const second = await runCli(["serve"], { ...env, PORT: "0" });
      expect(second.code).not.toBe(0);
      expect(second.stderr).toContain(`in use by another Rebound process (pid ${first.process.pid}`);
      expect(second.stderr).toContain("stop that process first");

      const migrate = await runCli(["migrate"], env);
      expect(migrate.code).not.toBe(0);
      expect(migrate.stderr).toContain(`pid ${first.process.pid}`);

      // The lock file still names the first server, which keeps serving.
      expect(JSON.parse(readFileSync(join(dataDir, "rebound.lock"), "utf8")).pid).toBe(first.process.pid);
      expect(await viewerName(first, beforeKey)).toBe("Before");

      const after = await runCli(["tenant", "create", "--name", "After", "--json"], env);
      expect(after.code).toBe(0);
      const afterKey = JSON.parse(after.stdout).apiKey as string;
      expect(await viewerName(first, afterKey)).toBe("After");

      await stop(first);
      expect(existsSync(join(dataDir, "rebound.lock"))).toBe(false);

      restarted = await startChildServer(env, 90_000);
      expect(await viewerName(restarted, beforeKey)).toBe("Before");
      expect(await viewerName(restarted, afterKey)).toBe("After");
    } finally {
      if (first.process.exitCode === null) first.process.kill("SIGKILL");
      if (restarted) await stop(restarted);
    }
  }, 300_000);

  it("takes over a lock left by a process that was killed", async () => {
    const killed = await startChildServer(env, 90_000);
    killed.process.kill("SIGKILL");
    await killed.exited;
    expect(existsSync(join(dataDir, "rebound.lock"))).toBe(true);
    const next = await startChildServer(env, 90_000);
    try {
      expect((await graphqlClient(next.url)(`{ __typename }`)).data).toEqual({ __typename: "Query" });
    } finally {
      await stop(next);
    }
  }, 300_000);
});
