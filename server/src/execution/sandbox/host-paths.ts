// Finds, once at start-up, what the interpreter needs on the host: its real binary, its
// standard library, the shared-library directory and the python3-seccomp extension. The
// bwrap adapter binds exactly these read-only, nothing else of the host.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { z } from "zod";

const here = dirname(fileURLToPath(import.meta.url));
export const RUNNER_DIR = join(here, "python");
export const ANALYZER_TOOLS_DIR = join(here, "..", "..", "analysis", "python");

const probeSchema = z.object({
  executable: z.string(),
  stdlib: z.string(),
  libdirs: z.array(z.string()),
  seccomp: z.string().nullable(),
  /** Directories added to the runner's sys.path (where the bundled packages live). */
  sitepath: z.array(z.string()).default([]),
  /** Read-only binds at the same path: the bundled packages and what they link to. */
  extra: z.array(z.string()).default([]),
  /** [real file, path inside]: libraries chosen through /etc/alternatives. */
  alternatives: z.array(z.tuple([z.string(), z.string()])).default([]),
  /** Bundled packages found on the host. */
  packages: z.array(z.string()).default([]),
  /** The host's time zone file (/etc/localtime's target) when it lies in a bound zoneinfo
   * directory: the sandbox gets the same link, so local time is the host's, as at home. */
  localtime: z.string().nullish(),
  /**
   * How deep a recursion from a program's top level gets under python3 before
   * RecursionError (the default limit): the runner runs the program a few frames further
   * down and lifts the limit by the difference, so depths and tracebacks match.
   */
  mainDepth: z.number().int().nonnegative().optional(),
});
export type HostPaths = z.infer<typeof probeSchema>;

/**
 * The scientific stack bound into the sandbox (Debian python3-numpy, -pandas, -scipy,
 * -matplotlib) and the modules they import: each top-level package is bound at its own
 * path, nothing else of dist-packages. Missing ones are skipped.
 */
export const BUNDLED_PACKAGES = [
  "numpy",
  "pandas",
  "scipy",
  "matplotlib",
  "mpl_toolkits",
  "PIL",
  "contourpy",
  "cycler",
  "dateutil",
  "fontTools",
  "kiwisolver",
  "packaging",
  "pyparsing",
  "pytz",
  "six",
  // pandas uses these when present; without them its results could differ from python3's.
  "bottleneck",
  "numexpr",
];

// Runs with site enabled (-I only) so python3-seccomp and the bundled packages in
// dist-packages are findable (by spec, without importing them). Also compiles the
// runner's modules once: sandboxes run with -B and a read-only view, so without a
// __pycache__ every start would recompile them (~3 ms each time; the analyser's bigo/
// package, one level down, ~40 ms). Symlinks out of a bound package (matplotlib's
// mpl-data lives in /usr/share) add their targets; libraries that the loader finds
// through /etc/alternatives (BLAS, LAPACK) are bound as real files in /usr/lib.
const PROBE = `
import compileall, importlib.util, json, os, sys, sysconfig
packages = sys.argv[1].split(",")
for d in sys.argv[2:]:
    if os.path.isdir(d):
        compileall.compile_dir(d, quiet=2, maxlevels=2)
arch = sysconfig.get_config_var("MULTIARCH") or ""
libdirs = [d for d in (os.path.join("/usr/lib", arch) if arch else "/usr/lib", "/usr/lib64") if os.path.isdir(d)]
try:
    import seccomp
    sc = os.path.realpath(seccomp.__file__)
except ImportError:
    sc = None
stdlib = sysconfig.get_paths()["stdlib"]
roots, sitepath, found = [], [], []
for name in packages:
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        spec = None
    if spec is None or not spec.origin or spec.origin in ("built-in", "frozen"):
        continue
    path = spec.submodule_search_locations[0] if spec.submodule_search_locations else spec.origin
    path = os.path.abspath(path)
    parent = os.path.dirname(path)
    if path.startswith(stdlib + os.sep) or os.path.basename(parent) not in ("dist-packages", "site-packages"):
        continue
    roots.append(path)
    found.append(name)
    if parent not in sitepath:
        sitepath.append(parent)
def inside(p, dirs):
    return any(p == d or p.startswith(d.rstrip(os.sep) + os.sep) for d in dirs)
extra, queue = [], list(roots)
while queue:
    top = queue.pop()
    extra.append(top)
    if not os.path.isdir(top):
        continue
    for base, dirs, files in os.walk(top):
        for entry in dirs + files:
            p = os.path.join(base, entry)
            if os.path.islink(p):
                real = os.path.realpath(p)
                # Web assets (jquery for the webagg backend, which needs a network) stay out.
                if real.startswith("/usr/share/javascript/"):
                    continue
                if os.path.exists(real) and not inside(real, extra + queue + libdirs + [stdlib]):
                    queue.append(real)
alternatives = []
for d in libdirs:
    for entry in sorted(os.listdir(d)):
        p = os.path.join(d, entry)
        if ".so." in entry and os.path.islink(p) and os.readlink(p).startswith("/etc/"):
            real = os.path.realpath(p)
            if os.path.isfile(real) and not real.startswith("/etc/"):
                alternatives.append([real, os.path.join("/usr/lib", entry)])
# Shared libraries directly in /usr/lib, outside the multiarch dir: Debian puts a few there
# (tk8.6-blt2.5's libBLT, which the stdlib's _tkinter links to; without it \`import tkinter\`
# and \`import turtle\` failed on a missing .so instead of python3's "no display").
if arch:
    for entry in sorted(os.listdir("/usr/lib")):
        p = os.path.join("/usr/lib", entry)
        if ".so." in entry and os.path.isfile(p) and not os.path.islink(p):
            extra.append(p)
# Data outside the packages: time zones (zoneinfo, pytz, dateutil), Tcl/Tk's script library
# (init.tcl, read before Tk looks for a display), Debian's matplotlib data (mpl-data with
# its fonts, found by a fixed path, not a symlink), the C.UTF-8 locale, which python3
# switches a C locale to at start (PEP 538: LC_CTYPE=C.UTF-8, locale.getencoding() UTF-8),
# and the terminfo database (curses reports a missing terminal as python3 does).
data = ["/usr/share/zoneinfo", "/usr/share/tcltk", "/usr/lib/locale/C.utf8",
        "/usr/lib/terminfo", "/usr/share/terminfo"] + (
    ["/usr/share/matplotlib"] if "matplotlib" in found else [])
for z in data:
    if os.path.isdir(z):
        extra.append(os.path.realpath(z))
_localtime = os.path.realpath("/etc/localtime")
if not (os.path.isfile(_localtime) and any(_localtime.startswith(z + "/") for z in extra)):
    _localtime = None
# Run here at module level, as a program's top level runs under python3 (sandbox_runner.py
# RECURSION_PROBE is the same code).
def _probe():
    global _depth
    _depth += 1
    _probe()
_depth = 0
try:
    _probe()
except RecursionError:
    pass
print(json.dumps({"executable": os.path.realpath(sys.executable),
  "stdlib": stdlib, "libdirs": libdirs, "seccomp": sc, "sitepath": sitepath,
  "extra": extra, "alternatives": alternatives, "packages": found, "mainDepth": _depth,
  "localtime": _localtime}))
`;

export async function probeHostPaths(pythonPath: string): Promise<HostPaths> {
  if (!existsSync(pythonPath)) throw new Error(`python interpreter not found: ${pythonPath}`);
  const { stdout } = await promisify(execFile)(
    pythonPath,
    ["-I", "-c", PROBE, BUNDLED_PACKAGES.join(","), RUNNER_DIR, ANALYZER_TOOLS_DIR],
    {
      env: {},
      timeout: 10_000,
    },
  );
  return probeSchema.parse(JSON.parse(stdout));
}

/**
 * Compiles the seccomp deny-list (python/jail.py) to a BPF program once, for bwrap's
 * --seccomp: the filter then guards the whole interpreter from exec on, and no sandbox
 * pays for building it (~0.7 ms each). Returns the program, kept in memory and handed to
 * each bwrap through a pipe (no file to leave behind), or null without python3-seccomp.
 */
export async function compileSeccompFilter(
  paths: HostPaths,
  pythonPath: string,
  /** Also refuse memfd_create and SysV shared memory (the memory watchdog, memory-limit.ts). */
  denySharedMemory = false,
): Promise<Buffer | null> {
  if (!paths.seccomp) return null;
  const args = ["-I", join(RUNNER_DIR, "jail.py"), ...(denySharedMemory ? ["noshm"] : [])];
  const { stdout } = await promisify(execFile)(pythonPath, args, {
    env: {},
    timeout: 10_000,
    encoding: "buffer",
  });
  if (stdout.length === 0 || stdout.length % 8 !== 0) {
    throw new Error(`the seccomp filter did not compile (${stdout.length} bytes)`);
  }
  return stdout;
}
