#!/usr/bin/env node
// The `rebound` command. `classify` runs compiled JavaScript (dist/classify.cjs, built by
// `npm ci` through `prepare`, rebuilt here when a source changed): it loads nothing of the
// server and no TypeScript loader, which is most of a short run's time. Every other
// command, and classify when it cannot be built, runs the TypeScript sources through tsx
// so that `npx rebound` works straight after `npm ci`, with no build step to forget.
"use strict";
if (process.argv[2] === "classify") {
  const built = require("./build-classify").ensureClassifyBuild();
  if (built) {
    require(built)
      .run(process.argv.slice(3))
      .then(
        (code) => {
          process.exitCode = code;
        },
        (err) => {
          process.stderr.write(`rebound: ${err instanceof Error ? err.message : String(err)}\n`);
          process.exitCode = 1;
        },
      );
    return;
  }
}
require("tsx/cjs");
require("../src/cli/rebound.ts");
