// The realtime building blocks on their own: output batching, NOTIFY fragments, the hub's
// per-user delivery, backpressure and heartbeat.
import { describe, expect, it, vi } from "vitest";
import {
  FragmentAssembler,
  splitUtf8,
  toFragments,
} from "../../src/jobs/realtime/notify-fragments.js";
import { OutputBatcher, type OutputPiece } from "../../src/jobs/realtime/output-batcher.js";
import { type HubSocket, WsHub } from "../../src/jobs/realtime/ws-hub.js";
import { sleep } from "./ws-client.js";

class FakeSocket implements HubSocket {
  bufferedAmount = 0;
  readyState = 1;
  sent: string[] = [];
  closed: number | undefined;
  terminated = false;
  pings = 0;
  send(data: string) {
    this.sent.push(data);
  }
  ping() {
    this.pings += 1;
  }
  close(code?: number) {
    this.closed = code;
    this.readyState = 3;
  }
  terminate() {
    this.terminated = true;
    this.readyState = 3;
  }
  types() {
    return this.sent.map((s) => (JSON.parse(s) as { type: string }).type);
  }
}

describe("OutputBatcher", () => {
  it("sends a lone print at once and coalesces a burst, in order, never per byte", async () => {
    // A fake clock: on a loaded machine real time between two pushes can exceed the window,
    // which would (correctly) flush early and make the grouping depend on the machine.
    vi.useFakeTimers({ now: 1_000_000 });
    try {
      const out: OutputPiece[] = [];
      const b = new OutputBatcher({ emit: async (p) => void out.push(p), flushMs: 30 });
      b.push({ stream: "stdout", data: "first\n" });
      await vi.advanceTimersByTimeAsync(0);
      expect(out).toEqual([{ stream: "stdout", data: "first\n" }]);
      for (const ch of "hello\n") b.push({ stream: "stdout", data: ch });
      b.push({ stream: "stderr", data: "oops\n" });
      b.push({ stream: "stdout", data: "more\n" });
      await vi.advanceTimersByTimeAsync(29);
      expect(out).toHaveLength(1); // still inside the window: nothing sent per byte
      await vi.advanceTimersByTimeAsync(1);
      expect(out.slice(1)).toEqual([
        { stream: "stdout", data: "hello\n" },
        { stream: "stderr", data: "oops\n" },
        { stream: "stdout", data: "more\n" },
      ]);
      b.push({ stream: "stdout", data: "" });
      await b.finish();
      expect(out).toHaveLength(4);
    } finally {
      vi.useRealTimers();
    }
  });

  it("flushes at the size bound and cuts big output into bounded messages", async () => {
    const out: OutputPiece[] = [];
    const b = new OutputBatcher({
      emit: async (p) => void out.push(p),
      flushMs: 10_000,
      maxBytes: 100,
    });
    b.push({ stream: "stdout", data: "x" });
    b.push({ stream: "stdout", data: "y".repeat(250) });
    await b.finish();
    expect(out.map((p) => p.data.length)).toEqual([1, 100, 100, 50]);
  });

  it("keeps going when a message cannot be delivered", async () => {
    let n = 0;
    const b = new OutputBatcher({
      emit: async () => {
        n += 1;
        throw new Error("notifier down");
      },
    });
    b.push({ stream: "stdout", data: "a" });
    await expect(b.finish()).rejects.toThrow("notifier down");
    expect(n).toBe(1);
  });
});

describe("NOTIFY fragments", () => {
  it("round-trips ASCII, 2-byte and 4-byte UTF-8 messages of up to 40 kB, each fragment under 8000 bytes", () => {
    const asm = new FragmentAssembler();
    for (const text of ["small", "é".repeat(9000), "😀".repeat(5000) + "x".repeat(20_000)]) {
      const fragments = toFragments(text);
      for (const f of fragments) expect(Buffer.byteLength(f)).toBeLessThan(8000);
      let whole: string | undefined;
      // Out of order on purpose: reassembly is by index.
      for (const f of [...fragments].reverse()) whole = asm.add(f) ?? whole;
      expect(whole).toBe(text);
    }
    expect(splitUtf8("😀😀", 4)).toEqual(["😀", "😀"]);
    expect(asm.add("garbage")).toBeUndefined();
  });

  it("drops an incomplete message after its time to live", () => {
    let now = 0;
    const asm = new FragmentAssembler(1000, () => now);
    const [first, second] = toFragments("z".repeat(10_000));
    expect(asm.add(first as string)).toBeUndefined();
    now = 5000;
    asm.add(toFragments("y".repeat(10_000))[0] as string); // triggers the expiry sweep
    expect(asm.add(second as string)).toBeUndefined();
  });
});

describe("WsHub", () => {
  it("delivers only to the user's matching connections, one result per job per connection", async () => {
    const hub = new WsHub();
    const [a1, a2, b1] = [new FakeSocket(), new FakeSocket(), new FakeSocket()];
    const ca1 = hub.add("alice", a1);
    const ca2 = hub.add("alice", a2);
    hub.add("bob", b1);
    hub.subscribe(ca2, "job-1");
    const result = { type: "execution_result", job_id: "job-1", success: true };
    // Named connection plus the job's subscriber; Bob's connection id would match nothing.
    await hub.publish("alice", result, { connectionId: ca1.id, jobId: "job-1" });
    await hub.publish("alice", result, { connectionId: ca1.id, jobId: "job-1" });
    await hub.publish("bob", { type: "execution_output", job_id: "x" }, { connectionId: ca1.id });
    expect(a1.types()).toEqual(["execution_result"]);
    expect(a2.types()).toEqual(["execution_result"]);
    expect(b1.sent).toEqual([]);
    // No target: every connection of the user (e.g. an analysis broadcast).
    await hub.publish("alice", { type: "analysis_stream_start" });
    expect(a1.sent).toHaveLength(2);
    hub.unsubscribe(ca2, "job-1");
    await hub.publish("alice", { type: "execution_output", job_id: "job-1" }, { jobId: "job-1" });
    expect(a2.sent).toHaveLength(2);
    await hub.close();
    expect(a1.closed).toBe(1001);
    expect(hub.size).toBe(0);
  });

  it("closes a slow consumer instead of buffering without bound", async () => {
    const hub = new WsHub({ maxBufferedBytes: 1000 });
    const slow = new FakeSocket();
    hub.add("alice", slow);
    slow.bufferedAmount = 990;
    expect(hub.deliver("alice", { type: "execution_output", data: "x".repeat(100) })).toBe(0);
    expect(slow.closed).toBe(1013);
    expect(hub.size).toBe(0);
    await hub.close();
  });

  it("terminates connections that stop answering pings", async () => {
    const hub = new WsHub({ heartbeatMs: 30 });
    const alive = new FakeSocket();
    const dead = new FakeSocket();
    const conn = hub.add("alice", alive);
    hub.add("alice", dead);
    const keepAlive = setInterval(() => {
      conn.alive = true; // what the pong handler does
    }, 10);
    await sleep(120);
    clearInterval(keepAlive);
    expect(dead.terminated).toBe(true);
    expect(alive.terminated).toBe(false);
    expect(alive.pings).toBeGreaterThan(0);
    expect(hub.size).toBe(1);
    await hub.close();
  });

  it("limits subscriptions per connection", () => {
    const hub = new WsHub();
    const conn = hub.add("alice", new FakeSocket());
    for (let i = 0; i < 100; i++) expect(hub.subscribe(conn, `job-${i}`)).toBe(true);
    expect(hub.subscribe(conn, "one-too-many")).toBe(false);
    void hub.close();
  });
});
