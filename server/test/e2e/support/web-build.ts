// Makes sure web/dist holds the current UI before a browser test or the bench: installs web's
// own packages if missing and rebuilds when any source is newer than the build. Test files
// run in parallel, so a directory lock keeps two builds from emptying dist under each other.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "./server.js";

const web = join(repoRoot, "web");
const lock = join(web, ".build-lock");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newest(join(path, name))));
}

function stale(): boolean {
  const index = join(web, "dist/index.html");
  if (!existsSync(index)) return true;
  const sources = ["src", "index.html", "vite.config.ts", "package-lock.json"].map((p) =>
    newest(join(web, p)),
  );
  return statSync(index).mtimeMs < Math.max(...sources);
}

function lockAge(): number {
  try {
    return Date.now() - statSync(lock).mtimeMs;
  } catch {
    return 0; // released meanwhile
  }
}

export async function buildWeb(): Promise<void> {
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Another test file is building (a build takes seconds): a lock older than two
      // minutes was left by a killed run.
      if (lockAge() > 120_000) rmSync(lock, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    if (!existsSync(join(web, "node_modules/.bin/vite"))) {
      execFileSync(npm, ["--prefix", web, "ci", "--no-audit", "--no-fund"], { stdio: "inherit" });
    }
    if (stale()) execFileSync(npm, ["--prefix", web, "run", "build"], { stdio: "inherit" });
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
