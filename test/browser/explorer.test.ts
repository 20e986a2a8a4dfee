import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO, startChildServer, type ChildServer } from "../support/child-server";
import { createSendingSetup, ingest } from "../support/fixtures";
import { graphqlClient } from "../support/graphql-client";

// The newcomer's first look, in a real browser: `npm start`'s link opens the explorer with the
// demo key filled in, with every request to anything but this machine refused (the explorer
// must load nothing from a CDN), a query returns data, and a subscription started in the page
// shows a bounce ingested over HTTP by another client.

const CHROMIUM = "/usr/bin/chromium";
const ARTIFACTS = join(REPO, ".artifacts");
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium)
  console.warn(`browser tests skipped: ${CHROMIUM} is not installed (.ci/run installs Debian's chromium)`);

describe.skipIf(!haveChromium)("the explorer in Chromium", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "rebound-browser-"));
  let server: ChildServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startChildServer(
      { DATABASE_URL: "", MIGRATION_DATABASE_URL: "", REBOUND_DATA_DIR: dataDir },
      90_000,
    );
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
      ],
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    server?.process.kill("SIGTERM");
    await server?.exited;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("loads from this server alone, runs a query with the linked key, and shows a subscription's events", async () => {
    const link = /(http:\/\/\S+#key=(rbk_[0-9A-Za-z]+))/.exec(server.output());
    expect(link, "the start banner prints a link with the key in its fragment").not.toBeNull();
    const [, url, key] = link!;

    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const outside: string[] = [];
    const fragmentsSent: string[] = [];
    await page.route("**/*", (route) => {
      const target = new URL(route.request().url());
      if (target.hostname === "127.0.0.1" || target.hostname === "localhost") {
        if (route.request().url().includes(key)) fragmentsSent.push(route.request().url());
        return route.continue();
      }
      outside.push(target.href);
      return route.abort();
    });
    const pageErrors: string[] = [];
    page.on("pageerror", (err) => pageErrors.push(err.message));

    await page.goto(url.replace("localhost", "127.0.0.1"));
    await page.waitForSelector(".graphiql-container", { timeout: 30_000 });
    // The key is in the header editor, no longer in the address bar.
    expect(page.url()).not.toContain(key);
    await expect.poll(() => page.locator(".graphiql-editor-tool").innerText()).toContain(`Bearer ${key}`);

    await page.click(".graphiql-execute-button");
    await expect
      .poll(() => page.locator(".result-window").innerText(), { timeout: 15_000 })
      .toContain('"name": "Demo tenant"');

    const gql = graphqlClient(server.url, key);
    const setup = await createSendingSetup(gql, "browser.example");

    await page.getByText("Bounces", { exact: true }).click();
    await expect.poll(() => page.locator(".graphiql-query-editor").innerText()).toContain("subscription Bounces");
    // GraphiQL reads the tab's operation name from its editor a moment after the switch.
    await page.waitForTimeout(500);
    await page.click(".graphiql-execute-button");
    // graphql-ws acknowledges the connection before the subscription can receive anything.
    await page.waitForTimeout(1_500);
    const recipient = "nobody-here@gmail.com";
    await ingest(gql, [
      {
        recipient,
        campaignId: setup.campaignId,
        smtpResponse: "550 5.1.1 The email account that you tried to reach does not exist.",
        eventKey: "browser-1",
      },
    ]);
    await expect.poll(() => page.locator(".result-window").innerText(), { timeout: 15_000 }).toContain(recipient);
    const shown = await page.locator(".result-window").innerText();
    expect(shown).toContain('"reason": "USERUNKNOWN"');
    expect(shown).toContain('"name": "Launch"');

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, "explorer-subscription.png") });

    expect(outside).toEqual([]);
    expect(fragmentsSent).toEqual([]);
    expect(pageErrors).toEqual([]);
  }, 120_000);

  it("answers programs with GraphQL, not the page", async () => {
    const res = await fetch(server.url.replace("localhost", "127.0.0.1") + "?query=%7B__typename%7D", {
      headers: { accept: "application/json" },
    });
    expect(res.headers.get("content-type")).toContain("application/json");
    const page = await fetch(server.url.replace("localhost", "127.0.0.1"), { headers: { accept: "text/html" } });
    expect(page.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(await page.text()).toContain("/explorer/graphiql.min.js");
  });
});
