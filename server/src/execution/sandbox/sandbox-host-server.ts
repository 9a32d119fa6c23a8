// The host side: serves a local Sandbox (the warm pool) to the server over IPC.
import type { Channel, HostReply, HostRequest, Stats } from "./host-protocol.js";
import type { Sandbox } from "./sandbox.js";

const STATS_PUSH_MS = 100;

/** Handles requests until "close"; resolves once the sandbox is closed. */
export function serveSandbox(
  channel: Channel<HostRequest, HostReply>,
  sandbox: Sandbox,
): Promise<void> {
  const aborts = new Map<number, AbortController>();
  let lastStats = "";
  const pushStats = () => {
    const stats: Stats = sandbox.stats();
    const text = JSON.stringify(stats);
    if (text !== lastStats) channel.send({ t: "stats", stats });
    lastStats = text;
  };
  // The server reads stats() synchronously (/health/ready), so keep its copy fresh.
  const timer = setInterval(pushStats, STATS_PUSH_MS);
  timer.unref();

  return new Promise((resolve) => {
    channel.on("message", (m) => {
      if (m.t === "run") {
        const ac = new AbortController();
        aborts.set(m.id, ac);
        sandbox
          .run({
            code: m.code,
            stdin: m.stdin,
            timeoutMs: m.timeoutMs,
            enforcePolicy: m.enforcePolicy,
            signal: ac.signal,
            onOutput: m.stream
              ? (chunk) => channel.send({ t: "output", id: m.id, chunk })
              : undefined,
          })
          .then(
            (result) => channel.send({ t: "result", id: m.id, result }),
            (e: Error) => channel.send({ t: "error", id: m.id, message: e.message }),
          )
          .finally(() => aborts.delete(m.id));
      } else if (m.t === "tool") {
        sandbox.runTool(m.module, m.payload, m.timeoutMs).then(
          (value) => channel.send({ t: "tool-result", id: m.id, value }),
          (e: Error) => channel.send({ t: "error", id: m.id, message: e.message }),
        );
      } else if (m.t === "abort") {
        aborts.get(m.id)?.abort();
      } else if (m.t === "close") {
        clearInterval(timer);
        void sandbox.close().then(() => {
          channel.send({ t: "closed" });
          resolve();
        });
      }
    });
    channel.send({
      t: "ready",
      isolation: sandbox.isolation,
      mode: sandbox.mode,
      stats: sandbox.stats(),
    });
  });
}
