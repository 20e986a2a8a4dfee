import { describe, expect, it } from "vitest";
import { inTurn } from "../../src/platform/db/query-turns";

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe("inTurn", () => {
  it("runs what is asked on one connection one at a time, in the order asked", async () => {
    const connection = {};
    const log: string[] = [];
    let running = 0;
    const statement = (name: string) => async () => {
      running++;
      log.push(`start ${name} (${running} running)`);
      await tick();
      running--;
      log.push(`end ${name}`);
      return name;
    };
    const results = await Promise.all([
      inTurn(connection, statement("a")),
      inTurn(connection, statement("b")),
      inTurn(connection, statement("c")),
    ]);
    expect(results).toEqual(["a", "b", "c"]);
    expect(log).toEqual([
      "start a (1 running)",
      "end a",
      "start b (1 running)",
      "end b",
      "start c (1 running)",
      "end c",
    ]);
  });

  it("runs the next statement after one that failed, and gives the failure to its caller only", async () => {
    const connection = {};
    const failed = inTurn(connection, async () => {
      await tick();
      throw new Error("syntax error");
    });
    const next = inTurn(connection, async () => "answered");
    await expect(failed).rejects.toThrow("syntax error");
    await expect(next).resolves.toBe("answered");
  });

  it("lets different connections run at the same time", async () => {
    let running = 0;
    let most = 0;
    const statement = async () => {
      most = Math.max(most, ++running);
      await tick();
      running--;
    };
    await Promise.all([inTurn({}, statement), inTurn({}, statement)]);
    expect(most).toBe(2);
  });
});
