// The static policy (first layer): each refused import, call and attribute with its
// line (1-based) and column (0-based, in characters), and syntax errors.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Sandbox, SecurityViolationInfo } from "../../../src/execution/sandbox/sandbox.js";
import { testUid } from "../../helpers/uids.js";
import { makeSandbox, run } from "./helpers.js";

let sb: Sandbox;
beforeAll(async () => {
  sb = await makeSandbox(testUid(62100), {
    extraAllowedModules: ["hashlib"],
    policyProfile: "original",
  });
});
afterAll(() => sb.close());

async function violations(code: string): Promise<SecurityViolationInfo[]> {
  const r = await run(sb, code);
  expect(r.success).toBe(false);
  expect(r.stdout).toBe(""); // refused programs never run
  return r.security_violations;
}

const BLOCKED_MODULES = [
  "os",
  "sys",
  "subprocess",
  "socket",
  "ctypes",
  "importlib",
  "builtins",
  "pickle",
  "shutil",
  "pathlib",
  "threading",
  "multiprocessing",
  "signal",
  "io",
  "gc",
  "inspect",
  "marshal",
  "posix",
  "urllib",
];

describe("static policy: imports", () => {
  it.each(BLOCKED_MODULES)("refuses import %s", async (mod) => {
    const v = await violations(`x = 1\nimport ${mod}`);
    expect(v).toEqual([
      {
        type: "forbidden_import",
        line: 2,
        column: 0,
        message: `Import of '${mod}' is not allowed`,
      },
    ]);
  });

  it("refuses from-imports, dotted and aliased imports at their position", async () => {
    const v = await violations(
      "if True:\n    from os import path\nimport os.path as p\nimport math, subprocess",
    );
    expect(v.map((x) => [x.type, x.line, x.column])).toEqual([
      ["forbidden_import", 2, 4],
      ["forbidden_import", 3, 0],
      ["forbidden_import", 4, 0],
    ]);
    expect(v[2]?.message).toBe("Import of 'subprocess' is not allowed");
  });

  it("refuses relative imports", async () => {
    const v = await violations("from . import x");
    expect(v[0]).toMatchObject({ type: "forbidden_import", line: 1, column: 0 });
  });

  it("allows the allow-list, submodules and settings' extra modules", async () => {
    const r = await run(sb, "import collections.abc, json, hashlib\nprint('ok')");
    expect(r.success).toBe(true);
  });

  it("refuses import at run time too when a name is built dynamically", async () => {
    // __import__ is blocked statically; the runtime importer also refuses the module.
    const r = await sb.run({
      code: "import importlib",
      stdin: "",
      timeoutMs: 5000,
      enforcePolicy: false,
    });
    expect(r.error_type).toBe("ImportError");
    expect(r.error).toBe("Import of 'importlib' is not allowed");
  });
});

describe("static policy: calls", () => {
  const CALLS = [
    "exec",
    "eval",
    "compile",
    "open",
    "__import__",
    "globals",
    "locals",
    "vars",
    "breakpoint",
    "memoryview",
    "help",
    "exit",
    "quit",
  ];
  it.each(CALLS)("refuses %s()", async (name) => {
    const v = await violations(`x = 1\ny = [${name}('a')]`);
    expect(v[0]).toMatchObject({ line: 2, column: 5 });
    expect(v[0]?.type).toBe("forbidden_call");
    expect(v[0]?.message).toBe(`Use of '${name}' is not allowed`);
  });

  it("refuses a blocked builtin used without a call (aliasing)", async () => {
    const v = await violations("f = eval\nf('1')");
    expect(v).toEqual([
      { type: "forbidden_call", line: 1, column: 4, message: "Use of 'eval' is not allowed" },
    ]);
  });

  it("removes the blocked builtins at run time as well", async () => {
    for (const name of ["exec", "eval", "open", "compile", "globals", "vars"]) {
      const r = await sb.run({ code: `${name}`, stdin: "", timeoutMs: 5000, enforcePolicy: false });
      expect(r.error_type).toBe("NameError");
    }
  });
});

describe("static policy: attributes and names", () => {
  const ATTRS = [
    "__class__",
    "__subclasses__",
    "__globals__",
    "__builtins__",
    "__code__",
    "__base__",
    "__bases__",
    "__mro__",
    "__dict__",
    "__closure__",
    "__getattribute__",
    "__reduce_ex__",
    "__self__",
    "__func__",
    "__loader__",
    "__spec__",
    "__traceback__",
    "gi_frame",
    "gi_code",
    "cr_frame",
    "ag_frame",
    "tb_frame",
    "f_back",
    "f_globals",
    "f_locals",
    "f_builtins",
    "f_code",
    "co_code",
    "mro",
  ];
  it.each(ATTRS)("refuses .%s at the attribute's own column", async (attr) => {
    const v = await violations(`x = 1\nvalue = x.${attr}`);
    expect(v).toEqual([
      {
        type: "forbidden_attribute",
        line: 2,
        column: 10,
        message: `Access to attribute '${attr}' is not allowed`,
      },
    ]);
  });

  it("reports every link of a chain", async () => {
    const v = await violations("().__class__.__base__.__subclasses__()");
    expect(v.map((x) => x.column)).toEqual([3, 13, 22]);
  });

  it("refuses dunder names such as __builtins__", async () => {
    const v = await violations("b = __builtins__");
    expect(v).toEqual([
      { type: "forbidden_name", line: 1, column: 4, message: "Name '__builtins__' is not allowed" },
    ]);
  });

  it("allows ordinary dunders: __init__, __name__, operator methods", async () => {
    const r = await run(
      sb,
      "class V:\n    def __init__(self, x): self.x = x\n    def __add__(self, o): return V(self.x + o.x)\n" +
        "print((V(1).__add__(V(2))).x, V.__name__)\nif __name__ == '__main__':\n    print('main')",
    );
    expect(r.stdout).toBe("3 V\nmain\n");
  });

  it("refuses getattr/hasattr/setattr with a constant dunder string", async () => {
    const v = await violations("getattr(len, '__self__')\nhasattr(1, \"__class__\")");
    expect(v.map((x) => [x.line, x.column, x.type])).toEqual([
      [1, 13, "forbidden_attribute"],
      [2, 11, "forbidden_attribute"],
    ]);
  });

  it("refuses attributes inside f-strings", async () => {
    const v = await violations("x = 1\nprint(f'{x.__class__}')");
    expect(v[0]).toMatchObject({ type: "forbidden_attribute", line: 2 });
  });

  it("refuses class patterns on blocked attributes", async () => {
    const v = await violations("match 1:\n    case int(__class__=c):\n        pass");
    expect(v[0]).toMatchObject({ type: "forbidden_attribute", line: 2 });
  });

  it("counts columns in characters on non-ASCII lines", async () => {
    const v = await violations("s = 'héllo'; t = s.__class__");
    expect(v[0]).toMatchObject({ line: 1, column: 19 });
  });

  it("reports all violations sorted by position", async () => {
    const v = await violations("import os\neval('1')\nx = ().__class__\nimport sys");
    expect(v.map((x) => [x.line, x.type])).toEqual([
      [1, "forbidden_import"],
      [2, "forbidden_call"],
      [3, "forbidden_attribute"],
      [4, "forbidden_import"],
    ]);
  });
});

describe("static policy: syntax errors", () => {
  it("reports a syntax error with its line", async () => {
    const v = await violations("x = 1\ny = (2 +\nprint(y)");
    expect(v).toHaveLength(1);
    expect(v[0]?.type).toBe("syntax_error");
    expect(v[0]?.line).toBe(2);
    expect(v[0]?.message).toBe("Syntax error at line 2: '(' was never closed");
  });

  it("reports bad indentation and NUL bytes as syntax errors", async () => {
    expect((await violations("if True:\nprint(1)"))[0]).toMatchObject({
      type: "syntax_error",
      line: 2,
    });
    expect((await violations("x = 1\u0000"))[0]).toMatchObject({ type: "syntax_error", line: 1 });
  });

  it("survives absurdly nested code", async () => {
    const v = await violations(`x = ${"(".repeat(300)}1${")".repeat(300)}`);
    expect(v[0]?.type).toBe("syntax_error");
  });
});
