import WebSocket from "ws";
import { createReboundClient } from "../src/client";
import { runIntegration } from "./integration";

// node --import tsx clients/typescript/examples/main.ts http://localhost:4000/graphql rbk_...
// Runs the whole integration against a server and prints what it saw as one JSON line.

async function main(): Promise<void> {
  const [url, apiKey] = process.argv.slice(2);
  if (!url || !apiKey) {
    console.error("usage: main.ts <graphql url> <api key>");
    process.exit(2);
  }
  const client = createReboundClient({
    url,
    apiKey,
    webSocketImpl: WebSocket,
    onRetry: ({ attempt, code, delayMs }) => console.error(`retry ${attempt} after ${code} in ${delayMs} ms`),
  });
  try {
    const summary = await runIntegration(client, (line) => console.error(line));
    console.log(JSON.stringify(summary));
  } finally {
    await client.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
