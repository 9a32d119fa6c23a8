// The production shape: the pool in a sandbox host child process, reached over IPC.
import { EventEmitter } from "node:events";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSandbox } from "../../../src/execution/sandbox/create-sandbox.js";
import type { HostReply, HostRequest } from "../../../src/execution/sandbox/host-protocol.js";
import { PooledSandbox } from "../../../src/execution/sandbox/pooled-sandbox.js";
import { RemoteSandbox } from "../../../src/execution/sandbox/remote-sandbox.js";
import type { OutputChunk, Sandbox } from "../../../src/execution/sandbox/sandbox.js";
import { serveSandbox } from "../../../src/execution/sandbox/sandbox-host-server.js";
import { executionResult } from "../../helpers/execution-result.js";
import { testUid } from "../../helpers/uids.js";
import { processesOfUids, run, sandboxOptions } from "./helpers.js";

const UID_BASE = testUid(62700);

describe("sandbox host process", () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await createSandbox(sandboxOptions(UID_BASE, { inProcess: false }));
  });
  afterAll(() => sb.close());

  it("runs code, streams output and reports stats", async () => {
    expect(sb.isolation).toBe("bwrap");
    const chunks: OutputChunk[] = [];
    const r = await sb.run({
      code: "print(input())\nraise ValueError('v')",
      stdin: "from stdin\n",
      timeoutMs: 5000,
      enforcePolicy: true,
      onOutput: (c) => chunks.push(c),
    });
    expect(r.stdout).toBe("from stdin\n");
    expect(r.error_type).toBe("ValueError");
    expect(
      chunks
        .filter((c) => c.stream === "stdout")
        .map((c) => c.data)
        .join(""),
    ).toBe("from stdin\n");
    await sleep(300);
    expect(sb.stats()).toMatchObject({ busy: 0, queued: 0 });
    expect(sb.stats().warm).toBeGreaterThan(0);
  });

  it("refuses by policy and runs tools", async () => {
    expect((await run(sb, "import socket")).security_violations).toHaveLength(1);
    expect(await sb.runTool("policy", { code: "eval('1')" }, 5000)).toHaveLength(1);
    await expect(sb.runTool("no_such_module_x", {}, 5000)).rejects.toThrow(/ModuleNotFoundError/);
  });

  it("cancels through the AbortSignal, also when aborted before the call", async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 150);
    const r = await sb.run({
      code: "while True: pass",
      stdin: "",
      timeoutMs: 10_000,
      enforcePolicy: true,
      signal: ac.signal,
    });
    expect(r.error_type).toBe("Cancelled");
    const r2 = await sb.run({
      code: "print(1)",
      stdin: "",
      timeoutMs: 5000,
      enforcePolicy: true,
      signal: AbortSignal.abort(),
    });
    expect(r2.error_type).toBe("Cancelled");
  });

  it("fails pending calls when the host dies, then starts a new host", async () => {
    const pending = run(sb, "import time\ntime.sleep(10)", { timeoutMs: 20_000 });
    await sleep(200);
    const hostPid = (sb as unknown as { host: Promise<{ child: { pid: number } }> }).host;
    process.kill((await hostPid).child.pid, "SIGKILL");
    await expect(pending).rejects.toThrow(/sandbox host exited/);
    const r = await run(sb, "print('again')");
    expect(r.stdout).toBe("again\n");
  });

  it("closes the host and every sandbox", async () => {
    await sb.close();
    await expect(run(sb, "print(1)")).rejects.toThrow(/closed/);
    for (let i = 0; i < 20 && processesOfUids(UID_BASE, 32).length > 0; i++) await sleep(100);
    expect(processesOfUids(UID_BASE, 32)).toEqual([]);
    await sb.close(); // idempotent
  });
});

describe("sandbox host start-up", () => {
  it("reports a host that cannot build its pool", async () => {
    await expect(
      createSandbox(
        sandboxOptions(testUid(62760), { inProcess: false, pythonPath: "/nonexistent/python3" }),
      ),
    ).rejects.toThrow(/python interpreter not found/);
  });
});

describe('inProcess: "when-forking"', () => {
  it("keeps a fork-path pool in this process and puts a spawn-path pool behind a host", async () => {
    const forking = await createSandbox(
      sandboxOptions(testUid(63800), { inProcess: "when-forking", mode: "fork" }),
    );
    const spawning = await createSandbox(
      sandboxOptions(testUid(63850), { inProcess: "when-forking", mode: "spawn" }),
    );
    try {
      expect(forking).toBeInstanceOf(PooledSandbox);
      expect(forking.mode).toBe("fork");
      expect(spawning).toBeInstanceOf(RemoteSandbox);
      expect(spawning.mode).toBe("spawn");
      for (const sb of [forking, spawning]) {
        expect((await run(sb, "print(6 * 7)")).stdout).toBe("42\n");
      }
    } finally {
      await Promise.all([forking.close(), spawning.close()]);
    }
  });
});

describe("serveSandbox", () => {
  it("maps requests to the sandbox and replies by id", async () => {
    const sent: HostReply[] = [];
    const bus = new EventEmitter();
    const channel = {
      send: (m: HostReply) => sent.push(m),
      on: (_e: "message", fn: (m: HostRequest) => void) => bus.on("message", fn),
    };
    const ok = executionResult({ stdout: "x" });
    let stats = { warm: 1, busy: 0, queued: 0 };
    const fake: Sandbox = {
      isolation: "process",
      run: async (o) => {
        o.onOutput?.({ stream: "stdout", data: "x" });
        if (o.code === "fail") throw new Error("boom");
        if (o.code === "wait") {
          await new Promise((r) => o.signal?.addEventListener("abort", r));
          return { ...ok, error_type: "Cancelled" };
        }
        return ok;
      },
      runTool: async (m) => {
        if (m === "bad") throw new Error("tool broke");
        return { tool: m };
      },
      stats: () => stats,
      close: async () => {},
    };
    const served = serveSandbox(channel, fake);
    expect(sent[0]).toEqual({ t: "ready", isolation: "process", stats });
    const base = { stdin: "", timeoutMs: 1, enforcePolicy: true };
    bus.emit("message", { t: "run", id: 1, code: "ok", stream: true, ...base });
    bus.emit("message", { t: "run", id: 2, code: "fail", stream: false, ...base });
    bus.emit("message", { t: "run", id: 3, code: "wait", stream: false, ...base });
    bus.emit("message", { t: "tool", id: 4, module: "m", payload: 1, timeoutMs: 1 });
    bus.emit("message", { t: "tool", id: 5, module: "bad", payload: 1, timeoutMs: 1 });
    bus.emit("message", { t: "abort", id: 3 });
    stats = { warm: 0, busy: 1, queued: 0 };
    await sleep(250);
    bus.emit("message", { t: "close" });
    await served;
    expect(sent).toContainEqual({ t: "output", id: 1, chunk: { stream: "stdout", data: "x" } });
    expect(sent).toContainEqual({ t: "result", id: 1, result: ok });
    expect(sent).toContainEqual({ t: "error", id: 2, message: "boom" });
    expect(sent).toContainEqual({ t: "result", id: 3, result: { ...ok, error_type: "Cancelled" } });
    expect(sent).toContainEqual({ t: "tool-result", id: 4, value: { tool: "m" } });
    expect(sent).toContainEqual({ t: "error", id: 5, message: "tool broke" });
    expect(sent).toContainEqual({ t: "stats", stats: { warm: 0, busy: 1, queued: 0 } });
    expect(sent.at(-1)).toEqual({ t: "closed" });
    expect(sent.filter((m) => m.t === "output")).toHaveLength(1); // only when streaming
  });
});
