// Streamed analysis: Markdown rendered safely (markdown-it, html off, loaded on first use),
// Big-O badges for time and space, and the provider/model that produced it.

import { useEffect, useState } from "react";
import type { AnalysisStatus } from "../api/types";
import { Badge, ErrorLine, Spinner } from "../ui/common";
import { MeasuredChart } from "./MeasuredChart";
import type { AnalysisState } from "./useAnalysis";

type Render = (src: string) => string;
let renderer: Promise<Render> | null = null;
export function loadMarkdown(): Promise<Render> {
  renderer ??= import("./markdown").then((m) => m.renderMarkdown);
  return renderer;
}

function Markdown({ source }: { source: string }) {
  const [render, setRender] = useState<Render | null>(null);
  useEffect(() => {
    let live = true;
    void loadMarkdown().then((r) => live && setRender(() => r));
    return () => {
      live = false;
    };
  }, []);
  if (!render) return <pre className="markdown-plain">{source}</pre>;
  // markdown-it runs with html:false: any tag in the source is escaped, never injected.
  // biome-ignore lint/security/noDangerouslySetInnerHtml: sanitised by construction (html off)
  return <div className="markdown" dangerouslySetInnerHTML={{ __html: render(source) }} />;
}

export function AnalysisPanel({
  state,
  status,
}: {
  state: AnalysisState;
  status: AnalysisStatus | null;
}) {
  const { result, text, running, streaming, error } = state;
  const unavailable = status && !status.available;
  return (
    <section className="panel analysis-panel" aria-labelledby="analysis-heading">
      <div className="panel-head">
        <h2 id="analysis-heading">Analysis</h2>
        <Spinner active={running && !streaming} label="Analysing…" />
        {streaming && (
          <span className="muted small" role="status">
            streaming…
          </span>
        )}
      </div>
      <p className="muted small" data-testid="analysis-provider">
        {status
          ? status.available
            ? `Provider: ${status.provider ?? "unknown"}`
            : "Analysis is unavailable on this server."
          : "Provider: checking…"}
        {result?.model ? ` · model ${result.model}` : ""}
      </p>
      {result && (result.time_complexity || result.space_complexity) && (
        <div className="badges" data-testid="analysis-badges">
          {result.time_complexity && <Badge tone="info">Time {result.time_complexity}</Badge>}
          {result.space_complexity && <Badge tone="info">Space {result.space_complexity}</Badge>}
          {result.method && <Badge tone="neutral">decided by {result.method}</Badge>}
        </div>
      )}
      {result?.measured && <MeasuredChart measured={result.measured} />}
      <ErrorLine message={error} />
      <section
        className="analysis-text"
        data-testid="analysis-text"
        aria-label="Analysis text"
        aria-live="polite"
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard
        tabIndex={0}
      >
        {text ? (
          <Markdown source={text} />
        ) : (
          !running &&
          !error && (
            <p className="muted">
              {unavailable
                ? "Complexity analysis is not configured on this server."
                : "Press Analyse to estimate the program's time and space complexity."}
            </p>
          )
        )}
      </section>
    </section>
  );
}
