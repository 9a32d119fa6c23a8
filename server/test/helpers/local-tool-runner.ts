// Runs a trusted Python tool module (e.g. static_analyzer) in a plain child process with a
// hard timeout and an output cap: the ToolRunner of tests and benchmarks that have no
// sandbox (a machine without bubblewrap). The module only parses the user's code as data,
// never runs it; the servers always use Sandbox.runTool. Same calling convention.
import { spawn } from "node:child_process";
import { ANALYZER_PYTHON_DIR, type ToolRunner } from "../../src/analysis/python-tool-runner.js";

export interface LocalPythonToolRunnerOptions {
  python?: string;
  toolsDir?: string;
  maxOutputBytes?: number;
  /** Address-space limit for the child, so a pathological parse cannot exhaust memory. */
  memoryLimitBytes?: number;
}

const MODULE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

// Mirrors the sandbox's tool entry: run(payload) if defined, else analyze(payload["code"]).
const BOOTSTRAP = `
import json, resource, sys
limit = int(sys.argv[3])
if limit > 0:
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
sys.path.insert(0, sys.argv[1])
mod = __import__(sys.argv[2])
payload = json.loads(sys.stdin.read())
if hasattr(mod, "run"):
    out = mod.run(payload)
elif isinstance(payload, dict) and "code" in payload:
    out = mod.analyze(payload["code"])
else:
    out = mod.analyze(payload)
sys.stdout.write(json.dumps(out))
`;

export function createLocalPythonToolRunner(
  options: LocalPythonToolRunnerOptions = {},
): ToolRunner {
  const python = options.python ?? "/usr/bin/python3";
  const toolsDir = options.toolsDir ?? ANALYZER_PYTHON_DIR;
  const maxOutput = options.maxOutputBytes ?? 1_000_000;
  const memory = options.memoryLimitBytes ?? 512 * 1024 * 1024;

  return (module, payload, timeoutMs) =>
    new Promise((resolve, reject) => {
      if (!MODULE_NAME.test(module)) {
        reject(new Error(`invalid tool module name: ${module}`));
        return;
      }
      const child = spawn(python, ["-I", "-B", "-c", BOOTSTRAP, toolsDir, module, String(memory)], {
        stdio: ["pipe", "pipe", "pipe"],
        env: {},
      });
      const out: Buffer[] = [];
      let outBytes = 0;
      let errTail = "";
      let failure: Error | null = null;
      const fail = (err: Error) => {
        failure ??= err;
        child.kill("SIGKILL");
      };
      const timer = setTimeout(
        () => fail(new Error(`tool ${module} timed out after ${timeoutMs} ms`)),
        timeoutMs,
      );
      child.stdout.on("data", (chunk: Buffer) => {
        outBytes += chunk.length;
        if (outBytes > maxOutput)
          fail(new Error(`tool ${module} output exceeds ${maxOutput} bytes`));
        else out.push(chunk);
      });
      child.stderr.on("data", (chunk: Buffer) => {
        errTail = (errTail + chunk.toString("utf8")).slice(-2000);
      });
      child.on("error", (err) => fail(err));
      child.on("close", (code) => {
        clearTimeout(timer);
        if (failure) return reject(failure);
        if (code !== 0)
          return reject(new Error(`tool ${module} failed (exit ${code}): ${errTail.slice(-500)}`));
        try {
          resolve(JSON.parse(Buffer.concat(out).toString("utf8")));
        } catch {
          reject(new Error(`tool ${module} printed invalid JSON`));
        }
      });
      child.stdin.on("error", () => {}); // the child may exit before reading everything
      child.stdin.end(JSON.stringify(payload));
    });
}
