// Unit tests of the executor's pure parts: output capping and batching, the control
// channel, result mapping, the rate limiter, uid allocation and the service's rules.

import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from "node:fs";
import { constants, tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import pino from "pino";
import { describe, expect, it, vi } from "vitest";
import { createExecutorService } from "../../../src/execution/executor-service.js";
import { autoPoolSize, createSandbox } from "../../../src/execution/sandbox/create-sandbox.js";
import { RUNNER_DIR } from "../../../src/execution/sandbox/host-paths.js";
import {
  bwrapLauncher,
  DEFAULT_LIMITS,
  processLauncher,
} from "../../../src/execution/sandbox/launcher.js";
import {
  hostSocketBufferBytes,
  memoryErrorMessage,
  ownCgroupDirs,
  socketErrorMessage,
  socketLimitFor,
  socketsInUse,
} from "../../../src/execution/sandbox/memory-limit.js";
import { OutputCollector } from "../../../src/execution/sandbox/output-collector.js";
import {
  ControlReader,
  encodeRunJob,
  encodeToolJob,
  MAX_CONTROL_BYTES,
} from "../../../src/execution/sandbox/protocol.js";
import { toExecutionResult } from "../../../src/execution/sandbox/result-mapper.js";
import { prepareRuntimeCopy } from "../../../src/execution/sandbox/runtime-copy.js";
import type { ExecutionResult, OutputChunk } from "../../../src/execution/sandbox/sandbox.js";
import { childPids, signal, signalNumber } from "../../../src/execution/sandbox/signals.js";
import { UidAllocator } from "../../../src/execution/sandbox/uid-allocator.js";
import type { RawOutcome } from "../../../src/execution/sandbox/warm-process.js";
import { SecurityViolationError } from "../../../src/platform/errors.js";
import { loggerOptions } from "../../../src/platform/logger.js";
import { SlidingWindowLimiter } from "../../../src/platform/rate-limiter.js";
import { executionResult } from "../../helpers/execution-result.js";
import { testUid } from "../../helpers/uids.js";
import { sandboxOptions } from "./helpers.js";

describe("OutputCollector", () => {
  it("keeps streams apart and cuts at the shared byte cap", () => {
    const overflow = vi.fn();
    const c = new OutputCollector(10, overflow);
    c.push("stdout", Buffer.from("abcdef"));
    c.push("stderr", Buffer.from("123"));
    expect(overflow).not.toHaveBeenCalled();
    c.push("stdout", Buffer.from("XYZ"));
    c.push("stdout", Buffer.from("more"));
    expect(overflow).toHaveBeenCalledTimes(1);
    expect(c.finish()).toEqual({ stdout: "abcdefX", stderr: "123", truncated: true });
    expect(c.received).toEqual({ stdout: 13, stderr: 3 });
  });

  it("replaces invalid UTF-8 and keeps characters split across reads", () => {
    const c = new OutputCollector(100, () => {});
    const snake = Buffer.from("🐍");
    c.push("stdout", snake.subarray(0, 2));
    c.push("stdout", Buffer.concat([snake.subarray(2), Buffer.from([0xff, 0x41])]));
    expect(c.finish().stdout).toBe("🐍\ufffdA");
  });

  it("streams in batches: by size at once, else after a short delay, rest at the end", async () => {
    const chunks: OutputChunk[] = [];
    const c = new OutputCollector(
      1 << 20,
      () => {},
      (x) => chunks.push(x),
    );
    c.push("stdout", Buffer.from("a"));
    c.push("stdout", Buffer.from("b"));
    expect(chunks).toEqual([]);
    await new Promise((r) => setTimeout(r, 60));
    expect(chunks).toEqual([{ stream: "stdout", data: "ab" }]);
    c.push("stderr", Buffer.alloc(9000, 0x65));
    expect(chunks[1]).toEqual({ stream: "stderr", data: "e".repeat(9000) });
    const snake = Buffer.from("🐍");
    c.push("stdout", snake.subarray(0, 1));
    c.finish();
    expect(chunks.at(-1)).toEqual({ stream: "stdout", data: "\ufffd" });
  });
});

describe("protocol", () => {
  it("frames a run job: header with lengths, then code and stdin bytes", () => {
    const job = encodeRunJob({
      code: "print('é')",
      stdin: "in",
      timeoutMs: 1500.2,
      enforcePolicy: true,
      stream: false,
    });
    const text = job.toString("utf8");
    expect(text).toBe("run 1501 1 0 11 13\nprint('é')in");
  });

  it("frames a tool job and refuses module names that are not identifiers", () => {
    expect(encodeToolJob("static_analyzer", { code: "x" }, 2000).toString()).toBe(
      'tool static_analyzer 2000 12\n{"code":"x"}',
    );
    expect(encodeToolJob("t", undefined, 1).toString()).toBe("tool t 1 4\nnull");
    for (const bad of ["../x", "a.b", "", "1x", "a b"]) {
      expect(() => encodeToolJob(bad, {}, 1)).toThrow(/invalid tool module/);
    }
  });

  it("splits control lines, tolerates bad JSON and refuses floods", () => {
    const r = new ControlReader();
    r.push(Buffer.from('{"ready":true,"seccomp":true}\n{"succ'));
    r.push(Buffer.from('ess":true}\nnot json\n'));
    expect(r.messages).toEqual([{ ready: true, seccomp: true }, { success: true }, undefined]);
    r.push(Buffer.alloc(MAX_CONTROL_BYTES));
    expect(r.overflow).toBe(true);
    expect(r.messages).toHaveLength(3);
  });
});

describe("toExecutionResult", () => {
  const raw = (over: Partial<RawOutcome>): RawOutcome => ({
    verdict: { verdict: "ok" },
    message: undefined,
    stdout: "out",
    stderr: "",
    truncated: false,
    figures: [],
    figuresTruncated: false,
    timedOut: false,
    aborted: false,
    controlOverflow: false,
    exitSignal: null,
    exitCode: 0,
    wallMs: 12.3456,
    overLimit: null,
    ...over,
  });
  const ok = { success: true, error: null, error_type: null, execution_time_ms: 1.5 };

  it("a run over its memory limit is a MemoryError naming the limit, whatever else happened", () => {
    const r = toExecutionResult(
      raw({
        overLimit: { kind: "memory", limitBytes: 256 << 20 },
        timedOut: true,
        exitSignal: 9,
        exitCode: null,
      }),
      5000,
    );
    expect(r).toMatchObject({ success: false, error_type: "MemoryError", timed_out: false });
    expect(r.error).toBe(memoryErrorMessage(256 << 20));
    expect(r.error).toContain("256 MiB");
  });

  it("a run over its socket count is a MemoryError naming the count and the bytes it bounds", () => {
    const r = toExecutionResult(
      raw({
        overLimit: { kind: "sockets", maxSockets: 157, budgetBytes: 64 << 20 },
        exitSignal: 9,
        exitCode: null,
      }),
      5000,
    );
    expect(r).toMatchObject({ success: false, error_type: "MemoryError" });
    expect(r.error).toBe(socketErrorMessage(157, 64 << 20));
    expect(r.error).toContain("more than 157 sockets");
    expect(r.error).toContain("64 MiB");
  });

  it("passes a valid result through with the output", () => {
    expect(toExecutionResult(raw({ message: ok }), 1000)).toEqual({
      ...ok,
      stdout: "out",
      stderr: "",
      timed_out: false,
      truncated: false,
      security_violations: [],
      figures: [],
    });
  });

  it("timeout wins, with the wall time and the output so far", () => {
    const r = toExecutionResult(raw({ timedOut: true, exitSignal: 9, message: ok }), 2500);
    expect(r).toMatchObject({
      success: false,
      timed_out: true,
      error_type: "TimeoutError",
      error: "Execution timed out after 2.5 seconds",
      execution_time_ms: 12.346,
      stdout: "out",
    });
  });

  it.each([
    [{ aborted: true }, "Cancelled"],
    [{ truncated: true }, "OutputLimitExceeded"],
    [{ controlOverflow: true }, "SandboxError"],
    [{ message: { success: "yes" } }, "SandboxError"],
    [{ exitSignal: 24 }, "ResourceLimitExceeded"],
    [{ exitSignal: 25 }, "ResourceLimitExceeded"],
    [{ exitSignal: 11 }, "ProcessKilled"],
    [{ exitSignal: 31 }, "ProcessKilled"],
    [{ exitCode: 70 }, "SandboxError"],
    [{ verdict: undefined, exitCode: 1 }, "SandboxError"],
    [{ exitCode: 3 }, "SystemExit"],
  ] as [Partial<RawOutcome>, string][])("%j → %s", (over, type) => {
    const r = toExecutionResult(raw(over), 1000);
    expect(r.success).toBe(false);
    expect(r.error_type).toBe(type);
    expect(r.error).toBeTruthy();
  });

  it("a program that ends its process itself (os._exit) gets python3's exit status as its outcome", () => {
    expect(toExecutionResult(raw({ exitCode: 0 }), 1000)).toEqual({
      success: true,
      error: null,
      error_type: null,
      execution_time_ms: 12.346,
      stdout: "out",
      stderr: "",
      timed_out: false,
      truncated: false,
      security_violations: [],
      figures: [],
    });
    expect(toExecutionResult(raw({ exitCode: 3 }), 1000).error).toBe(
      "The program exited with status 3",
    );
  });

  it("names the signal of a crash", () => {
    expect(toExecutionResult(raw({ exitSignal: 11 }), 1).error).toContain("SIGSEGV");
    expect(toExecutionResult(raw({ exitSignal: 31 }), 1).error).toContain("SIGSYS");
  });

  it("says which limit or filter ended the run, for every signal whose default is to end it", () => {
    const byName = Object.entries(constants.signals) as [string, number][];
    // Default action stop, continue or ignore: never a death.
    const harmless = new Set([17, 18, 19, 20, 21, 22, 23, 28]);
    const fatal = [...new Set(byName.map(([, n]) => n))].filter((n) => !harmless.has(n));
    for (let n = 34; n <= 64; n++) fatal.push(n);
    for (const n of fatal) {
      const r = toExecutionResult(raw({ exitSignal: n }), 5000);
      const names = byName.filter(([, v]) => v === n).map(([k]) => k);
      if (n >= 34) expect(r.error).toContain(`SIGRTMIN+${n - 34}`);
      else expect(names.some((name) => r.error?.includes(name))).toBe(true);
      expect(r.error).not.toMatch(/signal \d/);
    }
    expect(toExecutionResult(raw({ exitSignal: 24 }), 5000)).toMatchObject({
      error_type: "ResourceLimitExceeded",
      error: expect.stringMatching(/^CPU time limit exceeded: .*7 s of CPU time \(RLIMIT_CPU/),
    });
    expect(toExecutionResult(raw({ exitSignal: 25 }), 5000)).toMatchObject({
      error_type: "ResourceLimitExceeded",
      error: expect.stringMatching(/^File size limit exceeded: .*16 MiB \(RLIMIT_FSIZE/),
    });
    expect(toExecutionResult(raw({ exitSignal: 31 }), 5000).error).toMatch(/system-call filter/);
    expect(toExecutionResult(raw({ exitSignal: 7 }), 5000).error).toMatch(/size limit/);
    expect(toExecutionResult(raw({ exitSignal: 11 }), 5000).error).toMatch(/C stack \(8 MiB\)/);
  });

  it("returns violations without execution time", () => {
    const v = { type: "forbidden_import", line: 1, column: 0, message: "no" };
    const r = toExecutionResult(raw({ verdict: { violations: [v] } }), 1000);
    expect(r).toMatchObject({ success: false, security_violations: [v], execution_time_ms: 0 });
  });

  it("believes a refusal only as the verdict: after ok, violations are an invalid result", () => {
    const v = { type: "forbidden_import", line: 1, column: 0, message: "attacker text" };
    const r = toExecutionResult(raw({ message: { violations: [v] } }), 1000);
    expect(r).toMatchObject({
      success: false,
      error_type: "SandboxError",
      error: "The program sent an invalid result",
      security_violations: [],
    });
    expect(r.error).not.toContain("attacker");
  });

  it("a run without a verdict died before its policy check ended", () => {
    const r = toExecutionResult(raw({ verdict: undefined, message: ok, exitCode: 1 }), 1000);
    expect(r).toMatchObject({
      success: false,
      error_type: "SandboxError",
      security_violations: [],
    });
  });
});

describe("SlidingWindowLimiter", () => {
  it("allows `limit` per 60 s window per key and says when to retry", () => {
    let now = 1_000_000;
    const l = new SlidingWindowLimiter(2, () => now);
    expect(l.hit("a")).toBe(0);
    now += 10_000;
    expect(l.hit("a")).toBe(0);
    expect(l.hit("b")).toBe(0);
    now += 1_000;
    expect(l.hit("a")).toBe(49); // the first event leaves the window 49 s from now
    now += 49_000;
    expect(l.hit("a")).toBe(0);
  });

  it("forgets idle users", () => {
    let now = 0;
    const l = new SlidingWindowLimiter(5, () => now);
    for (let i = 0; i < 999; i++) l.hit(`user${i}`);
    expect(l.size).toBe(999);
    now += 61_000;
    l.hit("fresh");
    expect(l.size).toBe(1);
  });

  it("refuses a nonsensical limit", () => {
    expect(() => new SlidingWindowLimiter(0)).toThrow("invalid rate limit 0");
  });
});

describe("UidAllocator", () => {
  it("hands out distinct uids and reuses freed ones last", () => {
    const a = new UidAllocator(61000, 3);
    expect([a.take(), a.take()]).toEqual([61000, 61001]);
    a.release(61000);
    expect([a.take(), a.take(), a.take()]).toEqual([61002, 61000, undefined]);
    expect(a.available).toBe(0);
  });

  it("refuses root-ish or empty ranges", () => {
    expect(() => new UidAllocator(0, 10)).toThrow("invalid sandbox uid range 0+10");
    expect(() => new UidAllocator(61000, 0)).toThrow("invalid sandbox uid range 61000+0");
  });
});

/** The server's own logger options at `level`, writing to memory: parsed lines and raw. */
function captureLogger(level = "info") {
  const lines: Record<string, unknown>[] = [];
  const raw: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      raw.push(String(chunk));
      lines.push(JSON.parse(String(chunk)));
      cb();
    },
  });
  return { logger: pino(loggerOptions(level), sink), lines, raw };
}

describe("executor service", () => {
  const result = executionResult;

  it("runs with the policy on and writes one audit line without the code", async () => {
    const { logger, lines } = captureLogger();
    const run = vi.fn().mockResolvedValue(result());
    const seen: unknown[] = [];
    const onOutput = (c: unknown) => {
      seen.push(c);
    };
    const svc = createExecutorService({ sandbox: { run }, logger });
    await svc.execute({
      userId: "u1",
      jobId: "j1",
      code: "print(1)",
      timeoutSeconds: 2.5,
      onOutput,
    });
    expect(run).toHaveBeenCalledWith({
      code: "print(1)",
      stdin: "",
      timeoutMs: 2500,
      enforcePolicy: true,
      onOutput: expect.any(Function),
      signal: undefined,
    });
    // Output reaches the caller, made well-formed on the way (issue 10 item 4).
    run.mock.calls[0]?.[0].onOutput({ stream: "stdout", data: "a\udcff" });
    expect(seen).toEqual([{ stream: "stdout", data: "a\\udcff" }]);
    await new Promise((r) => setImmediate(r));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      audit: "execution",
      job_id: "j1",
      user_id: "u1",
      code_sha256: createHash("sha256").update("print(1)").digest("hex"),
      outcome: "success",
    });
    expect(JSON.stringify(lines[0])).not.toContain("print(1)");
    expect(typeof lines[0]?.duration_ms).toBe("number");
    expect(Date.parse(String(lines[0]?.time))).not.toBeNaN();
  });

  // SECURITY.md: an audit line per run, so a quieter LOG_LEVEL must not drop it; and one
  // `time` per line (pino's own and the audit's were both written, the JSON had two).
  it.each(["warn", "error", "fatal"])(
    "writes the audit line at LOG_LEVEL=%s too, with one time field",
    async (level) => {
      const { logger, lines, raw } = captureLogger(level);
      const svc = createExecutorService({ sandbox: { run: async () => result() }, logger });
      await svc.execute({ userId: "u", jobId: "j", code: "x", timeoutSeconds: 1 });
      logger.info("an ordinary info line, not written at this level");
      await new Promise((r) => setImmediate(r));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({ audit: "execution", job_id: "j", outcome: "success" });
      expect(raw[0]?.match(/"time":/g)).toHaveLength(1);
      expect(Date.parse(String(lines[0]?.time))).not.toBeNaN();
    },
  );

  it("writes nothing when logging is off (silent)", async () => {
    const { logger, lines } = captureLogger("silent");
    const svc = createExecutorService({ sandbox: { run: async () => result() }, logger });
    await svc.execute({ userId: "u", jobId: "j", code: "x", timeoutSeconds: 1 });
    await new Promise((r) => setImmediate(r));
    expect(lines).toHaveLength(0);
  });

  it.each([
    [{ success: false, error_type: "ValueError" }, "failure"],
    [{ success: false, timed_out: true }, "timeout"],
  ] as [Partial<ExecutionResult>, string][])("audits %j as %s", async (over, outcome) => {
    const { logger, lines } = captureLogger();
    const svc = createExecutorService({
      sandbox: { run: async () => result(over) },
      logger,
    });
    const r = await svc.execute({
      userId: "u",
      jobId: "j",
      code: "x",
      stdin: "in",
      timeoutSeconds: 1,
    });
    expect(r.success).toBe(false);
    await new Promise((res) => setImmediate(res));
    expect(lines[0]?.outcome).toBe(outcome);
  });

  it("throws SecurityViolationError with the violations, audited as violation", async () => {
    const { logger, lines } = captureLogger();
    const v = [{ type: "forbidden_import", line: 1, column: 0, message: "no os" }];
    const svc = createExecutorService({
      sandbox: { run: async () => result({ success: false, security_violations: v }) },
      logger,
    });
    const err = await svc
      .execute({ userId: "u", jobId: "j", code: "import os", timeoutSeconds: 1 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SecurityViolationError);
    expect((err as SecurityViolationError).violations).toEqual(v);
    await new Promise((res) => setImmediate(res));
    expect(lines[0]?.outcome).toBe("violation");
  });
});

describe("createSandbox", () => {
  it("refuses process isolation unless explicitly allowed", async () => {
    await expect(
      createSandbox(sandboxOptions(testUid(62600), { kind: "process" })),
    ).rejects.toThrow(/process isolation/);
  });

  it("fails fast on a missing interpreter or a too small uid range", async () => {
    await expect(
      createSandbox(sandboxOptions(testUid(62600), { pythonPath: "/nonexistent/python3" })),
    ).rejects.toThrow(/not found/);
    await expect(createSandbox(sandboxOptions(testUid(62600), { uidCount: 3 }))).rejects.toThrow(
      /uidCount/,
    );
  });

  it("sizes the pool from the cores", () => {
    expect(autoPoolSize(1)).toBe(2);
    expect(autoPoolSize(2)).toBe(4);
    expect(autoPoolSize(64)).toBe(16);
    expect(autoPoolSize()).toBeGreaterThanOrEqual(2);
  });
});

describe("launchers", () => {
  const paths = {
    executable: "/usr/bin/python3.11",
    stdlib: "/usr/lib/python3.11",
    libdirs: ["/usr/lib/x86_64-linux-gnu"],
    seccomp: "/usr/lib/python3/dist-packages/seccomp.so",
    sitepath: ["/usr/lib/python3/dist-packages"],
    extra: ["/usr/lib/python3/dist-packages/numpy", "/usr/share/zoneinfo"],
    alternatives: [
      ["/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3", "/usr/lib/libblas.so.3"],
    ] as [string, string][],
    packages: ["numpy"],
  };
  const base = {
    paths,
    limits: DEFAULT_LIMITS,
    extraAllowedModules: ["numpy"],
    preimport: [],
    policyProfile: "standard" as const,
  };

  it("bwrap: hands a compiled filter to bwrap as fd 4, else binds the extension", () => {
    const bpf = Buffer.alloc(16);
    const compiled = bwrapLauncher({ ...base, seccompBpf: bpf });
    expect(compiled.seccompFilter).toBe(bpf);
    expect(compiled.args.join(" ")).toContain("--seccomp 4");
    expect(compiled.args).toContain("seccomp=");
    const loaded = bwrapLauncher({ ...base, seccompBpf: null });
    expect(loaded.seccompFilter).toBeUndefined();
    expect(loaded.args.join(" ")).toContain(
      "--ro-bind /usr/lib/python3/dist-packages/seccomp.so /opt/seccomp/seccomp.so",
    );
    expect(loaded.args).toContain("seccomp=/opt/seccomp");
    expect(loaded.args).toContain("allowed=numpy");
    expect(loaded.args).toContain("profile=standard");
    expect(loaded.args).toContain("sitepath=/usr/lib/python3/dist-packages");
    expect(loaded.args.join(" ")).toContain(
      "--ro-bind /usr/lib/python3/dist-packages/numpy /usr/lib/python3/dist-packages/numpy",
    );
    expect(loaded.args.join(" ")).toContain(
      "--ro-bind /usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3 /usr/lib/libblas.so.3",
    );
    for (const flag of ["--unshare-all", "--die-with-parent", "--new-session", "--clearenv"]) {
      expect(loaded.args).toContain(flag);
    }
  });

  it("process: the same runner, loading seccomp itself", () => {
    const l = processLauncher(base);
    expect(l.command).toBe("/usr/bin/python3.11");
    expect(l.args).toContain("seccomp=/usr/lib/python3/dist-packages");
    const none = processLauncher({ ...base, paths: { ...paths, seccomp: null } });
    expect(none.args).toContain("seccomp=");
  });
});

describe("signals", () => {
  it("maps exit states to signal numbers (bwrap reports 128 + N)", () => {
    expect(signalNumber(null, "SIGKILL")).toBe(9);
    expect(signalNumber(139, null)).toBe(11);
    expect(signalNumber(1, null)).toBeNull();
    expect(signalNumber(null, null)).toBeNull();
  });

  it("tolerates processes that are already gone", () => {
    expect(signal(2 ** 22 + 12345)).toBe(false);
    expect(childPids(2 ** 22 + 12345)).toEqual([]);
  });
});

describe("prepareRuntimeCopy: the runner as sandboxes see it (issue 10 item 9)", () => {
  const inTmp = async <T>(fn: (dir: string) => Promise<T>): Promise<T> => {
    const dir = mkdtempSync(join(tmpdir(), "cr-runtime-"));
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = dir;
    try {
      return await fn(dir);
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
      rmSync(dir, { recursive: true, force: true });
    }
  };

  it("is a read-only, content-addressed copy with compiled bytecode, reused by the next start", async () => {
    await inTmp(async (dir) => {
      const first = await prepareRuntimeCopy("/usr/bin/python3");
      expect(first.runner.startsWith(join(dir, `code-remote-runtime-${process.getuid?.()}`))).toBe(
        true,
      );
      expect(readFileSync(join(first.runner, "wire.py"), "utf8")).toBe(
        readFileSync(join(RUNNER_DIR, "wire.py"), "utf8"),
      );
      expect(statSync(join(first.runner, "wire.py")).mode & 0o777).toBe(0o444);
      expect(statSync(first.runner).mode & 0o777).toBe(0o555);
      expect(
        readdirSync(join(first.runner, "__pycache__")).some((n) => n.startsWith("wire.")),
      ).toBe(true);
      expect(await prepareRuntimeCopy("/usr/bin/python3")).toEqual(first);
      // Nothing but the one copy: no staging directory left.
      expect(readdirSync(join(first.runner, "../.."))).toHaveLength(1);
    });
  });

  it("refuses a parent directory others can write", async () => {
    await inTmp(async (dir) => {
      const parent = join(dir, `code-remote-runtime-${process.getuid?.()}`);
      mkdirSync(parent);
      chmodSync(parent, 0o777);
      await expect(prepareRuntimeCopy("/usr/bin/python3")).rejects.toThrow(/only it can write/);
    });
  });
});

describe("the socket bound (memory-limit.ts)", () => {
  it("allows what keeps two buffers per socket within the budget", () => {
    expect(socketLimitFor(212_992, 64 << 20)).toBe(157);
    expect(socketLimitFor(4 << 20, 64 << 20)).toBe(8);
    expect(socketLimitFor(1 << 30, 64 << 20)).toBe(1);
  });

  it("sizes a socket by the larger of the host's default send and receive buffers", () => {
    const at = (name: string) => Number(readFileSync(`/proc/sys/net/core/${name}`, "utf8"));
    expect(hostSocketBufferBytes()).toBe(Math.max(at("wmem_default"), at("rmem_default")));
  });

  it("reads a namespace's socket count from its sockstat", () => {
    const sockstat =
      "sockets: used 123\nTCP: inuse 0 orphan 0 tw 0 alloc 0 mem 0\nUDP: inuse 0 mem 0\n";
    expect(socketsInUse(sockstat)).toBe(123);
    expect(socketsInUse("")).toBe(0);
  });
});

describe("ownCgroupDirs (memory-limit.ts)", () => {
  const mountinfo = [
    "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755",
    "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime shared:9 - cgroup cgroup rw,memory",
    "39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids",
    "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw",
  ].join("\n");

  it("finds the v1 memory controller's directory and the unified one", () => {
    const cgroups = "8:pids:/\n4:memory:/process_api/abc\n0::/user.slice/x.scope\n";
    expect(ownCgroupDirs(cgroups, mountinfo)).toEqual({
      v1: "/sys/fs/cgroup/memory/process_api/abc",
      v2: "/sys/fs/cgroup/unified/user.slice/x.scope",
    });
  });

  it("reads a pure v2 host, and a container whose mount starts below the root", () => {
    const v2only = "40 23 0:30 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n";
    expect(ownCgroupDirs("0::/system.slice/app.service\n", v2only)).toEqual({
      v2: "/sys/fs/cgroup/system.slice/app.service",
    });
    const container = "40 23 0:30 /docker/c1 /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n";
    expect(ownCgroupDirs("0::/docker/c1/app\n", container)).toEqual({
      v2: "/sys/fs/cgroup/app",
    });
    // A cgroup outside what the mount shows (/docker/c10 is not under /docker/c1).
    expect(ownCgroupDirs("0::/docker/c10\n", container)).toEqual({ v2: undefined });
  });

  it("finds nothing without cgroup mounts", () => {
    expect(ownCgroupDirs("0::/\n", "22 1 0:21 / /proc rw - proc proc rw\n")).toEqual({});
  });
});

describe("the runner's rehearsal before ready", () => {
  it("checks and compiles a fixed program and keeps nothing of it", () => {
    // Modules, path, builtins, streams and __main__ as they were: the run starts as it
    // would have without the rehearsal (which only moves first-use costs before ready).
    const probe = `
import sys, builtins
sys.path.insert(0, ${JSON.stringify(RUNNER_DIR)})
import sandbox_runner
def state():
    return (sorted(sys.modules), list(sys.path), sorted(vars(builtins)),
            sys.stdout, sys.stderr, sys.modules["__main__"], sorted(vars(sys.modules["__main__"])))
def unchanged(profile):
    cfg = sandbox_runner.parse_config(["profile=" + profile])
    before = state()
    sandbox_runner.rehearse(cfg)
    return state() == before
print(unchanged("standard"), unchanged("original"))
`;
    const out = execFileSync("/usr/bin/python3", ["-I", "-S", "-B", "-c", probe], { env: {} });
    expect(out.toString()).toBe("True True\n");
  });
});
