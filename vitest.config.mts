import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    // Without this, the app and its libraries load two copies of graphql
    // ("Cannot use GraphQLObjectType from another module or realm").
    alias: [{ find: /^graphql$/, replacement: "graphql/index.js" }],
  },
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // e2e suites share one PostgreSQL; each creates its own tenants, so files may run in parallel.
    pool: "forks",
  },
});
