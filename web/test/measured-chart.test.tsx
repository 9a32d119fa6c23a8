import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { AnalysisPanel } from "../src/analysis/AnalysisPanel";
import { fitCurve, growth, MeasuredChart } from "../src/analysis/MeasuredChart";
import type { MeasuredComplexity } from "../src/api/types";

const linear: MeasuredComplexity = {
  time_complexity: "O(n)",
  space_complexity: "O(1)",
  points: [4, 8, 16, 32, 64, 128].map((n) => ({ n, ops: 3 * n + 5, peak_bytes: 100 })),
  confidence: 0.93,
  entry: "f(n = n)",
  reason: null,
};

describe("measured chart", () => {
  it("draws one dot per measured size, the fitted curve and the class label", () => {
    render(<MeasuredChart measured={linear} />);
    expect(screen.getAllByTestId("measured-point")).toHaveLength(6);
    expect(screen.getByTestId("measured-class").textContent).toBe("O(n)");
    const fit = screen.getByTestId("measured-fit").getAttribute("d") ?? "";
    expect(fit.startsWith("M")).toBe(true);
    expect(fit.split("L")).toHaveLength(40);
    expect(screen.getByRole("img").getAttribute("aria-label")).toMatch(
      /Measured O\(n\), confidence 0\.93: 6 sizes from n = 4 to 128/,
    );
  });

  it("places the dots left to right and bottom to top as n and the steps grow", () => {
    render(<MeasuredChart measured={linear} />);
    const dots = screen.getAllByTestId("measured-point");
    const xs = dots.map((d) => Number(d.getAttribute("cx")));
    const ys = dots.map((d) => Number(d.getAttribute("cy")));
    expect(xs).toEqual([...xs].sort((a, b) => a - b));
    expect(ys).toEqual([...ys].sort((a, b) => b - a)); // SVG y grows downwards
  });

  it("fits the curve through exact counts", () => {
    const g = growth("O(n^2)");
    expect(g).not.toBeNull();
    const pts = [4, 8, 16, 32].map((n) => ({ n, ops: 2 * n * n + 7 }));
    const f = fitCurve(pts, g as (n: number) => number);
    for (const p of pts) expect(f(p.n)).toBeCloseTo(p.ops, 3);
    expect(growth("O(n!)")).toBeNull();
  });

  it("says why a program was not measured", () => {
    render(
      <MeasuredChart
        measured={{ ...linear, time_complexity: null, points: [], reason: "no input to grow" }}
      />,
    );
    expect(screen.getByTestId("measured-none").textContent).toMatch(/no input to grow/);
    expect(screen.queryByTestId("measured-chart")).toBeNull();
  });

  it("appears in the analysis panel with the deciding method", () => {
    render(
      <AnalysisPanel
        status={{ available: true, provider: "static" }}
        state={{
          running: false,
          streaming: false,
          text: "## Time Complexity\n\n**O(n)**",
          error: null,
          result: {
            success: true,
            time_complexity: "O(n)",
            space_complexity: "O(1)",
            narrative: "",
            error: null,
            available: true,
            model: null,
            measured: linear,
            method: "static+measured",
          },
        }}
      />,
    );
    expect(screen.getByTestId("measured-chart")).toBeTruthy();
    expect(screen.getByTestId("analysis-badges").textContent).toMatch(
      /decided by static\+measured/,
    );
  });
});
