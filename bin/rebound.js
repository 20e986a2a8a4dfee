#!/usr/bin/env node
// The `rebound` command. Runs the TypeScript sources through tsx so that `npx rebound`
// works straight after `npm ci`, with no build step to forget.
require("tsx/cjs");
require("../src/cli/rebound.ts");
