// Known bypasses of Python-level sandboxes (issue 3): the static policy refuses each one
// with its position; with the policy off, attacks.test.ts shows the OS layer holds.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Sandbox } from "../../../src/execution/sandbox/sandbox.js";
import { testUid } from "../../helpers/uids.js";
import { makeSandbox, run, runUnchecked } from "./helpers.js";

let sb: Sandbox;
beforeAll(async () => {
  sb = await makeSandbox(testUid(62300), { policyProfile: "original" });
});
afterAll(() => sb.close());

const cases: [string, string, { type: string; line: number; column: number }][] = [
  [
    "operator.attrgetter('__globals__') on an allowed module's function",
    "import operator, random\ng = operator.attrgetter('__globals__')(random.seed)",
    { type: "forbidden_attribute", line: 2, column: 24 },
  ],
  [
    "operator.methodcaller('__subclasses__')",
    "import operator\noperator.methodcaller('__subclasses__')(object)",
    { type: "forbidden_attribute", line: 2, column: 22 },
  ],
  [
    "attribute access inside a format string",
    "x = '{0.__class__.__mro__}'.format(())",
    { type: "forbidden_attribute", line: 1, column: 4 },
  ],
  [
    "format_map walking attributes",
    "'{a.gi_frame}'.format_map({'a': 1})",
    { type: "forbidden_attribute", line: 1, column: 0 },
  ],
  [
    "getattr with a constant dunder",
    "f = lambda: 0\ngetattr(f, '__globals__')",
    { type: "forbidden_attribute", line: 2, column: 11 },
  ],
  [
    "NFKC-normalised identifier (fullwidth exec)",
    "x = 1\nｅｘｅｃ('print(1)')",
    { type: "forbidden_call", line: 2, column: 0 },
  ],
  [
    "NFKC-normalised dunder attribute",
    "x = ().__ｃｌａｓｓ__",
    { type: "forbidden_attribute", line: 1, column: 7 },
  ],
  [
    "decorator as a call",
    "@eval\n@lambda _: '1+1'\ndef f(): pass",
    { type: "forbidden_call", line: 1, column: 1 },
  ],
  [
    "generator frame walking",
    "def g():\n    yield 1\ngen = g()\nframe = gen.gi_frame.f_back",
    { type: "forbidden_attribute", line: 4, column: 12 },
  ],
  [
    "traceback frame walking",
    "try:\n    1/0\nexcept Exception as e:\n    f = e.__traceback__.tb_frame",
    { type: "forbidden_attribute", line: 4, column: 10 },
  ],
  [
    "coroutine frame",
    "async def c(): pass\nx = c().cr_frame",
    { type: "forbidden_attribute", line: 2, column: 8 },
  ],
  [
    "__builtins__ through a name",
    "__builtins__['open']",
    { type: "forbidden_name", line: 1, column: 0 },
  ],
  [
    "subclass walking",
    "for c in object.__subclasses__(): pass",
    { type: "forbidden_attribute", line: 1, column: 16 },
  ],
];

describe("known bypasses: refused by the static policy", () => {
  it.each(cases)("%s", async (_name, code, expected) => {
    const r = await run(sb, code);
    expect(r.stdout).toBe("");
    expect(r.security_violations[0]).toMatchObject(expected);
  });
});

describe("known bypasses: the runtime guard still refuses what the parser cannot see", () => {
  it("getattr with a name built at run time", async () => {
    const r = await run(sb, "name = '__gl' + 'obals__'\nf = lambda: 0\nprint(getattr(f, name))");
    expect(r.error_type).toBe("AttributeError");
    expect(r.error).toBe("Access to attribute '__globals__' is not allowed");
  });

  it.each([
    ["hasattr", "hasattr(len, '__se' + 'lf__')"],
    ["setattr", "class A: pass\nsetattr(A, '__in' + 'it_subclass__', 1)"],
    ["delattr", "class A: pass\ndelattr(A, '__mo' + 'dule__')"],
  ])("%s with a name built at run time", async (_name, code) => {
    const r = await run(sb, code);
    expect(r.error_type).toBe("AttributeError");
  });

  it("imports of non-allowed modules by a dynamic route fail at run time", async () => {
    const r = await runUnchecked(sb, "import math\nprint(__import__('os'))");
    expect(r.error_type).toBe("ImportError");
  });
});
