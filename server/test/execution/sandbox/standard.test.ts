// The `standard` policy profile (the default): the standard library and the bundled
// scientific packages work; only what cannot work inside (network, host programs) is
// refused, with its position and why. And the program runs as a normal program would
// under `python3 main.py < stdin`: __main__, sys.stdin/argv, threads, processes, files.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Sandbox, SecurityViolationInfo } from "../../../src/execution/sandbox/sandbox.js";
import { testUid } from "../../helpers/uids.js";
import { makeSandbox, run } from "./helpers.js";

let sb: Sandbox;
beforeAll(async () => {
  sb = await makeSandbox(testUid(63300), { poolSize: 2, maxConcurrent: 2 });
});
afterAll(() => sb.close());

const go = (code: string, stdin = "", timeoutMs = 15_000) => run(sb, code, { stdin, timeoutMs });

async function violations(code: string): Promise<SecurityViolationInfo[]> {
  const r = await go(code);
  expect(r.success).toBe(false);
  expect(r.stdout).toBe("");
  return r.security_violations;
}

describe("standard profile: static policy", () => {
  it.each([
    ["socket", "the sandbox has no network"],
    ["ssl", "the sandbox has no network"],
    ["http.client", "the sandbox has no network"],
    ["urllib.request", "the sandbox has no network"],
    ["subprocess", "the sandbox runs no other programs"],
  ])("refuses import %s and says why", async (mod, why) => {
    const v = await violations(`x = 1\nif x:\n    import ${mod}`);
    expect(v).toHaveLength(1);
    expect(v[0]).toMatchObject({ type: "forbidden_import", line: 3, column: 4 });
    expect(v[0]?.message).toMatch(new RegExp(`^Import of '${mod}' is not available: ${why}`));
  });

  it("refuses from-imports of network submodules and host-program calls at their position", async () => {
    const v = await violations(
      "from urllib import parse, request\nimport os\ny = os.system('ls')\nfrom os import popen, path",
    );
    expect(v.map((x) => [x.type, x.line, x.column])).toEqual([
      ["forbidden_import", 1, 0],
      ["forbidden_call", 3, 7],
      ["forbidden_call", 4, 0],
    ]);
    expect(v[0]?.message).toBe(
      "Import of 'urllib.request' is not available: the sandbox has no network",
    );
    expect(v[1]?.message).toMatch(
      /^Use of 'os.system' is not available: the sandbox runs no other programs/,
    );
  });

  it("lets a program clear the screen between menus, and goes on past it", async () => {
    // Learners' menus and games call os.system("clear") (or "cls", or the two chosen by
    // os.name): cosmetic, so not refused; no shell starts inside, the call reports a
    // failed status, as \`clear\` with no terminal does, and the program runs on.
    const r = await go(`import os
def clear():
    os.system("cls" if os.name == "nt" else "clear")
clear()
print("Menu: 1) play 2) quit")
print(os.system("clear") != 0, os.system(" CLS ") != 0, os.system("cls||clear") != 0)
`);
    expect(r.security_violations).toEqual([]);
    expect(r.success).toBe(true);
    expect(r.stdout).toBe("Menu: 1) play 2) quit\nTrue True True\n");
    // Any other command, or a screen command with more on the line, is still refused.
    for (const code of [
      "import os\nos.system('clear; id')",
      "import os\nos.system('cls || rm -rf /tmp/x')",
      "import os\nos.system('clear;')",
      "import os\nos.system('clear' if os.name else 'id')",
      "import os\ncmd = 'clear'\nos.system(cmd)",
      "import os\nf = os.system\nf('clear')",
    ]) {
      const v = await violations(code);
      expect(v.map((x) => x.type)).toEqual(["forbidden_call"]);
    }
  });

  it("allows the standard library, dunders and the builtins the original profile refuses", async () => {
    const r = await go(`
import sys, os, io, hashlib, unittest, pathlib, threading, multiprocessing, importlib, inspect, pickle, urllib.parse, asyncio
print(sys.version_info[0], os.path.basename("/a/b"), hashlib.sha256(b"x").hexdigest()[:8])
print(type(globals()).__name__, memoryview(b"ab").nbytes, __debug__, int.__mro__)
print(eval("1 + 1"), vars(type("A", (), {"k": 1}))["k"], urllib.parse.quote("a b"))
try:
    try:
        1 / 0
    except ZeroDivisionError as e:
        raise ValueError("v") from e
except ValueError as e:
    print(type(e.__cause__).__name__, e.__traceback__.tb_lineno)
`);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe(
      "3 b 2d711642\ndict 2 True (<class 'int'>, <class 'object'>)\n2 1 a%20b\nZeroDivisionError 10\n",
    );
  });

  it("refuses the same modules at run time when the static policy cannot see the name", async () => {
    const r = await sb.run({
      code: "name = 'soc' + 'ket'\n__import__(name)",
      stdin: "",
      timeoutMs: 5000,
      enforcePolicy: false,
    });
    expect(r.error_type).toBe("ImportError");
    expect(r.error).toBe("Import of 'socket' is not available: the sandbox has no network");
    // python3 shows no frame of the runner's import wrapper.
    expect(r.stderr).not.toContain("/opt/runner");
    expect(r.stderr).toContain('File "/tmp/main.py", line 2, in <module>');
  });
});

describe("standard profile: a normal program", () => {
  it("runs as __main__ from /tmp/main.py with python3's argv, path and tracebacks", async () => {
    const r = await go(`import sys, os
print(__name__, __file__, sys.argv, os.getcwd(), sys.path[0])
def f():
    return 1 / 0
if __name__ == "__main__":
    f()`);
    expect(r.stdout).toBe("__main__ /tmp/main.py ['main.py'] /tmp /tmp\n");
    expect(r.error_type).toBe("ZeroDivisionError");
    expect(r.stderr).toBe(
      "Traceback (most recent call last):\n" +
        '  File "/tmp/main.py", line 6, in <module>\n    f()\n' +
        '  File "/tmp/main.py", line 4, in f\n    return 1 / 0\n           ~~^~~\n' +
        "ZeroDivisionError: division by zero\n",
    );
  });

  it("reads the request's stdin through sys.stdin, its buffer, open(0) and input()", async () => {
    const r = await go(
      `import sys
sys.setrecursionlimit(10 ** 6)
n = int(sys.stdin.readline())
first = input()
rest = sys.stdin.read().split()
print(n, first, sum(map(int, rest)), sys.stdin.isatty())`,
      "3\nhello\n1 2\n3\n",
    );
    expect(r.stdout).toBe("3 hello 6 False\n");
    const whole = await go("data = open(0).read().split()\nprint(len(data), data[-1])", "a b\nc\n");
    expect(whole.stdout).toBe("3 c\n");
    const raw = await go("import sys\nprint(sys.stdin.buffer.read())", "é\n");
    expect(raw.stdout).toBe("b'\\xc3\\xa9\\n'\n");
    const eof = await go("import sys\nprint(repr(sys.stdin.read()))\ninput()");
    expect(eof.stdout).toBe("''\n");
    expect(eof.error_type).toBe("EOFError");
  });

  it("unittest.main() and doctest.testmod() find the program's tests", async () => {
    const ok = await go(`import unittest
class T(unittest.TestCase):
    def test_a(self):
        self.assertEqual(1 + 1, 2)
    def test_b(self):
        self.assertTrue(True)
if __name__ == "__main__":
    unittest.main()`);
    expect(ok.success).toBe(true);
    expect(ok.stderr).toMatch(/Ran 2 tests in [\d.]+s\n\nOK\n$/);
    const failing = await go(
      "import unittest\nclass T(unittest.TestCase):\n    def test_x(self):\n        self.assertEqual(1, 2)\nunittest.main()",
    );
    expect(failing.success).toBe(false);
    expect(failing.error_type).toBe("SystemExit");
    expect(failing.stderr).toMatch(/FAILED \(failures=1\)/);
    const doc = await go(`def double(x):
    """
    >>> double(2)
    4
    >>> double(3)
    7
    """
    return x * 2
import doctest
print(doctest.testmod())`);
    expect(doc.stdout).toContain('File "/tmp/main.py", line 5, in __main__.double');
    expect(doc.stdout).toContain("TestResults(failed=1, attempted=2)");
  });

  it("exit() and quit() end the program as under python3", async () => {
    expect((await go("print('a')\nexit()\nprint('b')")).stdout).toBe("a\n");
    const r = await go("quit(3)");
    expect(r).toMatchObject({ success: false, error_type: "SystemExit", error: "SystemExit: 3" });
  });

  it("writes and reads files in its own /tmp, and zoneinfo has time-zone data", async () => {
    const r = await go(`import os, tempfile, zoneinfo, datetime
with open("/tmp/data.txt", "w") as f:
    f.write("x\\ny\\n")
with tempfile.TemporaryDirectory() as d:
    open(os.path.join(d, "a"), "wb").write(b"123")
    print(os.path.getsize(os.path.join(d, "a")))
print(open("data.txt").read().split())
tz = zoneinfo.ZoneInfo("America/New_York")
print(datetime.datetime(2024, 7, 1, 12, tzinfo=tz).isoformat())`);
    expect(r.stdout).toBe("3\n['x', 'y']\n2024-07-01T12:00:00-04:00\n");
  });

  it("runs 40 threads at once, and waits for non-daemon threads after the program ends", async () => {
    const r = await go(`import threading, time
barrier = threading.Barrier(40)
out = []
def work(i):
    barrier.wait()
    out.append(i)
ts = [threading.Thread(target=work, args=(i,)) for i in range(40)]
for t in ts: t.start()
for t in ts: t.join()
print(len(out))
def late():
    time.sleep(0.2)
    print("late")
threading.Thread(target=late).start()
print("main done")`);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("40\nmain done\nlate\n");
  });

  it("multiprocessing (Pool, Queue, Lock) and ProcessPoolExecutor work", async () => {
    const r = await go(`import multiprocessing as mp
from concurrent.futures import ProcessPoolExecutor
def square(x):
    return x * x
def put(q, lock, i):
    with lock:
        q.put(i)
if __name__ == "__main__":
    with mp.Pool(3) as pool:
        print(pool.map(square, range(6)))
    with ProcessPoolExecutor(max_workers=2) as ex:
        print(list(ex.map(square, [7, 8])))
    q, lock = mp.Queue(), mp.Lock()
    ps = [mp.Process(target=put, args=(q, lock, i)) for i in range(4)]
    for p in ps: p.start()
    for p in ps: p.join()
    print(sorted(q.get() for _ in range(4)), [p.exitcode for p in ps])`);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("[0, 1, 4, 9, 16, 25]\n[49, 64]\n[0, 1, 2, 3] [0, 0, 0, 0]\n");
  });

  it("a forked child ends on SIGTERM as any process does (not through the runner's flush)", async () => {
    // The runner's stop handler flushes the runner's own output buffers; in a child forked
    // while another thread held their lock it waited forever, and Pool.terminate() hung.
    const r = await go(`import os, signal
print("parent output not yet flushed", end="")
pid = os.fork()
if pid == 0:
    os.kill(os.getpid(), signal.SIGTERM)
    os._exit(0)
_, status = os.waitpid(pid, 0)
print("", os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGTERM)`);
    expect(r.stderr).toBe("");
    // Once, from the parent: the child died of the signal without writing the copy it held.
    expect(r.stdout).toBe("parent output not yet flushed True\n");
  });

  it("a child signalled right after its fork is never spared (Pool.terminate() hung on one)", async () => {
    const r = await go(`import os, signal, time
spared = 0
for _ in range(100):
    pid = os.fork()
    if pid == 0:
        time.sleep(0.5)
        os._exit(0)
    os.kill(pid, signal.SIGTERM)
    _, status = os.waitpid(pid, 0)
    if not (os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGTERM):
        spared += 1
print("spared", spared)`);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("spared 0\n");
  });

  it("a child forked with os.fork() that falls off the end sends no result of its own", async () => {
    const r = await go(`import os
pid = os.fork()
print("child" if pid == 0 else "parent", flush=True)
if pid:
    os.waitpid(pid, 0)
    print("waited")`);
    expect(r.success).toBe(true);
    expect(r.stdout.split("\n").sort()).toEqual(["", "child", "parent", "waited"]);
  });

  it("imports numpy, pandas, scipy and draws with matplotlib (Agg, cache in /tmp)", async () => {
    const r = await go(`import numpy as np, pandas as pd
from scipy import optimize
import matplotlib
import matplotlib.pyplot as plt
a = np.arange(6).reshape(2, 3)
print(a.sum(axis=0), np.linalg.det(np.array([[2.0, 0], [0, 3]])).round(6))
print(pd.DataFrame({"a": [1, 2, 3]})["a"].mean())
print(round(optimize.brentq(lambda x: x * x - 2, 0, 2), 6))
fig, ax = plt.subplots()
ax.plot([1, 2, 3], [1, 4, 9])
fig.savefig("/tmp/fig.png")
import os
print(matplotlib.get_backend() != "TkAgg", os.path.getsize("/tmp/fig.png") > 1000, os.path.isdir("/tmp/.config/matplotlib"))`);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("[3 5 7] 6.0\n2.0\n1.414214\nTrue True True\n");
  });

  it("ends the program's profiler and tracer with its module: the runner's calls never reach them", async () => {
    // A profiler left on printed the runner's own calls after the module (finish_program,
    // getpid...), and pdb stepped into them. Its own removal is all it sees now.
    const r = await go(`import sys
def hook(frame, event, arg):
    name = getattr(arg, "__name__", None) if event.startswith("c_") else frame.f_code.co_name
    print(event, name, file=sys.stderr)
def tracer(frame, event, arg):
    print("trace", event, frame.f_code.co_name, file=sys.stderr)
sys.settrace(tracer)
sys.setprofile(hook)
print("end")`);
    expect(r.stdout).toBe("end\n");
    // python3 ends at "return <module>"; the removal's c_call is the one line more.
    expect(r.stderr).toBe("c_call print\nc_return print\nreturn <module>\nc_call setprofile\n");
  });

  it("finds matplotlib's prebuilt font list when it imports matplotlib, and no .config before", async () => {
    // The host builds the list once; each run gets it as matplotlib is imported (before
    // its font manager loads), so no drawing run rebuilds it, and a run that never draws
    // keeps its working directory to itself.
    const r = await go(`import os
print(sorted(os.listdir(".")))
import matplotlib
d = os.environ["MPLCONFIGDIR"]
print([n.startswith("fontlist-") for n in os.listdir(d)])
print(sorted(os.listdir(".")))`);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("['main.py']\n[True]\n['.config', 'main.py']\n");
  });
});
