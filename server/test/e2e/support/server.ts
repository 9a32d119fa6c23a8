// Starts the real server (its embedded defaults: PGlite, local auth, the built web UI) on a
// free port with a throw-away DATA_DIR, exactly as `npm start` would, and waits for /health.
import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../../helpers/net.js";

export const repoRoot = join(import.meta.dirname, "../../../..");
export const artifactsDir = join(repoRoot, "test-artifacts");

export interface RunningServer {
  origin: string;
  stop(): Promise<void>;
}

export async function startServer(
  name: string,
  env: Record<string, string> = {},
): Promise<RunningServer> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), "code-remote-e2e-"));
  mkdirSync(artifactsDir, { recursive: true });
  const log = createWriteStream(join(artifactsDir, `${name}-server.log`));
  const child: ChildProcess = spawn(
    process.execPath,
    [join(repoRoot, "node_modules/tsx/dist/cli.mjs"), "server/src/main.ts"],
    {
      cwd: repoRoot,
      env: { ...process.env, HOST: "127.0.0.1", PORT: String(port), DATA_DIR: dataDir, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  let exited: number | null = null;
  child.on("exit", (code) => {
    exited = code ?? -1;
  });
  const origin = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (exited !== null)
      throw new Error(`server exited with ${exited}; see test-artifacts/${name}-server.log`);
    try {
      const res = await fetch(`${origin}/health`);
      if (res.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error("server did not become healthy within 90 s");
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    origin,
    async stop() {
      if (exited === null) {
        const gone = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
        await gone;
        clearTimeout(timer);
      }
      log.end();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
