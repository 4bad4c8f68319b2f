// ESLint: TypeScript rules, React hooks, and the feature-folder boundaries
// (features never import each other; shared code never imports features or the app).
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
              except: [`./${feature}`],
              message: "Features do not import each other; compose them in src/app or share code in src/components or src/lib.",
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
    },
  },
  { files: ["*.config.{js,ts}", "scripts/**"], languageOptions: { globals: { ...globals.node } } },
);
