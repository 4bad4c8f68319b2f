// Fails when the checked-in generated API types differ from a fresh generation (stale types).
import { readFileSync, rmSync } from "node:fs";

const [checkedIn, fresh] = process.argv.slice(2);
const same = readFileSync(checkedIn, "utf8") === readFileSync(fresh, "utf8");
rmSync(fresh, { force: true });
if (!same) {
  console.error(`${checkedIn} is stale: run \`make portal-api\` and commit the result.`);
  process.exit(1);
}
