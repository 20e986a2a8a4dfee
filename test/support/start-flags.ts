import { readFileSync } from "node:fs";
import { resolve } from "node:path";

/** The Node flags `npm start` runs the server with (package.json), so spawned servers run as deployed. */
export function startNodeFlags(): string[] {
  const start: string = JSON.parse(readFileSync(resolve(__dirname, "../../package.json"), "utf8")).scripts.start;
  return start.split(/\s+/).filter((arg) => arg.startsWith("--"));
}
