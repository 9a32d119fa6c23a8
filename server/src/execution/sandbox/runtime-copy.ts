// The runner's and the analyser's Python files, as the sandboxes see them: a read-only,
// content-addressed copy under the temp dir (<tmp>/code-remote-runtime-<uid>/<hash>/),
// made once at start. bwrap binds from it, so no path of the server's checkout appears
// inside a sandbox (a bind mount's source shows in /proc/self/mountinfo). Same content,
// same directory: a restart reuses it, and a killed server leaves nothing half-made (the
// copy is built in a staging directory and renamed into place).
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import {
  chmodSync,
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { promisify } from "node:util";
import { ANALYZER_TOOLS_DIR, RUNNER_DIR } from "./host-paths.js";

export interface RuntimeDirs {
  runner: string;
  /** Absent when the checkout has no analyser. */
  analyzer?: string;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "__pycache__" || entry.name.startsWith(".")) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(path));
    else if (entry.isFile()) out.push(path);
  }
  return out.sort();
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The per-uid parent: ours alone, so everything below it was written by this uid. */
function ownRoot(): string {
  const uid = process.getuid?.() ?? 0;
  const root = join(tmpdir(), `code-remote-runtime-${uid}`);
  mkdirSync(root, { recursive: true, mode: 0o755 });
  const st = lstatSync(root);
  if (!st.isDirectory() || st.uid !== uid || (st.mode & 0o022) !== 0) {
    throw new Error(
      `${root} is not a directory of uid ${uid} that only it can write: refusing to run sandboxes from it`,
    );
  }
  return root;
}

function makeReadOnly(path: string): void {
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    const p = join(path, entry.name);
    if (entry.isDirectory()) makeReadOnly(p);
    else chmodSync(p, 0o444);
  }
  chmodSync(path, 0o555);
}

/**
 * Copies the runner (and analyser) into their content-addressed directory unless it is
 * there already, compiling their bytecode with `pythonPath` (sandboxes run with -B on a
 * read-only view: without it every start would recompile them).
 */
export async function prepareRuntimeCopy(pythonPath: string): Promise<RuntimeDirs> {
  const trees: [name: string, dir: string][] = [["runner", RUNNER_DIR]];
  if (existsSync(ANALYZER_TOOLS_DIR)) trees.push(["analyzer", ANALYZER_TOOLS_DIR]);
  const hash = createHash("sha256").update(pythonPath);
  const files: [name: string, from: string, rel: string][] = [];
  for (const [name, dir] of trees) {
    for (const file of sourceFiles(dir)) {
      const rel = relative(dir, file);
      hash.update(`\0${name}/${rel}\0`).update(readFileSync(file));
      files.push([name, file, rel]);
    }
  }
  const root = ownRoot();
  const final = join(root, hash.digest("hex").slice(0, 16));
  const dirs: RuntimeDirs = {
    runner: join(final, "runner"),
    ...(trees.length > 1 ? { analyzer: join(final, "analyzer") } : {}),
  };
  if (existsSync(final)) return dirs;
  // Staging directories of servers that died while copying.
  for (const name of readdirSync(root)) {
    const pid = /^\.staging-(\d+)-/.exec(name)?.[1];
    if (pid && !alive(Number(pid))) rmSync(join(root, name), { recursive: true, force: true });
  }
  const staging = join(root, `.staging-${process.pid}-${Date.now()}`);
  try {
    for (const [name, from, rel] of files) {
      const to = join(staging, name, rel);
      mkdirSync(join(to, ".."), { recursive: true, mode: 0o755 });
      copyFileSync(from, to);
    }
    await promisify(execFile)(
      pythonPath,
      [
        "-I",
        "-c",
        "import compileall, sys\nfor d in sys.argv[1:]: compileall.compile_dir(d, quiet=2)",
        ...trees.map(([name]) => join(staging, name)),
      ],
      { env: {}, timeout: 30_000 },
    );
    makeReadOnly(staging);
    chmodSync(staging, 0o755);
    renameSync(staging, final);
  } catch (e) {
    if (!existsSync(final)) throw e;
    // Another server with the same content got there first: use its copy.
  } finally {
    if (existsSync(staging)) {
      makeWritable(staging);
      rmSync(staging, { recursive: true, force: true });
    }
  }
  return dirs;
}

function makeWritable(path: string): void {
  chmodSync(path, 0o755);
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    const p = join(path, entry.name);
    if (entry.isDirectory()) makeWritable(p);
  }
}
