// The host side: serves a local Sandbox (the warm pool) to the server over IPC.
import type { Channel, HostReply, HostRequest, Stats } from "./host-protocol.js";
import { LiveInput } from "./live-input.js";
import type { Sandbox } from "./sandbox.js";

const STATS_PUSH_MS = 100;

/** Handles requests until "close"; resolves once the sandbox is closed. */
export function serveSandbox(
  channel: Channel<HostRequest, HostReply>,
  sandbox: Sandbox,
): Promise<void> {
  const aborts = new Map<number, AbortController>();
  const inputs = new Map<number, LiveInput>();
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
        const input = m.interactive ? new LiveInput() : undefined;
        if (input) inputs.set(m.id, input);
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
            onFigure: m.liveFigures
              ? (figure) => channel.send({ t: "figure", id: m.id, figure })
              : undefined,
            input,
            onInputRequest: input
              ? (prompt) => channel.send({ t: "input-request", id: m.id, prompt })
              : undefined,
          })
          .then(
            (result) => channel.send({ t: "result", id: m.id, result }),
            (e: Error) => channel.send({ t: "error", id: m.id, message: e.message }),
          )
          .finally(() => {
            aborts.delete(m.id);
            inputs.delete(m.id);
          });
      } else if (m.t === "tool") {
        sandbox.runTool(m.module, m.payload, m.timeoutMs).then(
          (value) => channel.send({ t: "tool-result", id: m.id, value }),
          (e: Error) => channel.send({ t: "error", id: m.id, message: e.message }),
        );
      } else if (m.t === "stdin") {
        inputs.get(m.id)?.write(m.data);
      } else if (m.t === "stdin-close") {
        inputs.get(m.id)?.close();
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
      memory: sandbox.memory,
      stats: sandbox.stats(),
    });
  });
}
