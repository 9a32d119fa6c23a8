import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { AnalysisPanel, loadMarkdown } from "../src/analysis/AnalysisPanel";
import { renderMarkdown } from "../src/analysis/markdown";

describe("Markdown rendering without HTML injection", () => {
  it("renders Markdown structure", () => {
    const html = renderMarkdown("## Time\n\n- loop is **O(n)**\n\n`code`");
    expect(html).toContain("<h3>Time</h3>");
    expect(html).toContain("<strong>O(n)</strong>");
    expect(html).toContain("<code>code</code>");
  });

  it("escapes raw HTML instead of emitting it", () => {
    const html = renderMarkdown('<img src=x onerror="alert(1)"><script>alert(2)</script>');
    expect(html).not.toContain("<img");
    expect(html).not.toContain("<script");
    expect(html).toContain("&lt;img");
  });

  it("refuses javascript: links and makes others safe", () => {
    const html = renderMarkdown("[x](javascript:alert(1)) [y](https://example.org)");
    expect(html).not.toMatch(/href="javascript:/i);
    expect(html).toContain('href="https://example.org"');
    expect(html).toContain('rel="noopener noreferrer nofollow"');
  });

  it("the panel shows streamed text, badges and model, with no injected element", async () => {
    await loadMarkdown();
    const { container } = render(
      <AnalysisPanel
        status={{ available: true, provider: "static" }}
        state={{
          running: false,
          streaming: false,
          text: "**Linear** time <img src=x onerror=alert(1)>",
          error: null,
          result: {
            success: true,
            time_complexity: "O(n)",
            space_complexity: "O(1)",
            narrative: "",
            error: null,
            available: true,
            model: "static-analyser",
          },
        }}
      />,
    );
    expect(await screen.findByText("Linear")).toBeTruthy();
    expect(container.querySelector("img")).toBeNull();
    expect(screen.getByText("Time O(n)")).toBeTruthy();
    expect(screen.getByText("Space O(1)")).toBeTruthy();
    expect(screen.getByTestId("analysis-provider").textContent).toContain("static-analyser");
  });

  it("says clearly when analysis is unavailable", () => {
    render(
      <AnalysisPanel
        status={{ available: false, provider: null }}
        state={{ running: false, streaming: false, text: "", error: null, result: null }}
      />,
    );
    expect(screen.getByTestId("analysis-provider").textContent).toBe(
      "Analysis is unavailable on this server.",
    );
  });
});
