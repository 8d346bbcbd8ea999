import type { CodegenConfig } from "@graphql-codegen/cli";

// Types of the app's own API, from the schema the Python side exports (graphql/schema.graphql). Generated into
// src/gql/ by `npm run codegen` (part of `npm run build`, `lint`, `typecheck`); not committed.
const config: CodegenConfig = {
  schema: "../graphql/schema.graphql",
  documents: ["src/api/**/*.ts"],
  ignoreNoDocuments: false,
  generates: {
    "src/gql/": {
      preset: "client",
      config: {
        enumsAsTypes: true,
        useTypeImports: true,
        scalars: { Decimal: "string", DateTime: "string", Date: "string", UUID: "string" },
      },
      presetConfig: { fragmentMasking: false },
    },
  },
};

export default config;
