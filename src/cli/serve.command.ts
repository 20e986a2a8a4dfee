import { loadConfig } from "../app/config";
import { stopOnSignal } from "./stop-on-signal";
import { startApp } from "../app/main";
import { tenantService } from "../modules/tenant/tenant.service";

/** `rebound serve`: what `npm start` runs. Returns -1: the process stays up until a signal. */
export async function run(): Promise<number> {
  const config = loadConfig();
  if (!config.databaseUrl)
    process.stdout.write(`Starting the embedded database in ${config.dataDir}/ (no DATABASE_URL set)...\n`);
  const running = await startApp(config);
  // The demo tenant is made before anything is announced, and the banner goes out with the URL
  // in one write: whoever reads "serving" (a person, a script, a test) has the key in hand too.
  let banner = "";
  if (config.bootstrapDemoTenant && !(await tenantService.anyExists(running.app))) {
    const { tenant, apiKey } = await tenantService.create(running.app, "Demo tenant");
    banner =
      `\nNo tenant existed yet, so a demo tenant was created (${tenant.id}).\n` +
      `Its API key, shown only this once:\n\n    ${apiKey}\n\n` +
      // The key travels in the fragment, which the browser keeps to itself: the explorer
      // moves it into its header editor and out of the address bar.
      `Open the explorer with the key filled in:\n\n    ${running.server.url}#key=${apiKey}\n\n` +
      `Or call the API with the header  Authorization: Bearer ${apiKey}\n` +
      `Sample data to look at: npx rebound demo   (in another terminal, while this runs)\n\n`;
  }
  process.stdout.write(`Rebound is serving GraphQL at ${running.server.url} (WebSocket on the same URL)\n${banner}`);

  stopOnSignal(running, "finishing in-flight requests");
  return -1;
}
