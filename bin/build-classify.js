// Compiles `rebound classify` (src/cli/classify.main.ts and the pure core it uses) into
// one CommonJS file, dist/classify.cjs, with esbuild. The command then starts without the
// TypeScript loader and without reflect-metadata or anything of the server: start-up is a
// large part of a whole `rebound classify DIR` run.
//
// Run by `npm prepare` (so a fresh `npm ci` leaves it built) and again by bin/rebound.js
// whenever a source it was built from changed since (so an edited checkout never runs a
// stale build). `ensureClassifyBuild()` returns the built file, or null when it cannot be
// built here (no esbuild, read-only checkout): the caller then runs the sources.
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const root = path.resolve(__dirname, "..");
const out = path.join(root, "dist", "classify.cjs");
const meta = path.join(root, "dist", "classify.inputs.json");
const entry = path.join(root, "src", "cli", "classify.main.ts");

/** Is the build there and newer than every file it was made from? */
function isFresh() {
  let inputs;
  try {
    inputs = JSON.parse(fs.readFileSync(meta, "utf8"));
    const built = fs.statSync(out).mtimeMs;
    for (const f of inputs.files) if (fs.statSync(path.join(root, f)).mtimeMs > built) return false;
  } catch {
    return false;
  }
  return inputs.builtFrom === entry;
}

function build() {
  const esbuild = require("esbuild");
  fs.mkdirSync(path.dirname(out), { recursive: true });
  // Written beside and renamed: a concurrent run (tests spawn several) never reads half a file.
  const tmp = `${out}.${process.pid}.tmp`;
  const result = esbuild.buildSync({
    entryPoints: [entry],
    outfile: tmp,
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    sourcemap: false,
    metafile: true,
    logLevel: "error",
    // The core's only outside imports are node's own and tldts (in the bundle too).
    external: [],
  });
  const files = Object.keys(result.metafile.inputs).filter((f) => !f.startsWith("node_modules/"));
  const tmpMeta = `${meta}.${process.pid}.tmp`;
  fs.writeFileSync(tmpMeta, JSON.stringify({ builtFrom: entry, files }));
  fs.renameSync(tmp, out);
  fs.renameSync(tmpMeta, meta);
}

function ensureClassifyBuild() {
  if (isFresh()) return out;
  try {
    build();
    return out;
  } catch (err) {
    if (process.env.REBOUND_DEBUG) process.stderr.write(`rebound: cannot build ${out}: ${err && err.message}\n`);
    return null;
  }
}

module.exports = { ensureClassifyBuild };

if (require.main === module) {
  if (!ensureClassifyBuild()) {
    process.stderr.write("build-classify: could not build dist/classify.cjs (the command will run from the sources)\n");
  }
}
