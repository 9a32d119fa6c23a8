#!/usr/bin/env node
// Makes the README's two commands the whole set-up: checks the system packages the sandbox
// needs (scripts/system-packages.txt) and, when they are missing, installs them as root on
// Debian/Ubuntu, or else says exactly what to run — never a stack trace.
//   node scripts/setup.mjs           check; install what is missing (root + apt-get); exit 1 if still missing
//   node scripts/setup.mjs --warn    the same, but only warn (exit 0): `npm install` must not fail
//                                    for a missing system package, `npm start` must
// Hand-written: no npm package knows our packages and checks; this stays dependency-free so it
// runs before anything is installed.
import { spawnSync } from "node:child_process";
import { accessSync, constants, existsSync, readFileSync } from "node:fs";
import { delimiter, join } from "node:path";

const LIST = new URL("system-packages.txt", import.meta.url);
const warnOnly = process.argv.includes("--warn");
const python = process.env.PYTHON_PATH || "/usr/bin/python3";
const sandbox = process.env.SANDBOX || "bwrap";

function onPath(name) {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (!dir) continue;
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // not here
    }
  }
  return null;
}

function readList() {
  const packages = [];
  for (const raw of readFileSync(LIST, "utf8").split("\n")) {
    const line = raw.replace(/#.*/, "").trim();
    if (!line) continue;
    const onlyBwrap = line.endsWith("[bwrap]");
    const [name, kind, arg] = line
      .replace(/\[bwrap\]$/, "")
      .trim()
      .split(/\s+/);
    packages.push({ name, kind, arg, onlyBwrap });
  }
  return packages;
}

function present({ kind, arg }) {
  if (kind === "command") return onPath(arg) !== null;
  if (kind === "file") return existsSync(arg);
  if (kind === "python") {
    const code = arg ? `import ${arg}` : "pass";
    const r = spawnSync(python, ["-I", "-c", code], { stdio: "ignore", timeout: 30_000 });
    return r.status === 0;
  }
  if (kind === "module") {
    const code = `import importlib.util, sys; sys.exit(importlib.util.find_spec(${JSON.stringify(arg)}) is None)`;
    const r = spawnSync(python, ["-I", "-c", code], { stdio: "ignore", timeout: 30_000 });
    return r.status === 0;
  }
  throw new Error(`system-packages.txt: unknown check "${kind}"`);
}

const missingOf = (packages) =>
  packages.filter((p) => (!p.onlyBwrap || sandbox === "bwrap") && !present(p));

function debianLike() {
  if (!onPath("apt-get")) return false;
  try {
    const release = readFileSync(process.env.OS_RELEASE_FILE || "/etc/os-release", "utf8");
    return /^(ID|ID_LIKE)=.*\b(debian|ubuntu)\b/m.test(release);
  } catch {
    return false;
  }
}

function aptGet(args) {
  const r = spawnSync("apt-get", args, {
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
  return r.status === 0;
}

function explain(missing, reason) {
  const names = missing.map((p) => p.name);
  const all = readList()
    .filter((p) => !p.onlyBwrap || sandbox === "bwrap")
    .map((p) => p.name);
  const lines = [
    "",
    `Code Remote: the sandbox needs system packages that are missing: ${names.join(", ")}.`,
    reason,
  ];
  if (debianLike()) {
    lines.push("Install them with:", "", `  sudo apt-get install -y ${all.join(" ")}`, "");
  } else {
    lines.push(
      `On Debian or Ubuntu that is: apt-get install -y ${all.join(" ")}`,
      "Elsewhere, install the same with your system's package manager (bubblewrap provides the bwrap command).",
      "",
    );
  }
  lines.push("Then run `npm start` again.", "");
  console.error(lines.join("\n"));
}

function main() {
  const packages = readList();
  let missing = missingOf(packages);
  if (missing.length === 0) return 0;
  const root = process.getuid?.() === 0;
  if (root && debianLike()) {
    const names = missing.map((p) => p.name);
    console.error(`Code Remote: installing system packages for the sandbox: ${names.join(" ")}`);
    if (
      aptGet(["update", "-qq"]) &&
      aptGet(["install", "-y", "-qq", "--no-install-recommends", ...names])
    ) {
      missing = missingOf(packages);
      if (missing.length === 0) return 0;
    }
    explain(missing, "Installing them with apt-get did not succeed (its output is above).");
    return warnOnly ? 0 : 1;
  }
  explain(
    missing,
    root
      ? "This is not a Debian or Ubuntu system with apt-get, so they cannot be installed automatically."
      : "Installing them needs root; this runs as a normal user.",
  );
  return warnOnly ? 0 : 1;
}

process.exit(main());
