// Figures (issue 13 item 3): the runner's matplotlib backend (python/figures.py) with the
// real matplotlib, through the real WarmProcess, control channel and result mapping; and
// the host's checks on figure events through the real bwrap sandbox.
//
// The runner is started directly by python3 with site on (so Debian's dist-packages, where
// python3-matplotlib lives, is importable); the bwrap sandbox binds only the standard
// library until the scientific stack is bound into it, which does not change this path.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RUNNER_DIR } from "../../../src/execution/sandbox/host-paths.js";
import type { Launcher } from "../../../src/execution/sandbox/launcher.js";
import { LiveInput } from "../../../src/execution/sandbox/live-input.js";
import {
  ControlReader,
  encodeRunJob,
  MAX_FIGURE_BYTES,
  MAX_FIGURES,
} from "../../../src/execution/sandbox/protocol.js";
import { toExecutionResult } from "../../../src/execution/sandbox/result-mapper.js";
import { RunEvents } from "../../../src/execution/sandbox/run-events.js";
import type { Figure, OutputChunk, Sandbox } from "../../../src/execution/sandbox/sandbox.js";
import { WarmProcess } from "../../../src/execution/sandbox/warm-process.js";
import { testUid } from "../../helpers/uids.js";
import { ESCAPE, makeSandbox } from "./helpers.js";

const PNG_MAGIC = "89504e470d0a1a0a";

const directLauncher: Launcher = {
  isolation: "process",
  command: "/usr/bin/python3",
  // -I without -S: site adds dist-packages; the runner's own limits still apply.
  args: ["-I", "-B", join(RUNNER_DIR, "runner.py"), "allowed=matplotlib,numpy", "as=2147483648"],
};

type Item = { text: string } | { figure: Figure };

async function runDirect(code: string) {
  const proc = new WarmProcess(directLauncher, undefined);
  await proc.ready;
  const items: Item[] = [];
  const raw = await proc.execute(
    encodeRunJob({ code, stdin: "", timeoutMs: 20_000, enforcePolicy: true, stream: true }),
    {
      timeoutMs: 20_000,
      maxOutputBytes: 1 << 20,
      onOutput: (c: OutputChunk) => items.push({ text: c.data }),
      onFigure: (figure) => items.push({ figure }),
    },
  );
  proc.kill();
  return { result: toExecutionResult(raw, 20_000), items };
}

const bytesOf = (f: Figure) => Buffer.from(f.data, "base64");

describe("figures from matplotlib (real matplotlib, direct runner)", () => {
  it("sends each plt.show() in order with the output, and figures left open at the end", async () => {
    const { result, items } = await runDirect(
      [
        "import matplotlib.pyplot as plt",
        "print('before')",
        "plt.plot([1, 2, 3], [4, 1, 9])",
        "plt.show()",
        "print('between')",
        "fig, ax = plt.subplots()",
        "ax.bar(['a', 'b'], [3, 5])",
        "print('end')",
      ].join("\n"),
    );
    expect(result).toMatchObject({ success: true, stdout: "before\nbetween\nend\n" });
    expect(result.truncated).toBe(false);
    expect(result.figures).toHaveLength(2);
    for (const f of result.figures) {
      expect(f.mime_type).toBe("image/png");
      expect(bytesOf(f).subarray(0, 8).toString("hex")).toBe(PNG_MAGIC);
    }
    // Live order: the shown figure between the lines around it, the open one after all.
    const order = items.map((i) => ("text" in i ? i.text : "<figure>")).join("");
    expect(order).toBe("before\n<figure>between\nend\n<figure>");
    expect(result.figures[0]?.data).not.toBe(result.figures[1]?.data);
  });

  it("sends SVG when savefig.format says so, and fig.show() works too", async () => {
    const { result } = await runDirect(
      [
        "import matplotlib",
        "import matplotlib.pyplot as plt",
        "matplotlib.rcParams['savefig.format'] = 'svg'",
        "fig = plt.figure()",
        "plt.plot([0, 1])",
        "fig.show()",
        "plt.close(fig)",
      ].join("\n"),
    );
    expect(result.success).toBe(true);
    expect(result.figures).toHaveLength(1);
    expect(result.figures[0]?.mime_type).toBe("image/svg+xml");
    expect(bytesOf(result.figures[0] as Figure).toString("utf8")).toContain("<svg");
  });

  it("caps the number of figures and says so with truncated", async () => {
    const { result } = await runDirect(
      [
        "import matplotlib.pyplot as plt",
        `for i in range(${MAX_FIGURES + 3}):`,
        "    plt.figure(figsize=(1, 1), dpi=20)",
        "    plt.plot([0, i])",
        "    plt.show()",
        "print('done')",
      ].join("\n"),
    );
    expect(result).toMatchObject({ success: true, stdout: "done\n", truncated: true });
    expect(result.figures).toHaveLength(MAX_FIGURES);
  });

  it("keeps the program's own result when it fails after plotting", async () => {
    const { result } = await runDirect(
      "import matplotlib.pyplot as plt\nplt.plot([1, 2])\nraise ValueError('boom')",
    );
    expect(result).toMatchObject({ success: false, error_type: "ValueError" });
    expect(result.figures).toHaveLength(1);
  });

  it("a program that picks Agg itself still gets the figures it leaves open", async () => {
    const { result } = await runDirect(
      [
        "import matplotlib",
        "matplotlib.use('Agg')",
        "import matplotlib.pyplot as plt",
        "plt.plot([1, 2])",
        "print(matplotlib.get_backend())",
      ].join("\n"),
    );
    expect(result).toMatchObject({ success: true, stdout: "agg\n" });
    expect(result.figures).toHaveLength(1);
  });

  it("sends nothing for programs that do not plot", async () => {
    const { result, items } = await runDirect("print(sum(range(10)))");
    expect(result.figures).toEqual([]);
    expect(items).toEqual([{ text: "45\n" }]);
  });
});

describe("interactive runs (direct runner)", () => {
  it("reads the given stdin first, then live input; announces each wait with its prompt", async () => {
    const proc = new WarmProcess(directLauncher, undefined);
    await proc.ready;
    const input = new LiveInput();
    const asked: string[] = [];
    const code = [
      "print(input())",
      "name = input('Name? ')",
      "print('hi', name)",
      "try:",
      "    input()",
      "except EOFError:",
      "    print('eof')",
    ].join("\n");
    const raw = await proc.execute(
      encodeRunJob({
        code,
        stdin: "given\n",
        timeoutMs: 10_000,
        enforcePolicy: true,
        stream: true,
        interactive: true,
      }),
      {
        timeoutMs: 10_000,
        maxOutputBytes: 1 << 20,
        input,
        onOutput: () => {},
        onInputRequest: (prompt) => {
          asked.push(prompt);
          if (asked.length === 1) input.write("Ada\n");
          else input.close();
        },
      },
    );
    proc.kill();
    const r = toExecutionResult(raw, 10_000);
    expect(r).toMatchObject({ success: true, stdout: "given\nName? hi Ada\neof\n" });
    expect(asked).toEqual(["Name? ", ""]);
    expect(input.write("late")).toBe(false);
  });

  it("a cancelled run ends with Cancelled and the output flushed so far", async () => {
    const proc = new WarmProcess(directLauncher, undefined);
    await proc.ready;
    const ac = new AbortController();
    const running = proc.execute(
      encodeRunJob({
        code: "import time\nprint('partial', end='')\nwhile True:\n    time.sleep(0.01)",
        stdin: "",
        timeoutMs: 10_000,
        enforcePolicy: true,
        stream: false, // block-buffered: only the runner's flush on SIGTERM saves it
      }),
      { timeoutMs: 10_000, maxOutputBytes: 1 << 20, signal: ac.signal },
    );
    setTimeout(() => ac.abort(), 300);
    const r = toExecutionResult(await running, 10_000);
    proc.kill();
    expect(r).toMatchObject({
      success: false,
      error_type: "Cancelled",
      timed_out: false,
      stdout: "partial",
    });
  });
});

describe("figure events on the control channel (real bwrap sandbox)", () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await makeSandbox(testUid(62900), { poolSize: 1 });
  });
  afterAll(() => sb?.close());

  // Code that escaped the Python layer can write fd 3 itself: the host validates and caps.
  const writeEvents = (lines: string[]) =>
    [
      ESCAPE,
      "print('x', flush=True)",
      ...lines.map((l) => `os.write(3, ${JSON.stringify(`${l}\n`)}.encode())`),
    ].join("\n");

  it("accepts a well-formed figure and drops malformed ones", async () => {
    const good = JSON.stringify({
      event: "figure",
      mime_type: "image/png",
      data: Buffer.from("png").toString("base64"),
      stdout_bytes: 2,
      stderr_bytes: 0,
    });
    const badMime = good.replace("image/png", "text/html");
    const badData = good.replace(/"data":"[^"]*"/, '"data":"<script>"');
    const figures: Figure[] = [];
    const r = await sb.run({
      code: writeEvents([badMime, badData, good, '{"event":"nope"}']),
      stdin: "",
      timeoutMs: 5000,
      enforcePolicy: false,
      onFigure: (f) => figures.push(f),
    });
    expect(r).toMatchObject({ success: true, stdout: "x\n", truncated: false });
    expect(r.figures).toEqual([{ mime_type: "image/png", data: "cG5n" }]);
    expect(figures).toEqual(r.figures);
  });

  it("refuses figures beyond the byte cap", async () => {
    const big = "A".repeat(MAX_FIGURE_BYTES / 2 + 4);
    const ev = JSON.stringify({
      event: "figure",
      mime_type: "image/png",
      data: big,
      stdout_bytes: 0,
      stderr_bytes: 0,
    });
    const r = await sb.run({
      code: `${ESCAPE}\nline = ${JSON.stringify(`${ev}\n`)}.encode()\nfor _ in range(2):\n    os.write(3, line)`,
      stdin: "",
      timeoutMs: 10_000,
      enforcePolicy: false,
    });
    expect({ ...r, figures: r.figures.length }).toMatchObject({ success: true, figures: 1 });
    expect(r.truncated).toBe(true);
  });
});

describe("RunEvents and the control reader", () => {
  it("routes event lines apart from the ready/verdict/result lines", () => {
    const r = new ControlReader();
    r.push(Buffer.from('{"ready":true,"seccomp":true}\n{"event":"figures_trun'));
    r.push(Buffer.from('cated","stdout_bytes":0,"stderr_bytes":0}\n{"success":true}\n'));
    expect(r.messages).toEqual([{ ready: true, seccomp: true }, { success: true }]);
    expect(r.events).toEqual([{ event: "figures_truncated", stdout_bytes: 0, stderr_bytes: 0 }]);
  });

  it("holds an event until the output before it has arrived", () => {
    const received = { stdout: 0, stderr: 0 };
    let flushes = 0;
    const shown: Figure[] = [];
    const ev = new RunEvents(
      { received, flush: () => void flushes++ },
      { onFigure: (f) => shown.push(f) },
    );
    const figure = { event: "figure", mime_type: "image/png", data: "AAAA", stderr_bytes: 1 };
    ev.take([{ ...figure, stdout_bytes: 5 }]);
    expect(shown).toHaveLength(0);
    received.stdout = 5;
    ev.deliver();
    expect(shown).toHaveLength(0); // stderr still missing
    received.stderr = 1;
    ev.deliver();
    expect(shown).toEqual([{ mime_type: "image/png", data: "AAAA" }]);
    expect(flushes).toBe(1);
    ev.take([
      { ...figure, stdout_bytes: 5 },
      { ...figure, stdout_bytes: 99 },
    ]);
    expect(shown).toHaveLength(1); // the first was taken already; the next waits
    ev.deliver(true);
    expect(shown).toHaveLength(2);
  });
});
