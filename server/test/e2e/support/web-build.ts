// Builds web/dist (installing web's own packages first if they are missing), so the server
// under test serves the current UI.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "./server.js";

let built = false;

export function buildWeb(): void {
  if (built) return;
  const web = join(repoRoot, "web");
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  if (!existsSync(join(web, "node_modules/.bin/vite"))) {
    execFileSync(npm, ["--prefix", web, "ci", "--no-audit", "--no-fund"], { stdio: "inherit" });
  }
  execFileSync(npm, ["--prefix", web, "run", "build"], { stdio: "inherit" });
  built = true;
}
