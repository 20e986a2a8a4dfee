import type { CodegenConfig } from "@graphql-codegen/cli";

// GraphQL Code Generator (client preset) over the committed schema.graphql: typed documents for
// every graphql(`...`) call in src/ and examples/, written to src/gql/. `npm run client:generate`
// runs it; `npm run client:check` (CI) fails when src/gql/ differs from what it would write.
const config: CodegenConfig = {
  schema: "schema.graphql",
  documents: [
    "clients/typescript/src/**/*.ts",
    "clients/typescript/examples/**/*.ts",
    "!clients/typescript/src/gql/**",
  ],
  ignoreNoDocuments: false,
  generates: {
    "clients/typescript/src/gql/": {
      preset: "client",
      presetConfig: { fragmentMasking: false },
      config: {
        // Documents as strings (TypedDocumentString): the client needs no graphql runtime.
        documentMode: "string",
        // Enums as string unions: a switch over UserError codes or reasons is checked for exhaustiveness.
        enumsAsTypes: true,
        useTypeImports: true,
        strictScalars: true,
        scalars: { DateTimeISO: "string", JSONObject: "Record<string, unknown>" },
        avoidOptionals: { field: true, inputValue: false, object: false, defaultValue: false },
        skipTypename: true,
      },
    },
  },
};

export default config;
