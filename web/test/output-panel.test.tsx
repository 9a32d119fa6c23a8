import { fireEvent, render, screen } from "@testing-library/react";
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
  waitingForInput: false,
  inputClosed: false,
  stopping: false,
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

  it("shows figures inline between the text, each downloadable", () => {
    render(
      <OutputPanel
        state={{
          ...base,
          segments: [
            { stream: "stdout", text: "before\n" },
            { stream: "figure", figure: { mime_type: "image/png", data: "iVBORw0KGgo=" } },
            { stream: "stdout", text: "after\n" },
            { stream: "figure", figure: { mime_type: "image/svg+xml", data: "PHN2Zy8+" } },
          ],
        }}
      />,
    );
    const out = screen.getByTestId("output");
    const order = [...out.children].map((c) => c.getAttribute("data-stream") ?? c.tagName);
    expect(order).toEqual(["stdout", "FIGURE", "stdout", "FIGURE"]);
    const links = screen.getAllByRole("link");
    expect(links.map((a) => a.getAttribute("download"))).toEqual(["figure-1.png", "figure-2.svg"]);
    expect(links[0]?.getAttribute("href")).toBe("data:image/png;base64,iVBORw0KGgo=");
    expect(screen.getByAltText("Figure 2").getAttribute("src")).toBe(
      "data:image/svg+xml;base64,PHN2Zy8+",
    );
  });

  it("turns into a console while the program waits: Enter sends the line, Ctrl+D ends input", () => {
    const sent: string[] = [];
    let closed = 0;
    const io = {
      sendInput: (line: string) => {
        sent.push(line);
        return true;
      },
      closeInput: () => {
        closed += 1;
      },
    };
    const { rerender } = render(
      <OutputPanel
        state={{ ...base, running: true, segments: [{ stream: "stdout", text: "Name? " }] }}
        io={io}
      />,
    );
    expect(screen.queryByRole("textbox", { name: "Program input" })).toBeNull();
    rerender(
      <OutputPanel
        state={{
          ...base,
          running: true,
          waitingForInput: true,
          segments: [{ stream: "stdout", text: "Name? " }],
        }}
        io={io}
      />,
    );
    const box = screen.getByRole("textbox", { name: "Program input" }) as HTMLInputElement;
    expect(document.activeElement).toBe(box);
    fireEvent.change(box, { target: { value: "Ada" } });
    fireEvent.submit(box.closest("form") as HTMLFormElement);
    expect(sent).toEqual(["Ada"]);
    expect(box.value).toBe("");
    fireEvent.keyDown(box, { key: "d", ctrlKey: true });
    expect(closed).toBe(1);
  });

  it("calls a cancelled run Stopped", () => {
    render(
      <OutputPanel
        state={{
          ...base,
          result: {
            success: false,
            stdout: "",
            stderr: "",
            error: "Execution was cancelled",
            error_type: "Cancelled",
            execution_time_ms: 80,
            timed_out: false,
            security_violations: [],
            truncated: false,
          },
        }}
      />,
    );
    expect(screen.getByTestId("run-status").textContent).toBe("Stopped");
  });
});
