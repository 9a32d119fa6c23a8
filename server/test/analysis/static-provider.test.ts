// The offline provider end to end: TypeScript → local tool runner → python3 → analyser.

import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ANALYZER_PYTHON_DIR } from "../../src/analysis/python-tool-runner.js";
import { createStaticProvider, splitMarkdown } from "../../src/analysis/static-provider.js";
import { createLocalPythonToolRunner } from "../helpers/local-tool-runner.js";
import { PROGRAMS } from "./static-programs.js";

const provider = createStaticProvider({
  runTool: createLocalPythonToolRunner(),
  timeoutMs: 10_000,
});
const table = Object.entries(PROGRAMS).flatMap(([label, codes]) =>
  codes.map((code, i) => [label, i, code] as const),
);

describe("static provider on a table of programs", () => {
  it.each(table)("%s #%i", async (label, _i, code) => {
    const r = await provider.analyze(code);
    expect(r.success).toBe(true);
    expect(r.time_complexity).toBe(label);
  });
});

describe("static provider", () => {
  it("answers in the API shape with a sectioned narrative that says why", async () => {
    const code =
      "def f(xs):\n    for i in range(len(xs)):\n        for j in range(len(xs)):\n            pass\n";
    const r = await provider.analyze(code);
    expect(r).toMatchObject({
      success: true,
      time_complexity: "O(n^2)",
      space_complexity: "O(1)",
      error: null,
      available: true,
      model: null,
    });
    expect(provider.name).toBe("static");
    expect(provider.model).toBeNull();
    for (const heading of [
      "## Algorithm",
      "## Time Complexity",
      "## Space Complexity",
      "## Suggestions",
    ]) {
      expect(r.narrative).toContain(heading);
    }
    expect(r.narrative).toContain("Line 3");
    expect(r.narrative).toContain("for j in range(len(xs))");
  });

  it("is deterministic", async () => {
    const code = PROGRAMS["O(n log n)"]?.[2] ?? "";
    const a = await provider.analyze(code);
    const b = await provider.analyze(code);
    expect(a).toEqual(b);
  });

  it("explains composed calls and memoised recursion", async () => {
    const composed = await provider.analyze(
      "def helper(xs):\n    return max(xs)\n\ndef outer(xs):\n    return [helper(xs) for _ in xs]\n",
    );
    expect(composed.time_complexity).toBe("O(n^2)");
    expect(composed.narrative).toContain("calls `helper`");
    const memo = await provider.analyze(
      "from functools import lru_cache\n\n@lru_cache(None)\ndef f(n):\n    return n if n < 2 else f(n - 1) + f(n - 2)\n",
    );
    expect(memo.time_complexity).toBe("O(n)");
    expect(memo.narrative).toMatch(/memoised/i);
  });

  it("streams the narrative in pieces that join back to it", async () => {
    const pieces: string[] = [];
    const r = await provider.analyzeStream(PROGRAMS["O(n)"]?.[0] ?? "", (c) => pieces.push(c));
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.join("")).toBe(r.narrative);
  });

  it("reports syntax errors and empty code as success:false", async () => {
    const bad = await provider.analyze("def f(:\n");
    expect(bad).toMatchObject({ success: false, time_complexity: null, available: true });
    expect(bad.error).toMatch(/Syntax error at line 1/);
    expect((await provider.analyze("   ")).error).toMatch(/No code/);
  });

  it("stays bounded on hostile input, refusing what it cannot analyse and analysing the rest", async () => {
    // Each input with the answer it must get: a named refusal, or an estimate (not a timeout).
    const hostile: [string, { error: string | RegExp } | { time: string }][] = [
      [`x = ${"(".repeat(3000)}1${")".repeat(3000)}`, { error: /too many nested parentheses/ }],
      [
        `x = ${Array(40_000).fill("1").join("+")}`,
        { error: "Code is nested too deeply to analyse" },
      ],
      [
        `def f(n):\n${Array.from({ length: 19 }, (_, i) => `${"    ".repeat(i + 1)}for i${i} in range(n):\n`).join("")}${"    ".repeat(20)}pass\n`,
        { time: "O(n^19)" },
      ],
      [`x = ${"f(".repeat(150)}${")".repeat(150)}`, { time: "O(1)" }],
      ["a = 1\n".repeat(50_000), { error: /^Code is too large to analyse statically/ }],
      [
        Array.from(
          { length: 1500 },
          (_, i) => `def f${i}(n):\n    for _ in range(n): pass\n    return f${i + 1}(n)`,
        ).join("\n"),
        { time: "O(n)" },
      ],
    ];
    for (const [code, want] of hostile) {
      // An input that blew the analyser up would run into the provider's 10 s tool timeout
      // and come back as "Static analysis failed: ... timed out", matching neither answer.
      const r = await provider.analyze(code);
      expect(r.error ?? "", code.slice(0, 40)).not.toMatch(/timed out/);
      if ("time" in want) {
        expect(r.error, code.slice(0, 40)).toBeNull();
        expect(r.time_complexity, code.slice(0, 40)).toBe(want.time);
      } else {
        expect(r.success, code.slice(0, 40)).toBe(false);
        expect(r.error, code.slice(0, 40)).toMatch(want.error);
      }
    }
  });

  it("turns a failing or odd tool into success:false", async () => {
    const failing = createStaticProvider({
      runTool: async () => {
        throw new Error("sandbox down");
      },
    });
    expect((await failing.analyze("x = 1")).error).toBe("Static analysis failed: sandbox down");
    const odd = createStaticProvider({ runTool: async () => ({ nope: true }) });
    expect((await odd.analyze("x = 1")).error).toMatch(/unexpected/);
    const throwsString = createStaticProvider({
      runTool: () => Promise.reject("boom"),
    });
    expect((await throwsString.analyze("x = 1")).error).toBe("Static analysis failed: boom");
  });

  it("stops when the caller aborted", async () => {
    const controller = new AbortController();
    controller.abort();
    const pieces: string[] = [];
    const r = await provider.analyzeStream("x = 1", (c) => pieces.push(c), {
      signal: controller.signal,
    });
    expect(r.error).toBe("Analysis cancelled");
    expect(pieces).toEqual([]);
  });
});

describe("static analyser script entry", () => {
  const script = join(ANALYZER_PYTHON_DIR, "static_analyzer.py");
  const runScript = (input: string) =>
    JSON.parse(spawnSync("/usr/bin/python3", ["-I", "-B", script], { input }).stdout.toString());

  it("reads {code} JSON on stdin and prints the result", () => {
    const out = runScript(
      JSON.stringify({ code: "def f(n):\n    while n > 1:\n        n //= 2\n" }),
    );
    expect(out).toMatchObject({
      success: true,
      time_complexity: "O(log n)",
      space_complexity: "O(1)",
    });
  });

  it("answers bad input with success:false instead of a traceback", () => {
    expect(runScript("not json")).toMatchObject({ success: false, error: "stdin is not JSON" });
    expect(runScript(JSON.stringify({ code: 42 }))).toMatchObject({ success: false });
  });
});

describe("static analyser suggestions", () => {
  it("points at list scans, pop(0) and exponential recursion", async () => {
    const scans = await provider.analyze(
      "def common(a, b):\n    out = []\n    for x in a:\n        if x in b:\n            out.append(x)\n    return out\n",
    );
    expect(scans.time_complexity).toBe("O(n^2)");
    expect(scans.narrative).toMatch(/`set`/);
    const queue = await provider.analyze(
      "def drain(q):\n    out = []\n    while q:\n        out.append(q.pop(0))\n    return out\n",
    );
    expect(queue.narrative).toMatch(/deque/);
    const fib = await provider.analyze(
      "def fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)\n",
    );
    expect(fib.narrative).toMatch(/lru_cache/);
  });
});

describe("splitMarkdown", () => {
  it("cuts at line ends and keeps every character", () => {
    const text = "## A\n\nline one\nline two is longer\n\n## B\n\nend";
    const pieces = splitMarkdown(text, 12);
    expect(pieces.join("")).toBe(text);
    for (const p of pieces.slice(0, -1)) expect(p.endsWith("\n") || p.length === 12).toBe(true);
    expect(splitMarkdown("x".repeat(30), 10)).toEqual([
      "x".repeat(10),
      "x".repeat(10),
      "x".repeat(10),
    ]);
    expect(splitMarkdown("", 10)).toEqual([]);
  });
});
