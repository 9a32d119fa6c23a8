// The Sandbox port's contract, held by every adapter that runs code: bubblewrap spawning a
// runner per run, bubblewrap forking runners from warm fork servers, `process` isolation,
// and the sandbox host process in front of a pool (RemoteSandbox). One list of behaviours,
// the same assertions for each; what differs between them (namespaces, uids, memory
// mechanism) has its own tests beside this one.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SandboxOptions } from "../../../src/execution/sandbox/create-sandbox.js";
import { NoSandbox } from "../../../src/execution/sandbox/no-sandbox.js";
import {
  executionResultSchema,
  type OutputChunk,
  type Sandbox,
} from "../../../src/execution/sandbox/sandbox.js";
import { testUid } from "../../helpers/uids.js";
import { makeSandbox } from "./helpers.js";

const adapters: [string, number, Partial<SandboxOptions>][] = [
  ["bwrap, a spawned runner per run", 64200, { mode: "spawn" }],
  ["bwrap, runners forked from fork servers", 64240, { mode: "fork" }],
  ["process isolation (explicit opt-in)", 64280, { kind: "process", allowProcess: true }],
  ["the sandbox host process (RemoteSandbox)", 64320, { inProcess: false }],
];

const runOf = (sb: Sandbox, code: string, over: { stdin?: string; timeoutMs?: number } = {}) =>
  sb.run({
    code,
    stdin: over.stdin ?? "",
    timeoutMs: over.timeoutMs ?? 10_000,
    enforcePolicy: true,
  });

describe.each(adapters)("Sandbox contract: %s", (_name, uidBase, over) => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await makeSandbox(testUid(uidBase), {
      poolSize: 1,
      maxConcurrent: 2,
      uidCount: 16,
      maxOutputBytes: 64 * 1024,
      ...over,
    });
  });
  afterAll(async () => {
    await sb?.close();
  });

  it("says how it isolates, and its stats are all zero at rest", () => {
    expect(sb.isolation).toBe(over.kind ?? "bwrap");
    expect(["cgroup-v2", "cgroup-v1", "watchdog"]).toContain(sb.memory);
    const s = sb.stats();
    expect(s.busy).toBe(0);
    expect(s.queued).toBe(0);
    expect(s.warm).toBeGreaterThanOrEqual(0);
  });

  it("runs a program with its stdin, and the result has exactly the API's shape", async () => {
    const r = await runOf(sb, "name = input()\nprint(f'hi {name}', sum(range(10)))", {
      stdin: "Ada\n",
    });
    expect(executionResultSchema.strict().parse(r)).toEqual(r);
    expect(r).toMatchObject({
      success: true,
      stdout: "hi Ada 45\n",
      stderr: "",
      error: null,
      error_type: null,
      timed_out: false,
      truncated: false,
      security_violations: [],
      figures: [],
    });
    expect(r.execution_time_ms).toBeGreaterThan(0);
  });

  it("streams output in order, and the chunks add up to stdout", async () => {
    const chunks: OutputChunk[] = [];
    const r = await sb.run({
      code: "import sys\nfor i in range(5):\n    print(i, flush=True)\nprint('err', file=sys.stderr)",
      stdin: "",
      timeoutMs: 10_000,
      enforcePolicy: true,
      onOutput: (c) => chunks.push(c),
    });
    const out = chunks.filter((c) => c.stream === "stdout").map((c) => c.data);
    expect(out.join("")).toBe(r.stdout);
    expect(r.stdout).toBe("0\n1\n2\n3\n4\n");
    expect(
      chunks
        .filter((c) => c.stream === "stderr")
        .map((c) => c.data)
        .join(""),
    ).toBe("err\n");
  });

  it("reports an uncaught exception by type, with the traceback on stderr", async () => {
    const r = await runOf(sb, "print('before')\nraise ValueError('bad value')");
    expect(r).toMatchObject({ success: false, stdout: "before\n", error_type: "ValueError" });
    expect(r.error).toContain("bad value");
    expect(r.stderr).toContain("Traceback");
  });

  it("refuses what the static policy refuses, with its position, and runs nothing", async () => {
    const r = await runOf(sb, "print('ran')\nimport socket");
    expect(r.success).toBe(false);
    expect(r.stdout).toBe("");
    expect(r.security_violations[0]).toMatchObject({ line: 2, column: 0 });
  });

  it("ends a program at its time limit, keeping the output printed before", async () => {
    const r = await runOf(sb, "print('started', flush=True)\nwhile True: pass", {
      timeoutMs: 600,
    });
    expect(r).toMatchObject({ success: false, timed_out: true, stdout: "started\n" });
  });

  it("cuts output at the cap and says so", async () => {
    const r = await runOf(sb, "print('x' * 200_000)");
    expect(r.truncated).toBe(true);
    expect(Buffer.byteLength(r.stdout)).toBeLessThanOrEqual(64 * 1024);
  });

  it("stops a run through its AbortSignal, as Cancelled", async () => {
    const ac = new AbortController();
    const started = sb.run({
      code: "print('tick', flush=True)\nwhile True: pass",
      stdin: "",
      timeoutMs: 10_000,
      enforcePolicy: true,
      onOutput: () => ac.abort(),
      signal: ac.signal,
    });
    const r = await started;
    expect(r).toMatchObject({ success: false, error_type: "Cancelled", timed_out: false });
    // Aborted before the call: nothing runs at all.
    const before = await sb.run({
      code: "print('ran')",
      stdin: "",
      timeoutMs: 10_000,
      enforcePolicy: true,
      signal: AbortSignal.abort(),
    });
    expect(before).toMatchObject({ error_type: "Cancelled", stdout: "", execution_time_ms: 0 });
  });

  it("gives every run a fresh interpreter (nothing of one run reaches the next)", async () => {
    const first = await runOf(
      sb,
      "import math, sys\nmath.pi = 3\nsys.modules['left_behind'] = math\nsys.setrecursionlimit(77)",
    );
    expect(first.success, first.stderr).toBe(true);
    const r = await runOf(
      sb,
      "import math, sys\nprint(math.pi, 'left_behind' in sys.modules, sys.getrecursionlimit() == 77)",
    );
    expect(r.stdout).toBe("3.141592653589793 False False\n");
  });

  it("runs a trusted tool in the same isolation, and refuses a path as a module", async () => {
    const v = (await sb.runTool(
      "static_analyzer",
      { code: "def f(xs):\n    for x in xs:\n        pass\n" },
      10_000,
    )) as { time_complexity?: string };
    expect(v.time_complexity).toBe("O(n)");
    await expect(sb.runTool("../etc", {}, 1000)).rejects.toThrow(/invalid tool module/);
  });
});

describe("Sandbox contract: a process without a sandbox (SANDBOX=none)", () => {
  it("says it runs nothing and refuses every run with a clear error instead of running it", async () => {
    const none: Sandbox = new NoSandbox();
    expect(none.isolation).toBe("none");
    await expect(runOf(none, "print(1)")).rejects.toThrow(/SANDBOX=none/);
    await expect(none.runTool("static_analyzer", { code: "" }, 1000)).rejects.toThrow(
      /SANDBOX=none/,
    );
    expect(none.stats()).toEqual({ warm: 0, busy: 0, queued: 0 });
    await none.close();
  });
});
