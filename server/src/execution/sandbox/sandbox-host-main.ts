// Entry point of the sandbox host process (forked by remote-sandbox.ts): builds the warm
// pool and serves it over IPC. It dies with the server: when the IPC channel closes it
// kills every sandbox and exits (bwrap's --die-with-parent is the backstop).
import pino from "pino";
import { createLocalSandbox, type SandboxOptions } from "./create-sandbox.js";
import type { Channel, HostReply, HostRequest } from "./host-protocol.js";
import { closeInheritedDescriptors } from "./inherited-fds.js";
import type { Sandbox } from "./sandbox.js";
import { serveSandbox } from "./sandbox-host-server.js";

type HostOptions = Omit<SandboxOptions, "logger"> & { logLevel: string };

// Before any sandbox starts: what the server's own parent left open stays out of them.
const inherited = closeInheritedDescriptors();
const channel = process as unknown as Channel<HostRequest, HostReply>;
const { logLevel, ...options } = JSON.parse(process.argv[2] as string) as HostOptions;
const logger = pino({ level: logLevel, base: { component: "sandbox-host" } });
let sandbox: Sandbox | undefined;
if (inherited.length > 0) {
  logger.info({ fds: inherited }, "closed descriptors inherited without close-on-exec");
}

process.on("disconnect", () => {
  void (sandbox?.close() ?? Promise.resolve()).finally(() => process.exit(0));
});
try {
  sandbox = await createLocalSandbox({ ...options, logger });
  await serveSandbox(channel, sandbox);
} catch (e) {
  channel.send({ t: "failed", message: (e as Error).message });
}
process.disconnect();
