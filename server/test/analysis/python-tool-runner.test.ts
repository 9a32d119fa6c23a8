import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createLocalPythonToolRunner } from "../helpers/local-tool-runner.js";

// Throwaway tool modules that misbehave in the ways the runner must contain.
const dir = mkdtempSync(join(tmpdir(), "tool-runner-"));
const tools: Record<string, string> = {
  echo_run: "def run(payload):\n    return {'got': payload}\n",
  echo_analyze: "def analyze(x):\n    return {'x': x}\n",
  // Records its pid, then would write a marker after 10 s if nothing killed it.
  sleepy:
    "import os, time\ndef analyze(code):\n    open(code + '.pid', 'w').write(str(os.getpid()))\n    time.sleep(10)\n    open(code + '.woke', 'w').write('late')\n",
  chatty: "def analyze(code):\n    return 'x' * 100000\n",
  crashing: "def analyze(code):\n    raise RuntimeError('kaboom')\n",
  noisy: "def analyze(code):\n    print('not json')\n    return 1\n",
  greedy: "def analyze(code):\n    return len(bytearray(2 * 1024 ** 3))\n",
};
for (const [name, body] of Object.entries(tools)) writeFileSync(join(dir, `${name}.py`), body);
const runner = createLocalPythonToolRunner({ toolsDir: dir, maxOutputBytes: 10_000 });

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("local Python tool runner", () => {
  it("calls run(payload) when the module defines it", async () => {
    expect(await runner("echo_run", { code: "x", n: 1 }, 5_000)).toEqual({
      got: { code: "x", n: 1 },
    });
  });

  it("calls analyze(code) for a {code} payload, else analyze(payload)", async () => {
    expect(await runner("echo_analyze", { code: "abc" }, 5_000)).toEqual({ x: "abc" });
    expect(await runner("echo_analyze", [1, 2], 5_000)).toEqual({ x: [1, 2] });
  });

  it("kills a tool that runs past its timeout", async () => {
    const base = join(dir, "sleepy-run");
    // 2 s: the tool must have started and written its pid before it is killed (a python3
    // start-up with the tests beside it on two cores has passed 200 ms here).
    await expect(runner("sleepy", { code: base }, 2000)).rejects.toThrow(/timed out after 2000 ms/);
    // Killed, not merely abandoned: the process is gone and never reached the line after its
    // sleep. (A runner that waited the sleep out fails on the marker or the test timeout.)
    const pid = Number(readFileSync(`${base}.pid`, "utf8"));
    expect(() => process.kill(pid, 0)).toThrow(expect.objectContaining({ code: "ESRCH" }));
    expect(existsSync(`${base}.woke`)).toBe(false);
  });

  it("caps the output", async () => {
    await expect(runner("chatty", { code: "" }, 5_000)).rejects.toThrow(/exceeds 10000 bytes/);
  });

  it("reports crashes with the end of stderr", async () => {
    await expect(runner("crashing", { code: "" }, 5_000)).rejects.toThrow(/kaboom/);
  });

  it("reports output that is not JSON", async () => {
    await expect(runner("noisy", { code: "" }, 5_000)).rejects.toThrow(/invalid JSON/);
  });

  it("limits the memory a tool can take", async () => {
    await expect(runner("greedy", { code: "" }, 5_000)).rejects.toThrow(/MemoryError|exit/);
  });

  it("refuses module names that are not identifiers", async () => {
    await expect(runner("../etc/passwd", {}, 1_000)).rejects.toThrow(/invalid tool module name/);
    await expect(runner("missing_module", {}, 5_000)).rejects.toThrow(/ModuleNotFoundError/);
  });

  it("reports a python binary that does not exist", async () => {
    const broken = createLocalPythonToolRunner({ python: "/nonexistent/python3" });
    await expect(broken("static_analyzer", { code: "" }, 1_000)).rejects.toThrow(/ENOENT/);
  });

  it("runs the real static analyser by default", async () => {
    const real = createLocalPythonToolRunner();
    const out = (await real(
      "static_analyzer",
      { code: "def f(xs):\n    return sorted(xs)\n" },
      5_000,
    )) as {
      time_complexity: string;
    };
    expect(out.time_complexity).toBe("O(n log n)");
  });
});
