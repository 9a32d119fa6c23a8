#!/usr/bin/env node
// infra/ (the AWS CDK app) is its own npm package: aws-cdk-lib and the CDK CLI weigh over
// 200 MB that nobody running the server needs, so `npm install` leaves them out. The root's
// infra scripts come through here, which installs infra/ on first use (or when its lock
// changed) and then runs the script there. Its tests and TypeScript run on the root's
// vitest, tsx and typescript (npm puts ../node_modules/.bin on the script's PATH).
//   node scripts/infra.mjs run <script> [-- args]
import { execFileSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";

const infra = new URL("../infra/", import.meta.url).pathname;
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const lock = join(infra, "package-lock.json");
const installed = join(infra, "node_modules", ".package-lock.json");

const [command, script, ...rest] = process.argv.slice(2);
if (command !== "run" || !script) {
  console.error("usage: infra.mjs run <script> [-- args]");
  process.exit(2);
}
if (!existsSync(installed) || statSync(installed).mtimeMs < statSync(lock).mtimeMs) {
  execFileSync(npm, ["--prefix", infra, "ci", "--no-audit", "--no-fund"], { stdio: "inherit" });
}
try {
  execFileSync(npm, ["--prefix", infra, "run", "--silent", script, ...rest], {
    stdio: "inherit",
    // Synthesis must need no AWS account: keep the CLI from phoning home on the way.
    env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: "true", AWS_EC2_METADATA_DISABLED: "true" },
  });
} catch (err) {
  process.exit(typeof err.status === "number" ? err.status : 1);
}
