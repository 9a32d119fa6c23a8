#!/usr/bin/env node
// The smoke suite against a server started here, as a newcomer would start it: `npm start`
// on a free port with the embedded defaults and a fresh data directory. Used by .ci/run.
// Extra arguments go to the server's environment as NAME=value.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const freePort = () =>
  new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

const extra = Object.fromEntries(
  process.argv.slice(2).map((a) => [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)]),
);
const port = await freePort();
const dataDir = mkdtempSync(join(tmpdir(), "cr-smoke-"));
const base = `http://127.0.0.1:${port}`;
const server = spawn("npm", ["start", "--silent"], {
  env: { ...process.env, PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: "warn", ...extra },
  stdio: ["ignore", "inherit", "inherit"],
  detached: true, // its own process group: npm, node and the sandbox host stop together
});
const stop = () => {
  try {
    process.kill(-server.pid, "SIGTERM");
  } catch {
    // already gone
  }
};
let status = 1;
try {
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`npm start exited with ${server.exitCode}`);
    const up = await fetch(`${base}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) break;
    if (Date.now() > deadline) throw new Error("the server did not answer /health in 180 s");
    await new Promise((r) => setTimeout(r, 250));
  }
  const smoke = spawn(process.execPath, ["scripts/smoke.mjs", "--base-url", base], {
    stdio: "inherit",
  });
  status = await new Promise((resolve) => smoke.once("exit", (code) => resolve(code ?? 1)));
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
} finally {
  stop();
  await new Promise((r) => (server.exitCode === null ? server.once("exit", r) : r()));
  rmSync(dataDir, { recursive: true, force: true });
}
process.exit(status);
