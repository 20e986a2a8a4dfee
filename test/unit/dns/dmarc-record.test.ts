import { describe, expect, it } from "vitest";
import { lintDmarc, parseDmarcRecord } from "../../../src/core/dns/dmarc-record";

const lint = (records: string[], dailyVolume: number | null = null, foundAt: string | null = "_dmarc.example.com") =>
  lintDmarc({ domain: "example.com", records, foundAt: records.length ? foundAt : null, dailyVolume });
const statusOf = (l: ReturnType<typeof lintDmarc>, id: string) => l.checks.find((c) => c.id === id)?.status;

describe("DMARC record parsing (RFC 7489)", () => {
  it("parses the RFC's example record with defaults filled in", () => {
    const parsed = parseDmarcRecord(
      "v=DMARC1; p=quarantine; rua=mailto:dmarc-feedback@example.com; ruf=mailto:auth-reports@thirdparty.example.net!10m; pct=50",
    );
    expect(parsed).toMatchObject({
      ok: true,
      record: {
        p: "quarantine",
        sp: "quarantine",
        pct: 50,
        aspf: "r",
        adkim: "r",
        rua: ["mailto:dmarc-feedback@example.com"],
        ruf: ["mailto:auth-reports@thirdparty.example.net!10m"],
        fo: "0",
        ri: 86400,
      },
    });
  });

  it.each([
    ["p=reject; v=DMARC1", /start with v=DMARC1/],
    ["v=dmarc1; p=reject", /start with v=DMARC1/],
    ["v=DMARC1", /p= tag is missing/],
    ["v=DMARC1; p=block", /p=block/],
    ["v=DMARC1; p=none; sp=maybe", /sp=maybe/],
    ["v=DMARC1; p=none; pct=150", /pct=150/],
    ["v=DMARC1; p=none; aspf=x", /aspf=x/],
    ["v=DMARC1; p=none; rua=dmarc@example.com", /not a mailto/],
    ["v=DMARC1; p=none; fo=2", /fo=2/],
    ["v=DMARC1; p=none; p=reject", /more than once/],
  ])("rejects %s", (text, error) => {
    const parsed = parseDmarcRecord(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatch(error);
  });
});

describe("DMARC policy judged against provider requirements", () => {
  it("fails when there is no record", () => {
    expect(lint([])).toMatchObject({ status: "FAIL", checks: [{ id: "dmarc.record", status: "FAIL" }] });
  });

  it("fails two DMARC records (receivers then apply none)", () => {
    expect(statusOf(lint(["v=DMARC1; p=none", "v=DMARC1; p=reject"]), "dmarc.record")).toBe("FAIL");
  });

  it("accepts p=none below bulk volume, with the next step as advice", () => {
    const l = lint(["v=DMARC1; p=none; rua=mailto:d@example.com"], 4999);
    expect(l.status).toBe("PASS");
    expect(l.checks.find((c) => c.id === "dmarc.policy")?.fix).toMatch(/p=quarantine/);
  });

  it("fails p=none at bulk volume (5,000 a day)", () => {
    expect(statusOf(lint(["v=DMARC1; p=none; rua=mailto:d@example.com"], 5000), "dmarc.policy")).toBe("FAIL");
  });

  it.each(["quarantine", "reject"])("passes p=%s at bulk volume", (p) => {
    expect(lint([`v=DMARC1; p=${p}; rua=mailto:d@example.com`], 100_000).status).toBe("PASS");
  });

  it("warns when enforcement covers only part of the mail (pct<100)", () => {
    expect(statusOf(lint(["v=DMARC1; p=quarantine; pct=25; rua=mailto:d@example.com"]), "dmarc.pct")).toBe("WARN");
  });

  it("warns when subdomains get a weaker policy", () => {
    expect(statusOf(lint(["v=DMARC1; p=reject; sp=none; rua=mailto:d@example.com"]), "dmarc.subdomain-policy")).toBe(
      "WARN",
    );
  });

  it("warns when nobody receives the aggregate reports", () => {
    expect(statusOf(lint(["v=DMARC1; p=reject"]), "dmarc.reports")).toBe("WARN");
  });

  it("says when the organizational domain's record is the one in force", () => {
    const l = lintDmarc({
      domain: "mail.example.com",
      records: ["v=DMARC1; p=reject; rua=mailto:d@example.com"],
      foundAt: "_dmarc.example.com",
      dailyVolume: null,
    });
    expect(l.checks[0].fix).toMatch(/organizational domain/);
  });

  it("ignores other TXT records at _dmarc", () => {
    expect(lint(["some-verification=1", "v=DMARC1; p=reject; rua=mailto:d@example.com"]).status).toBe("PASS");
  });
});
