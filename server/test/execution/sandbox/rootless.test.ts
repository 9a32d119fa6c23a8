// A developer's server not started as root still runs code in bwrap sandboxes (as its own
// uid, in an unprivileged user namespace) instead of failing at start.
import { type ChildProcess, spawn } from "node:child_process";
import { chownSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../helpers/net.js";

const NOBODY = 65534;

describe("server started as an unprivileged user", () => {
  let child: ChildProcess;
  let base = "";
  let dataDir = "";
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "cr-rootless-"));
    chownSync(dataDir, NOBODY, NOBODY);
    const port = await freePort();
    child = spawn(process.execPath, ["--import", "tsx", "server/src/main.ts"], {
      uid: NOBODY,
      gid: NOBODY,
      env: {
        PATH: process.env.PATH,
        HOME: dataDir,
        PORT: String(port),
        DATA_DIR: dataDir,
        SERVE_WEB: "false",
        LOG_LEVEL: "warn",
      },
      stdio: ["ignore", "ignore", "inherit"],
    });
    base = `http://127.0.0.1:${port}`;
    // Started from source through tsx, as a developer would: the cold transpile under a
    // new uid (its own tsx cache) takes ~15 s idle and several times that on a loaded
    // machine, so the wait is as long as the hook's own timeout allows.
    const deadline = Date.now() + 170_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
      const ok = await fetch(`${base}/health`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      if (Date.now() > deadline) throw new Error("server did not start");
      await new Promise((r) => setTimeout(r, 250));
    }
  });
  afterAll(async () => {
    if (child && child.exitCode === null) {
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("reports bwrap isolation and runs code", async () => {
    const ready = (await (await fetch(`${base}/health/ready`)).json()) as {
      dependencies: { sandbox: { isolation: string } };
    };
    expect(ready.dependencies.sandbox.isolation).toBe("bwrap");
    const json = { "content-type": "application/json" };
    const creds = JSON.stringify({ email: "rootless@example.com", password: "rootless-password" });
    await fetch(`${base}/auth/register`, { method: "POST", headers: json, body: creds });
    const { access_token } = (await (
      await fetch(`${base}/auth/login`, { method: "POST", headers: json, body: creds })
    ).json()) as {
      access_token: string;
    };
    const res = await fetch(`${base}/execute`, {
      method: "POST",
      headers: { ...json, authorization: `Bearer ${access_token}` },
      body: JSON.stringify({ code: "print(sum(range(10)))" }),
    });
    const body = (await res.json()) as { success: boolean; stdout: string };
    expect(body).toMatchObject({ success: true, stdout: "45\n" });
  });
});
