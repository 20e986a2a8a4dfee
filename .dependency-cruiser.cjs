/**
 * The architecture, as rules (DESIGN.md, "Code layout"): dependencies point one way,
 * app → modules → platform → core; core imports nothing outside core; platform imports no
 * module; a module reaches another only through that module's index.ts; no import cycles,
 * type-only imports included. `npm run lint` fails on any violation not listed in
 * .dependency-cruiser-known-violations.json (the debt this layout inherited, to burn down;
 * new code may not add to it).
 */
module.exports = {
  forbidden: [
    {
      name: "core-is-pure",
      severity: "error",
      comment: "src/core is the pure core: it imports nothing of the shell.",
      from: { path: "^src/core/" },
      to: { path: "^src/(?!core/)" },
    },
    {
      name: "platform-knows-no-module",
      severity: "error",
      comment: "src/platform is what every module stands on; it knows no subject.",
      from: { path: "^src/platform/" },
      to: { path: "^src/modules/" },
    },
    {
      name: "platform-knows-no-app",
      severity: "error",
      comment:
        "src/platform declares what it needs of the app (its config, its metrics) and the app passes it in; it imports nothing of src/app, types included.",
      from: { path: "^src/platform/" },
      to: { path: "^src/app/" },
    },
    {
      name: "modules-meet-through-index",
      severity: "error",
      comment: "A module reaches another only through that module's index.ts, never its files.",
      from: { path: "^src/modules/([^/]+)/" },
      to: { path: "^src/modules/([^/]+)/", pathNot: ["^src/modules/$1/", "^src/modules/[^/]+/index\\.ts$"] },
    },
    {
      name: "no-circular",
      severity: "error",
      comment: "No import cycles, type-only imports included.",
      from: { path: "^src/" },
      to: { circular: true },
    },
    {
      name: "not-to-test",
      severity: "error",
      comment: "Shipped code never imports test code.",
      from: { path: "^src/" },
      to: { path: "^test/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    // Type-only imports count: a cycle through types is still a cycle a reader must untangle.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    exclude: { path: "\\.(md|html|css|txt)$" },
  },
};
