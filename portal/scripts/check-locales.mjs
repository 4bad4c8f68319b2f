// Every locale has exactly the keys English has (plural forms compared per language: German
// and English both use _one/_other). Run by `npm run lint`; exits 1 listing what is off.
import { readFileSync, readdirSync } from "node:fs";

const root = new URL("../src/locales/", import.meta.url);

function keys(tree, prefix = "") {
  return Object.entries(tree).flatMap(([key, value]) =>
    typeof value === "object" && value !== null ? keys(value, `${prefix}${key}.`) : [`${prefix}${key}`],
  );
}

function load(locale) {
  return new Set(keys(JSON.parse(readFileSync(new URL(`${locale}/translation.json`, root), "utf8"))));
}

const english = load("en");
let failed = false;
for (const locale of readdirSync(root).filter((name) => name !== "en")) {
  const other = load(locale);
  const missing = [...english].filter((key) => !other.has(key));
  const extra = [...other].filter((key) => !english.has(key));
  for (const key of missing) console.error(`${locale}: missing ${key}`);
  for (const key of extra) console.error(`${locale}: not in en: ${key}`);
  failed ||= missing.length > 0 || extra.length > 0;
}
if (failed) process.exit(1);
console.log(`locales: ${readdirSync(root).join(", ")} have the ${english.size} keys of en`);
