// ESLint: TypeScript rules, React hooks, and the feature-folder boundaries (a feature reaches
// another only through its index.ts; shared code never imports features or the app; no import cycles).
import js from "@eslint/js";
import importPlugin from "eslint-plugin-import";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";
import { readdirSync } from "node:fs";

const features = readdirSync(new URL("./src/features", import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

export default tseslint.config(
  { ignores: ["dist", "node_modules", "src/api/schema.d.ts", ".api-check.d.ts"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.{ts,tsx}"],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { "react-hooks": reactHooks, import: importPlugin },
    settings: {
      "import/resolver": { typescript: { project: "./tsconfig.json" } },
      "import/parsers": { "@typescript-eslint/parser": [".ts", ".tsx"] },
    },
    rules: {
      ...reactHooks.configs.recommended.rules,
      "import/no-restricted-paths": [
        "error",
        {
          zones: [
            ...features.map((feature) => ({
              target: `./src/features/${feature}`,
              from: "./src/features",
              except: [`./${feature}`, ...features.filter((other) => other !== feature).map((other) => `./${other}/index.ts`)],
              message:
                "A feature uses another only through its index (`@/features/<name>`), never its api/ or components/; share code in src/components or src/lib.",
            })),
            {
              target: ["./src/features", "./src/components", "./src/lib", "./src/api"],
              from: "./src/app",
              message: "Only the app layer composes features.",
            },
            {
              target: ["./src/components", "./src/lib", "./src/api"],
              from: "./src/features",
              message: "Shared code must not depend on a feature.",
            },
          ],
        },
      ],
      // With features using each other's index, a cycle (inbox -> sla -> inbox) is one import away.
      "import/no-cycle": "error",
    },
  },
  { files: ["*.config.{js,ts}", "scripts/**"], languageOptions: { globals: { ...globals.node } } },
);
