// The set-up step behind `npm install && npm start` (scripts/setup.mjs), on machines made to
// lack bubblewrap by PATH manipulation: as root on Debian it installs the missing packages
// with apt-get; otherwise it prints the exact command and exits non-zero — never a trace.
// apt-get itself is a recording stand-in here: really installing or removing packages on a
// shared machine is not an option (CI does the real install: .ci/run leaves it to `npm ci`).
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

const SCRIPT = join(process.cwd(), "scripts", "setup.mjs");
const NOBODY = 65534;
const FULL_LIST =
  "bubblewrap python3 python3-seccomp tzdata python3-numpy python3-pandas python3-scipy python3-matplotlib";

let bin = "";
let log = "";

/** A PATH holding only node (and what a test adds): no bwrap, no apt-get. */
beforeEach(() => {
  const dir = mkdtempSync(join(tmpdir(), "cr-setup-"));
  chmodSync(dir, 0o755);
  bin = join(dir, "bin");
  log = join(dir, "apt-get.log");
  spawnSync("mkdir", ["-m", "755", bin]);
  symlinkSync(process.execPath, join(bin, "node"));
});
afterEach(() => rmSync(join(bin, ".."), { recursive: true, force: true }));

/** apt-get that records its arguments; `install` links the real bwrap into PATH (or fails). */
function fakeAptGet(opts: { fail?: boolean } = {}): void {
  const file = join(bin, "apt-get");
  writeFileSync(
    file,
    [
      "#!/bin/sh",
      `echo "$*" >> ${log}`,
      opts.fail
        ? 'if [ "$1" = install ]; then echo "E: Unable to locate package" >&2; exit 100; fi'
        : "",
      `if [ "$1" = install ]; then /bin/ln -sf /usr/bin/bwrap ${bin}/bwrap; fi`,
      "exit 0",
    ].join("\n"),
  );
  chmodSync(file, 0o755);
}

function run(env: Record<string, string> = {}, opts: { uid?: number; args?: string[] } = {}) {
  const r = spawnSync(process.execPath, [SCRIPT, ...(opts.args ?? [])], {
    env: { PATH: bin, HOME: tmpdir(), ...env },
    encoding: "utf8",
    ...(opts.uid !== undefined ? { uid: opts.uid, gid: opts.uid } : {}),
  });
  return { status: r.status, stderr: r.stderr, stdout: r.stdout };
}

const noTrace = (text: string) => expect(text).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);

describe("set-up script (root is required to test both the root and the non-root path)", () => {
  it("runs as root, as the test suite must for this file", () => {
    expect(process.getuid?.()).toBe(0);
  });

  it("is silent and succeeds on a machine that has everything", () => {
    const r = run({ PATH: process.env.PATH ?? "" });
    expect(r).toMatchObject({ status: 0, stderr: "" });
  });

  it("as root on Debian, installs exactly the missing packages with apt-get and succeeds", () => {
    fakeAptGet();
    const r = run();
    expect(r.status).toBe(0);
    expect(readFileSync(log, "utf8").trim().split("\n")).toEqual([
      "update -qq",
      "install -y -qq --no-install-recommends bubblewrap",
    ]);
    expect(existsSync(join(bin, "bwrap"))).toBe(true);
    expect(r.stderr).toContain("installing system packages for the sandbox: bubblewrap");
  });

  it("as a normal user, prints the one-line command and exits 1 without a stack trace", () => {
    fakeAptGet();
    const r = run({}, { uid: NOBODY });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("missing: bubblewrap.");
    expect(r.stderr).toContain(`  sudo apt-get install -y ${FULL_LIST}\n`);
    expect(r.stderr).toContain("needs root");
    expect(existsSync(log)).toBe(false); // nothing was attempted
    noTrace(r.stderr);
  });

  it("with --warn (npm install) says the same but exits 0, leaving the refusal to npm start", () => {
    const r = run({}, { uid: NOBODY, args: ["--warn"] });
    expect(r.status).toBe(0);
    expect(r.stderr).toContain("missing: bubblewrap.");
  });

  it("explains a failed apt-get instead of pretending", () => {
    fakeAptGet({ fail: true });
    const r = run();
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("Installing them with apt-get did not succeed");
    expect(r.stderr).toContain(`sudo apt-get install -y ${FULL_LIST}`);
    noTrace(r.stderr);
  });

  it("without apt-get, names the Debian packages and what they provide", () => {
    const r = run();
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("not a Debian or Ubuntu system");
    expect(r.stderr).toContain(`apt-get install -y ${FULL_LIST}`);
    expect(r.stderr).toContain("bubblewrap provides the bwrap command");
  });

  it("checks the interpreter the sandbox uses (PYTHON_PATH) and its seccomp module", () => {
    symlinkSync("/usr/bin/bwrap", join(bin, "bwrap"));
    const r = run({ PYTHON_PATH: join(bin, "no-such-python3") }, { uid: NOBODY });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      "missing: python3, python3-seccomp, python3-numpy, python3-pandas, python3-scipy, python3-matplotlib.",
    );
  });

  it("does not ask for bubblewrap when the sandbox is not bwrap", () => {
    expect(run({ SANDBOX: "process" }, { uid: NOBODY }).status).toBe(0);
  });
});

describe("server start on a machine without the sandbox's packages", () => {
  it("exits 1 with what is wrong and how to check, not a stack trace", () => {
    const dataDir = mkdtempSync(join(tmpdir(), "cr-setup-start-"));
    try {
      const r = spawnSync(process.execPath, ["--import", "tsx", "server/src/main.ts"], {
        env: {
          PATH: process.env.PATH ?? "",
          DATA_DIR: dataDir,
          AUTO_MIGRATE: "false", // the sandbox fails either way; spare PGlite's first migration
          PORT: "0",
          LOG_LEVEL: "silent",
          SERVE_WEB: "false",
          PYTHON_PATH: "/nonexistent/python3",
        },
        encoding: "utf8",
        timeout: 60_000,
      });
      expect(r.status).toBe(1);
      expect(r.stderr).toContain("The sandbox could not start: python interpreter not found");
      expect(r.stderr).toContain("node scripts/setup.mjs");
      noTrace(r.stderr);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
    // Loading the server through tsx on a busy two-core machine took over 30 s once; the
    // child's own timeout (60 s) is what bounds it.
  }, 90_000);
});
