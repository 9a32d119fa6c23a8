import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { OutputPanel } from "../src/run/OutputPanel";
import type { RunState } from "../src/run/useRun";

const base: RunState = {
  runId: 1,
  running: false,
  segments: [],
  result: null,
  violations: [],
  error: null,
  via: null,
  firstOutputMs: null,
};

describe("output panel", () => {
  it("tells stdout and stderr apart while running, without a result badge yet", () => {
    render(
      <OutputPanel
        state={{
          ...base,
          running: true,
          via: "websocket",
          segments: [
            { stream: "stdout", text: "tick 0\n" },
            { stream: "stderr", text: "careful\n" },
          ],
        }}
      />,
    );
    const out = screen.getByTestId("output");
    expect(out.querySelector('[data-stream="stdout"]')?.textContent).toBe("tick 0\n");
    expect(out.querySelector('[data-stream="stderr"]')?.textContent).toBe("careful\n");
    expect(screen.queryByTestId("run-status")).toBeNull();
    expect(screen.getByText("live")).toBeTruthy();
  });

  it("shows status, time, and the timed-out and truncated badges", () => {
    render(
      <OutputPanel
        state={{
          ...base,
          segments: [{ stream: "stdout", text: "started\n" }],
          result: {
            success: false,
            stdout: "started\n",
            stderr: "",
            error: "Execution timed out",
            error_type: null,
            execution_time_ms: 1002,
            timed_out: true,
            security_violations: [],
            truncated: true,
          },
        }}
      />,
    );
    expect(screen.getByTestId("run-status").textContent).toBe("Timed out");
    expect(screen.getByTestId("run-time").textContent).toBe("1.00 s");
    expect(screen.getByText("Output truncated")).toBeTruthy();
  });

  it("lists security violations with 1-based columns for people", () => {
    render(
      <OutputPanel
        state={{
          ...base,
          error: "refused",
          violations: [
            { type: "import", line: 2, column: 0, message: "Import of 'os' is not allowed" },
          ],
        }}
      />,
    );
    expect(screen.getByRole("list", { name: "Security policy problems" }).textContent).toBe(
      "Line 2, column 1: Import of 'os' is not allowed",
    );
  });
});
