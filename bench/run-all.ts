// `npm run bench`: every benchmark in turn, each printing its ratios against the baseline
// it measures in the same run. One failing benchmark does not hide the others' numbers.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const benches = [
  "api-bench",
  "execute-bench",
  "async-bench",
  "analyzer-bench",
  "search-bench",
  "web-bench",
  "start-bench",
  "fairness-bench",
  "hostile-bench",
];
let failed = 0;
for (const name of benches) {
  const file = `bench/${name}.ts`;
  if (!existsSync(file)) continue;
  console.log(`\n=== ${name} ===`);
  const r = spawnSync(process.execPath, ["--import", "tsx", file], { stdio: "inherit" });
  if (r.status !== 0) {
    failed += 1;
    console.error(`${name} failed with exit code ${r.status}`);
  }
}
process.exit(failed > 0 ? 1 : 0);
