import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/app/config";

// The one schema for the environment: defaults, parsing, and a start refused with a message
// naming the variable when a value is invalid or a REBOUND_* name is not a setting.

describe("loadConfig", () => {
  it("runs on the embedded database with every default when nothing is set", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 4000,
      host: "0.0.0.0",
      databaseUrl: null,
      dataDir: ".data",
      poolSize: 1,
      exportPoolSize: 0,
      idleTimeoutMs: 0,
      bootstrapDemoTenant: true,
    });
    expect(config.limits).toMatchObject({ maxDepth: 10, maxCost: 25000, maxBodyBytes: 1_048_576 });
  });

  it("keeps pooled PostgreSQL connections 10 s by default, and the embedded one for good", () => {
    expect(loadConfig({ DATABASE_URL: "postgres://u@h:5432/db" })).toMatchObject({
      poolSize: 10,
      exportPoolSize: 2,
      idleTimeoutMs: 10_000,
      migrationDatabaseUrl: "postgres://u@h:5432/db",
    });
    expect(loadConfig({ DB_IDLE_TIMEOUT_MS: "250" }).idleTimeoutMs).toBe(250);
  });

  it("reads REBOUND_DNS_SERVERS as a comma-separated list with ports; unset means the system's resolvers", () => {
    expect(loadConfig({ REBOUND_DNS_SERVERS: "127.0.0.1:5353, [::1]:53" }).dns).toMatchObject({
      servers: ["127.0.0.1:5353", "[::1]:53"],
      timeoutMs: 2000,
      tries: 2,
    });
    expect(loadConfig({}).dns.servers).toEqual([]);
  });

  it("takes blocklist zones from configuration: unset is the defaults, empty is none", () => {
    expect(loadConfig({}).dns.blocklists).toEqual({
      ip: ["zen.spamhaus.org", "bl.spamcop.net", "b.barracudacentral.org"],
      domain: ["dbl.spamhaus.org"],
    });
    expect(
      loadConfig({ REBOUND_DNSBL_IP_ZONES: "a.test, b.test.", REBOUND_DNSBL_DOMAIN_ZONES: "" }).dns.blocklists,
    ).toEqual({ ip: ["a.test", "b.test"], domain: [] });
  });

  it.each([
    [undefined, 360],
    ["", 360],
    ["60", 60],
    ["0.5", 0.5],
    ["0", null],
  ])("REBOUND_AUDIT_INTERVAL_MINUTES=%s -> an audit every %s minutes", (value, minutes) => {
    expect(
      loadConfig(value === undefined ? {} : { REBOUND_AUDIT_INTERVAL_MINUTES: value }).dns.auditIntervalMinutes,
    ).toBe(minutes);
  });

  it.each([
    ["PORT", "http"],
    ["PORT", "70000"],
    ["REBOUND_DNS_TIMEOUT_MS", "soon"],
    ["REBOUND_AUDIT_INTERVAL_MINUTES", "-5"],
    ["REBOUND_MAX_DEPTH", "0"],
    ["DATABASE_URL", "mysql://root@localhost/db"],
    ["REBOUND_DEMO_TENANT", "yes"],
    ["REBOUND_LOG_LEVEL", "loud"],
  ])("refuses %s=%s, naming the variable", (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`invalid configuration:[\\s\\S]*${name}`));
  });

  it("refuses a REBOUND_* variable that is not a setting, so a typo is not silently ignored", () => {
    expect(() => loadConfig({ REBOUND_MAX_DEPHT: "5" })).toThrow(/REBOUND_MAX_DEPHT: not a Rebound setting/);
  });

  it("ignores the rest of the environment", () => {
    expect(() =>
      loadConfig({ PATH: "/usr/bin", HOME: "/root", NODE_OPTIONS: "--max-semi-space-size=64" }),
    ).not.toThrow();
  });
});
