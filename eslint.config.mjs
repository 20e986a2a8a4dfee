// ESLint: typescript-eslint with type information, for the mistakes a type checker does not
// catch (a promise nobody awaits, an async callback where a sync one is expected), plus the
// project's own rules. Formatting is Prettier's; the architecture is dependency-cruiser's
// (.dependency-cruiser.cjs). `npm run lint` runs all three.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "node_modules/",
      "scratch/",
      ".data/",
      ".artifacts/",
      "dist/",
      "coverage/",
      "clients/typescript/src/gql/",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts", "**/*.mts"],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": [
        "error",
        { checksVoidReturn: { arguments: false, attributes: false } },
      ],
      "@typescript-eslint/await-thenable": "error",
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none", ignoreRestSiblings: true },
      ],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      eqeqeq: ["error", "always"],
      "no-console": "error",
    },
  },
  {
    // Settings come from one schema, parsed once at start (src/app/config.ts).
    files: ["src/**/*.ts"],
    ignores: ["src/app/config.ts"],
    rules: {
      "no-restricted-properties": [
        "error",
        {
          object: "process",
          property: "env",
          message: "Read settings through src/app/config.ts, the one schema for the environment.",
        },
      ],
    },
  },
  {
    // The typed client and its example are what integrators copy: the generated types all the
    // way, no any and no non-null assertions (a payload field is checked, never asserted).
    files: ["clients/**/*.ts"],
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-non-null-assertion": "error",
    },
  },
  {
    // The example's command prints what it did.
    files: ["clients/typescript/examples/*.ts"],
    rules: { "no-console": "off" },
  },
  {
    // Tests and benchmarks speak to the API's JSON, whose shapes they assert on.
    files: ["test/**/*.ts", "bench/**/*.ts"],
    rules: {
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-non-null-assertion": "off",
      "no-console": "off",
    },
  },
  {
    // The explorer's page scripts run in the browser, loaded by plain <script> tags.
    files: ["src/platform/http/explorer/*.js"],
    languageOptions: {
      sourceType: "script",
      globals: {
        window: "readonly",
        document: "readonly",
        location: "readonly",
        history: "readonly",
        fetch: "readonly",
        URLSearchParams: "readonly",
        React: "readonly",
        ReactDOM: "readonly",
        GraphiQL: "readonly",
        graphqlWs: "readonly",
      },
    },
  },
  {
    files: ["bin/*.js", "*.cjs"],
    languageOptions: {
      sourceType: "commonjs",
      globals: { require: "readonly", module: "writable", __dirname: "readonly", process: "readonly" },
    },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  {
    // Sub-commands are required on demand, so `rebound classify` never loads the server.
    files: ["src/cli/rebound.ts"],
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
);
