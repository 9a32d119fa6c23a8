// Finds, once at start-up, what the interpreter needs on the host: its real binary, its
// standard library, the shared-library directory and the python3-seccomp extension. The
// bwrap adapter binds exactly these read-only, nothing else of the host.
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
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
});
export type HostPaths = z.infer<typeof probeSchema>;

// Runs with site enabled (-I only) so python3-seccomp in dist-packages is findable. Also
// compiles the runner's modules once: sandboxes run with -B and a read-only view, so
// without a __pycache__ every start would recompile them (~3 ms each time; the
// analyser's bigo/ package, one level down, ~40 ms).
const PROBE = `
import compileall, json, os, sys, sysconfig
for d in sys.argv[1:]:
    if os.path.isdir(d):
        compileall.compile_dir(d, quiet=2, maxlevels=2)
arch = sysconfig.get_config_var("MULTIARCH") or ""
libdirs = [d for d in (os.path.join("/usr/lib", arch) if arch else "/usr/lib", "/usr/lib64") if os.path.isdir(d)]
try:
    import seccomp
    sc = os.path.realpath(seccomp.__file__)
except ImportError:
    sc = None
print(json.dumps({"executable": os.path.realpath(sys.executable),
  "stdlib": sysconfig.get_paths()["stdlib"], "libdirs": libdirs, "seccomp": sc}))
`;

export async function probeHostPaths(pythonPath: string): Promise<HostPaths> {
  if (!existsSync(pythonPath)) throw new Error(`python interpreter not found: ${pythonPath}`);
  const { stdout } = await promisify(execFile)(
    pythonPath,
    ["-I", "-c", PROBE, RUNNER_DIR, ANALYZER_TOOLS_DIR],
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
 * pays for building it (~0.7 ms each). Returns the file, or null without python3-seccomp.
 */
export async function compileSeccompFilter(paths: HostPaths, pythonPath: string) {
  if (!paths.seccomp) return null;
  const out = join(mkdtempSync(join(tmpdir(), "cr-seccomp-")), "filter.bpf");
  await promisify(execFile)(pythonPath, ["-I", join(RUNNER_DIR, "jail.py"), out], {
    env: {},
    timeout: 10_000,
  });
  return out;
}
