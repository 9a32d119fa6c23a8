#!/usr/bin/env node
// The web UI is its own npm package (web/). This keeps it installed and built from the
// root's npm lifecycle, so `npm install && npm start` is all a newcomer needs.
//   node scripts/web.mjs install        npm ci (under `npm ci`) or npm install in web/, then build
//   node scripts/web.mjs build-if-stale build when web/dist is missing or older than web/src
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const web = join(root, "web");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const run = (...args) => execFileSync(npm, ["--prefix", web, ...args], { stdio: "inherit" });

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

function buildIfStale() {
  const index = join(web, "dist", "index.html");
  const sources = [join(web, "src"), join(web, "index.html"), join(web, "vite.config.ts")].filter(
    existsSync,
  );
  const newestSource = Math.max(
    ...sources.map((s) => (statSync(s).isDirectory() ? newestMtime(s) : statSync(s).mtimeMs)),
  );
  if (existsSync(index) && statSync(index).mtimeMs >= newestSource) return;
  if (!existsSync(join(web, "node_modules"))) run("install", "--no-audit", "--no-fund");
  run("run", "build");
}

const command = process.argv[2];
if (command === "install") {
  run(process.env.npm_command === "ci" ? "ci" : "install", "--no-audit", "--no-fund");
  buildIfStale();
} else if (command === "build-if-stale") {
  buildIfStale();
} else {
  console.error("usage: web.mjs install | build-if-stale");
  process.exit(2);
}
