#!/usr/bin/env node
// Compiles the server to JavaScript (server/src → server/dist, same layout, so paths the code
// derives from import.meta.url — the Python runner, the migrations, package.json — still
// resolve) and copies the files the code reads at run time (the sandbox's and the analyser's
// Python). Production runs the output with plain `node`: no TypeScript loader in memory.
//   node scripts/build.mjs             incremental build
//   node scripts/build.mjs --if-stale  build only when a source is newer than the last build
import { spawnSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const src = join(root, "server", "src");
const out = join(root, "server", "dist");
const stamp = join(out, ".build-stamp");
const inputs = [src, join(root, "tsconfig.json"), join(root, "tsconfig.build.json")];

/** Files of a tree, skipping Python's byte-code caches (written at run time). */
function walk(dir, files = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "__pycache__") continue;
    const p = join(dir, entry.name);
    if (entry.isDirectory()) walk(p, files);
    else files.push(p);
  }
  return files;
}

const mtime = (p) => statSync(p).mtimeMs;
const newestInput = () =>
  Math.max(
    ...inputs
      .filter(existsSync)
      .map((p) => (statSync(p).isDirectory() ? Math.max(0, ...walk(p).map(mtime)) : mtime(p))),
  );

function isStale() {
  return !existsSync(stamp) || mtime(stamp) < newestInput();
}

/** Removes output directories whose source directory is gone (moved or deleted folders). */
function pruneDirs(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name === "__pycache__") continue;
    const p = join(dir, entry.name);
    if (existsSync(join(src, relative(out, p)))) pruneDirs(p);
    else rmSync(p, { recursive: true, force: true });
  }
}

/** Source file (relative to src) that an output file (relative to out) came from. */
function sourceOf(rel) {
  if (rel.endsWith(".js.map")) return rel.replace(/\.js\.map$/, ".ts");
  if (rel.endsWith(".js")) return rel.replace(/\.js$/, ".ts");
  return rel;
}

function compile() {
  let tsc;
  try {
    tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  } catch {
    if (existsSync(stamp)) {
      console.warn("build: TypeScript is not installed (production install); using server/dist");
      return;
    }
    console.error(
      "build: server/dist is missing and TypeScript is not installed: run `npm install` (with dev dependencies), then `npm run build`",
    );
    process.exit(1);
  }
  const r = spawnSync(process.execPath, [tsc, "-p", join(root, "tsconfig.build.json")], {
    stdio: "inherit",
  });
  if (r.status !== 0) {
    console.error("build: the TypeScript compiler reported errors (above)");
    process.exit(r.status ?? 1);
  }
  // Run-time assets beside the code that reads them; module READMEs are documentation.
  for (const file of walk(src)) {
    const rel = relative(src, file);
    if (rel.endsWith(".ts") || rel.endsWith("README.md")) continue;
    const target = join(out, rel);
    if (existsSync(target) && mtime(target) >= mtime(file)) continue;
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(file, target);
  }
  // Outputs whose source was moved or deleted would otherwise linger and could be imported.
  pruneDirs(out);
  for (const file of walk(out)) {
    const rel = relative(out, file);
    if (rel.startsWith(".")) continue;
    if (!existsSync(join(src, sourceOf(rel)))) rmSync(file);
  }
  writeFileSync(stamp, `${new Date().toISOString()}\n`);
}

if (process.argv[1] && new URL(import.meta.url).pathname === process.argv[1]) {
  if (!process.argv.includes("--if-stale") || isStale()) compile();
}
