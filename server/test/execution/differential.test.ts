// Differential test (issue 13): a corpus of ordinary programs (server/test/fixtures/
// python-corpus: competitive programming on stdin, the standard library, files in /tmp,
// unittest/doctest, threads and asyncio, multiprocessing, numpy/pandas/scipy/matplotlib),
// each run through POST /execute (default `standard` profile, real bwrap sandbox) and as
// `python3 main.py < stdin` under bare /usr/bin/python3 on this host; stdout must match
// exactly, and so must success (exit status 0).
//
// A second set (server/test/fixtures/python-edge: small everyday programs, many of which
// end in an error) is held to stderr as well: tracebacks ("Did you mean"), sys.exit
// messages, RecursionError depths, warnings, __del__ at exit must be python3's, the run's
// directory standing in for /tmp.
import { spawn } from "node:child_process";
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../helpers/test-app.js";

const CORPUS = resolve(import.meta.dirname, "../fixtures/python-corpus");
const EDGE = resolve(import.meta.dirname, "../fixtures/python-edge");
const load = (dir: string) =>
  readdirSync(dir)
    .filter((f) => f.endsWith(".py"))
    .sort()
    .map((f) => {
      const name = f.slice(0, -3);
      const stdinFile = join(dir, `${name}.stdin`);
      let stdin = "";
      try {
        stdin = readFileSync(stdinFile, "utf8");
      } catch {
        // no stdin for this one
      }
      return { name, file: join(dir, f), code: readFileSync(join(dir, f), "utf8"), stdin };
    });
const programs = load(CORPUS);
const edgePrograms = load(EDGE);

interface Outcome {
  stdout: string;
  success: boolean;
  stderr: string;
}

/** `python3 main.py < stdin` in a fresh directory, as someone runs a script at home; in
 * stderr that directory reads /tmp, the run's own directory in the sandbox. */
function bare(file: string, stdin: string): Promise<Outcome> {
  const dir = mkdtempSync(join(tmpdir(), "cr-diff-"));
  copyFileSync(file, join(dir, "main.py"));
  return new Promise((done, fail) => {
    const child = spawn("/usr/bin/python3", ["main.py"], {
      cwd: dir,
      // Headless, as the server's host is: Debian's /etc/matplotlibrc asks for TkAgg.
      env: { PATH: "/usr/bin:/bin", HOME: dir, MPLBACKEND: "Agg" },
      timeout: 60_000,
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.once("error", fail);
    child.once("close", (code) => {
      rmSync(dir, { recursive: true, force: true });
      done({ stdout, stderr: stderr.replaceAll(dir, "/tmp"), success: code === 0 });
    });
    child.stdin.end(stdin);
  });
}

let t: TestApp;
let headers: { authorization: string };
const results = new Map<string, boolean>();

beforeAll(async () => {
  // SANDBOX_MODE / SANDBOX_MEMORY_MECHANISM set in the environment run the corpus on that
  // path or memory mechanism (default: auto for both, fork and cgroup here).
  const sandbox = Object.fromEntries(
    (["SANDBOX_MODE", "SANDBOX_MEMORY_MECHANISM"] as const).flatMap((k) => {
      const v = process.env[k];
      return v ? [[k, v]] : [];
    }),
  );
  t = await createTestApp("pglite", { EXECUTION_RATE_LIMIT_PER_MINUTE: "100000", ...sandbox });
  headers = (await t.signUp("diff")).headers;
});
afterAll(async () => {
  const passed = [...results.values()].filter(Boolean).length;
  console.log(`differential corpus: ${passed}/${results.size} programs match bare CPython`);
  await t?.close();
});

/** The program through POST /execute and under bare python3, side by side. */
const bothWays = (file: string, code: string, stdin: string) =>
  Promise.all([
    t.app.inject({
      method: "POST",
      url: "/execute",
      headers,
      payload: { code, stdin, timeout_seconds: 30 },
    }),
    bare(file, stdin),
  ]);

describe("differential: POST /execute against bare python3", () => {
  it("has a corpus of at least 60 programs across the categories", () => {
    expect(programs.length).toBeGreaterThanOrEqual(60);
    const prefixes = new Set(programs.map((p) => p.name.replace(/\d.*$/, "")));
    for (const kind of ["cp", "std", "file", "ut", "thr", "aio", "mp", "np", "pd", "sp", "mpl"]) {
      expect(prefixes).toContain(kind);
    }
  });

  it.each(programs)(
    "$name",
    async ({ name, file, code, stdin }) => {
      const [res, expected] = await bothWays(file, code, stdin);
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json() as Outcome & { error: string | null };
      results.set(name, body.stdout === expected.stdout && body.success === expected.success);
      expect(body.stdout, body.stderr).toBe(expected.stdout);
      expect(body.success, `${body.error}\n${body.stderr}`).toBe(expected.success);
      // Nothing the sandbox adds: a program that is quiet on stderr at home stays quiet.
      if (expected.stderr === "") expect(body.stderr).toBe("");
    },
    90_000,
  );
});

describe("differential: everyday programs, stderr included", () => {
  it("has at least 80 of them", () => {
    expect(edgePrograms.length).toBeGreaterThanOrEqual(80);
  });

  it.each(edgePrograms)(
    "$name",
    async ({ file, code, stdin }) => {
      const [res, expected] = await bothWays(file, code, stdin);
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json() as Outcome;
      expect({ stdout: body.stdout, stderr: body.stderr, success: body.success }).toEqual(expected);
    },
    60_000,
  );
});
