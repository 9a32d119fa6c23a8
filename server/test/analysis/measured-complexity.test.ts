// Measured complexity (issue 15): the estimator runs the program inside the real bubblewrap
// sandbox at growing sizes; the fitter on exact counts; the combination rule; and the
// combined provider (static analyser + measurement) end to end.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGeminiProvider } from "../../src/analysis/gemini-provider.js";
import {
  combineComplexity,
  createCombinedProvider,
  createMeasurer,
  libraryBound,
  type Measurer,
} from "../../src/analysis/measured-complexity.js";
import { createStaticProvider } from "../../src/analysis/static-provider.js";
import type { Sandbox } from "../../src/execution/sandbox/sandbox.js";
import { makeSandbox } from "../execution/sandbox/helpers.js";
import { defaultAnswer, type GeminiFixture, startGeminiServer } from "../fixtures/gemini-server.js";
import { createLocalPythonToolRunner } from "../helpers/local-tool-runner.js";
import { testUid } from "../helpers/uids.js";

let sb: Sandbox;
let measure: Measurer;
let gemini: GeminiFixture;
beforeAll(async () => {
  sb = await makeSandbox(testUid(66_000), { poolSize: 2, maxConcurrent: 2, memoryLimitMb: 512 });
  measure = createMeasurer({ runTool: (m, p, t) => sb.runTool(m, p, t) });
  gemini = await startGeminiServer();
});
afterAll(async () => {
  await sb?.close();
  await gemini?.close();
});

const local = createLocalPythonToolRunner();

describe("fitter on exact counts", () => {
  const sizes = [4, 6, 9, 14, 21, 32, 48, 72, 108, 162, 243];
  const cases: [string, (n: number) => number][] = [
    ["O(1)", () => 12],
    ["O(log n)", (n) => 4 * Math.log2(n) + 6],
    ["O(n)", (n) => 5 * n + 40],
    ["O(n log n)", (n) => n * Math.log2(n) + 3 * n],
    // the harmonic sum n·H(n): n log n with a linear term beside it
    [
      "O(n log n)",
      (n) => n * Array.from({ length: n }, (_, d) => 1 / (d + 1)).reduce((a, b) => a + b),
    ],
    ["O(n^2)", (n) => (n * n) / 2 + 7 * n],
    ["O(n^3)", (n) => n ** 3 / 6 + n * n],
  ];
  it.each(cases)("recognises %s", async (label, f) => {
    const out = (await local(
      "measure_complexity",
      { fit: sizes.map((n) => [n, f(n)]) },
      10_000,
    )) as {
      class: string;
      confidence: number;
    };
    expect(out.class).toBe(label);
    expect(out.confidence).toBeGreaterThan(0.6);
  });

  it("tells log n under a large constant from a constant over a wide span", async () => {
    const wide = [4, 6, 9, 14, 28, 112, 448, 3584, 28672];
    const fitted = async (f: (n: number) => number) =>
      (await local("measure_complexity", { fit: wide.map((n) => [n, f(n)]) }, 10_000)) as {
        class: string;
        confidence: number;
      };
    // fixed set-up work (reading input) before a loop of log n steps
    const slow = await fitted((n) => 3 * Math.log2(n) + 140);
    expect(slow.class).toBe("O(log n)");
    expect(slow.confidence).toBeGreaterThanOrEqual(0.6);
    // a single extra line event at the largest sizes is not log n
    expect((await fitted((n) => (n >= 3584 ? 6 : 5))).class).toBe("O(1)");
    expect((await fitted(() => 140)).class).toBe("O(1)");
  });

  it("recognises exponential growth from small sizes", async () => {
    const out = (await local(
      "measure_complexity",
      { fit: [4, 6, 9, 13, 15, 17, 19].map((n) => [n, 1.6 ** n * 3]) },
      10_000,
    )) as { class: string };
    expect(out.class).toBe("O(2^n)");
  });

  it("never runs a program outside the sandbox", async () => {
    const out = (await local(
      "measure_complexity",
      { code: "for i in range(n):\n    print(i)\n" },
      10_000,
    )) as {
      measured: boolean;
      reason: string;
    };
    expect(out.measured).toBe(false);
    expect(out.reason).toMatch(/only inside the sandbox/);
  });
});

/** Amortised two pointers: the left pointer never resets, so the nested while is O(n) in
 * total. (Written apart from the bench's held-out programs.) */
const AMORTISED = `def shortest_reaching(xs):
    total = left = 0
    best = len(xs) + 1
    for right in range(len(xs)):
        total += abs(xs[right])
        while total >= 50 and left <= right:
            best = min(best, right - left + 1)
            total -= abs(xs[left])
            left += 1
    return best
`;

describe("estimator in the sandbox", () => {
  const programs: [string, string, RegExp][] = [
    ["O(n)", "for i in range(n):\n    print(i)\n", /module code, free variable n/],
    ["O(n)", AMORTISED, /shortest_reaching\(xs: list\[int\]/],
    [
      "O(n log n)",
      `def sieve_counts(n):
    counts = [0] * (n + 1)
    for d in range(1, n + 1):
        for m in range(d, n + 1, d):
            counts[m] += 1
    return counts
`,
      /sieve_counts\(n = n\)/,
    ],
    [
      "O(log n)",
      `def bits(value):
    count = 0
    while value:
        value >>= 1
        count += 1
    return count
`,
      /bits/,
    ],
    [
      "O(n^2)",
      `def pairs(items):
    out = 0
    for a in items:
        for b in items:
            if a < b:
                out += 1
    return out
`,
      /pairs\(items: list\[int\]/,
    ],
    [
      "O(n^2)",
      // work the line counter cannot see: a linear scan inside `in` on a list
      `def dedupe(items):
    seen = []
    for x in items:
        if x not in seen:
            seen.append(x)
    return seen
`,
      /dedupe/,
    ],
    [
      "O(2^n)",
      `def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)
`,
      /fib\(n = n\)/,
    ],
    [
      "O(n)",
      `n = int(input())
nums = list(map(int, input().split()))
total = 0
for x in nums:
    total += x
print(total)
`,
      /reading input/,
    ],
  ];
  it.each(programs)("measures %s", async (label, code, entry) => {
    const m = await measure(code);
    expect(m.reason).toBeNull();
    expect(m.time_complexity).toBe(label);
    expect(m.entry).toMatch(entry);
    expect(m.points.length).toBeGreaterThanOrEqual(4);
    const ns = m.points.map((p) => p.n);
    expect(ns).toEqual([...ns].sort((a, b) => a - b));
    for (const p of m.points) expect(p.ops).toBeGreaterThan(0);
  });

  it("follows a slowly growing count to a span of ×16 384, where log n and a constant part", async () => {
    const m = await measure(
      "def digits(value):\n    count = 0\n    while value:\n        value //= 10\n        count += 1\n    return count\n",
    );
    expect(m.time_complexity).toBe("O(log n)");
    const ns = m.points.map((p) => p.n);
    expect(Math.max(...ns) / Math.min(...ns)).toBeGreaterThanOrEqual(16_384);
    const flat = await measure("def is_even(number):\n    return number % 2 == 0\n");
    expect(flat.time_complexity).toBe("O(1)");
    expect(flat.points.at(-1)?.n ?? 0).toBeGreaterThanOrEqual(4 * 16_384);
  });

  it("tries a path as well as random pairs: a closure over a sparse random graph hides its cube", async () => {
    const m = await measure(`def closure(n, edges):
    reach = [[False] * n for _ in range(n)]
    for u, v in edges:
        reach[u][v] = True
    for k in range(n):
        for i in range(n):
            if reach[i][k]:
                for j in range(n):
                    reach[i][j] = reach[i][j] or reach[k][j]
    return reach
`);
    expect(m.entry).toMatch(/edges: list\[pair\]/);
    expect(m.time_complexity).toBe("O(n^3)");
  });

  it("measures peak memory: a list of n items grows linearly, a counter stays flat", async () => {
    const grows = await measure("def f(n):\n    return [i * 2 for i in range(n)]\n");
    expect(grows.space_complexity).toBe("O(n)");
    expect(grows.points.at(-1)?.peak_bytes).toBeGreaterThan(grows.points[0]?.peak_bytes ?? 0);
    const flat = await measure(
      "def f(n):\n    t = 0\n    for i in range(n):\n        t += i\n    return t\n",
    );
    expect(flat.space_complexity).toBe("O(1)");
  });

  it("says why a program cannot be measured", async () => {
    const none = await measure("print('hello')\n");
    expect(none.time_complexity).toBeNull();
    expect(none.reason).toMatch(/no input to grow/);
    const refused = await measure("import socket\ndef f(n):\n    return socket.gethostname()\n");
    expect(refused.reason).toMatch(/sandbox refuses/);
    const failing = await measure("def f(callback):\n    return callback(3) + callback.attr\n");
    expect(failing.reason).toMatch(/no synthesised input ran/);
  });

  it("stays inside its budget for a program that never ends", async () => {
    const m = await measure("def spin(n):\n    while True:\n        n += 1\n");
    expect(m.time_complexity).toBeNull();
    // The estimator stopped itself at its budget and said so; past it, the host's timeout
    // (budget + 1.5 s) would have killed the tool: "measurement failed: ... timed out".
    expect(m.reason).toMatch(/too few sizes|budget/);
    expect(m.reason).not.toMatch(/measurement failed|timed out/);
  });

  it("keeps the program's output and exceptions to itself", async () => {
    const m = await measure(
      "def f(n):\n    for i in range(n):\n        print('x' * 1000)\n    try:\n        raise ValueError\n    except Exception:\n        pass\n",
    );
    expect(m.time_complexity).toBe("O(n)");
  });
});

describe("combination rule", () => {
  const measured = (time: string, confidence = 0.9, space = "O(1)") => ({
    time_complexity: time,
    space_complexity: space,
    points: [],
    confidence,
    entry: "f(n = n)",
    reason: null,
  });
  const reading = (time: string, space = "O(1)") => ({ time, space, source: "static" as const });

  it("agreement is reported as both sources", () => {
    expect(combineComplexity(reading("O(n)"), measured("O(n)"))).toMatchObject({
      time: "O(n)",
      method: "static+measured",
    });
  });
  it("a measurement that grows faster wins", () => {
    expect(combineComplexity(reading("O(1)"), measured("O(n)"))).toMatchObject({
      time: "O(n)",
      method: "measured",
    });
  });
  it("a loop-free reading stays O(1) under a slowly growing O(log n) count", () => {
    expect(combineComplexity(reading("O(1)"), measured("O(log n)", 1))).toMatchObject({
      time: "O(1)",
      method: "static",
    });
    // but a log reading still yields to a measurement that grows faster
    expect(combineComplexity(reading("O(log n)"), measured("O(n)", 1)).time).toBe("O(n)");
  });
  it("a wide, confident O(log n) beats a reading of O(n); a narrow or weak one does not", () => {
    const wide = {
      ...measured("O(log n)", 0.95),
      points: [4, 64, 1024, 16_384].map((n) => ({ n, ops: 10, peak_bytes: 0 })),
    };
    expect(combineComplexity(reading("O(n)"), wide)).toMatchObject({
      time: "O(log n)",
      method: "measured",
    });
    const narrow = { ...wide, points: wide.points.slice(0, 2) };
    expect(combineComplexity(reading("O(n)"), narrow).time).toBe("O(n)");
    expect(combineComplexity(reading("O(n)"), { ...wide, confidence: 0.7 }).time).toBe("O(n)");
    expect(combineComplexity(reading("O(n log n)"), wide).time).toBe("O(n log n)");
    expect(combineComplexity(reading("O(n)"), wide, true).time).toBe("O(n)");
  });
  it("a slower but at least linear measurement wins over loop structure (amortised work)", () => {
    expect(combineComplexity(reading("O(n^2)"), measured("O(n)"))).toMatchObject({
      time: "O(n)",
      method: "measured",
    });
  });
  it("a library-call bound and a flat measurement keep the reading", () => {
    expect(combineComplexity(reading("O(n log n)"), measured("O(n)"), true)).toMatchObject({
      time: "O(n log n)",
      method: "static",
    });
    expect(combineComplexity(reading("O(n)"), measured("O(1)"))).toMatchObject({
      time: "O(n)",
      method: "static",
    });
  });
  it("an unconfident or missing measurement falls back to the reading", () => {
    expect(combineComplexity(reading("O(n^2)"), measured("O(n)", 0.2)).method).toBe("static");
    const none = { ...measured("O(n)"), time_complexity: null, reason: "no input to grow" };
    const c = combineComplexity(reading("O(n^2)"), none);
    expect(c).toMatchObject({ time: "O(n^2)", method: "static" });
    expect(c.why).toMatch(/no input to grow/);
  });
  it("space is raised to a larger measured peak", () => {
    expect(combineComplexity(reading("O(n)", "O(1)"), measured("O(n)", 0.9, "O(n)")).space).toBe(
      "O(n)",
    );
  });
  it("reads library bounds from the static narrative", () => {
    const narrative =
      "## Time Complexity\n\n**O(n log n)**\n\n- Line 6: `sorted(…)` sorts O(n) items → O(n log n) in total.\n\n## Space Complexity\n";
    expect(libraryBound(narrative, "O(n log n)")).toBe(true);
    const method =
      "## Time Complexity\n\n**O(n log n)**\n\n- Line 3: `words.sort(…)` sorts O(n) items → O(n log n) in total.\n";
    expect(libraryBound(method, "O(n log n)")).toBe(true);
    const loops =
      "## Time Complexity\n\n**O(n^2)**\n\n- Line 4: loop `for b in items` (nested) runs O(n) times → O(n^2) in total.\n";
    expect(libraryBound(loops, "O(n^2)")).toBe(false);
  });
});

describe("combined provider", () => {
  it("answers with the measurement, the method and a Measured section", async () => {
    const runTool = (m: string, p: unknown, t: number) => sb.runTool(m, p, t);
    const provider = createCombinedProvider({
      reader: createStaticProvider({ runTool }),
      measure: createMeasurer({ runTool }),
    });
    const chunks: string[] = [];
    const r = await provider.analyzeStream("for i in range(n):\n    print(i)\n", (c) =>
      chunks.push(c),
    );
    expect(r.success).toBe(true);
    expect(r.time_complexity).toBe("O(n)");
    expect(r.method).toMatch(/measured/);
    expect(r.measured?.time_complexity).toBe("O(n)");
    expect(r.measured?.points.length).toBeGreaterThanOrEqual(4);
    expect(chunks.join("")).toBe(r.narrative);
    expect(r.narrative).toMatch(/## Measured/);
  });

  it("with an LLM keyed: the static class outranks the LLM's, the measurement decides, the LLM's text stays", async () => {
    const runTool = (m: string, p: unknown, t: number) => sb.runTool(m, p, t);
    gemini.enqueue({ kind: "text", text: defaultAnswer("O(n^2)", "O(n)") });
    const provider = createCombinedProvider({
      reader: createGeminiProvider({
        apiKey: gemini.apiKey,
        baseUrl: gemini.url,
        timeoutMs: 5_000,
      }),
      staticReader: createStaticProvider({ runTool }),
      measure: createMeasurer({ runTool }),
    });
    const r = await provider.analyze(AMORTISED);
    expect(provider.name).toBe("gemini");
    expect(r.model).toBe("gemini-2.5-flash");
    expect(r.time_complexity).toBe("O(n)");
    expect(r.method).toMatch(/measured/);
    expect(r.narrative).toMatch(/A single pass over the input/);
    expect(r.narrative).toMatch(/## Measured/);
  });

  it("falls back to the static answer where the measurement cannot run", async () => {
    const provider = createCombinedProvider({
      reader: createStaticProvider({ runTool: local }),
      measure: createMeasurer({ runTool: local }),
    });
    const r = await provider.analyze(
      "def f(xs):\n    for a in xs:\n        for b in xs:\n            pass\n",
    );
    expect(r.time_complexity).toBe("O(n^2)");
    expect(r.method).toBe("static");
    expect(r.measured?.time_complexity).toBeNull();
    expect(r.measured?.reason).toMatch(/only inside the sandbox/);
  });
});
