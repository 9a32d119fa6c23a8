// The offline LlmProvider: the Python static analyser (python/static_analyzer.py) run
// through a ToolRunner — the sandbox's runTool in the server, a plain subprocess where no
// sandbox is wired. Works with no key and no network.

import { z } from "zod";
import {
  type AnalysisResult,
  type AnalyzeOptions,
  failedAnalysis,
  type LlmProvider,
} from "./llm-provider.js";
import type { ToolRunner } from "./python-tool-runner.js";

export interface StaticProviderOptions {
  runTool: ToolRunner;
  timeoutMs?: number;
  /** Streamed narrative pieces are about this long, split at line ends. */
  chunkChars?: number;
}

const ToolOutput = z.object({
  success: z.boolean(),
  time_complexity: z.string().nullable(),
  space_complexity: z.string().nullable(),
  narrative: z.string(),
  error: z.string().nullable(),
});

export function createStaticProvider(options: StaticProviderOptions): LlmProvider {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const chunkChars = options.chunkChars ?? 240;

  async function analyze(code: string, opts?: AnalyzeOptions): Promise<AnalysisResult> {
    if (opts?.signal?.aborted) return failedAnalysis("Analysis cancelled", null);
    let raw: unknown;
    try {
      raw = await options.runTool("static_analyzer", { code }, timeoutMs);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      return failedAnalysis(`Static analysis failed: ${reason}`, null);
    }
    const parsed = ToolOutput.safeParse(raw);
    if (!parsed.success)
      return failedAnalysis("Static analysis returned an unexpected result", null);
    return { ...parsed.data, available: true, model: null };
  }

  return {
    name: "static",
    model: null,
    analyze,
    async analyzeStream(code, onChunk, opts) {
      const result = await analyze(code, opts);
      for (const piece of splitMarkdown(result.narrative, chunkChars)) {
        if (opts?.signal?.aborted) break;
        onChunk(piece);
      }
      return result;
    },
  };
}

/** Pieces of roughly `size` characters that end at a line break, so Markdown renders
 * sensibly while it streams; joined they give back the input exactly. */
export function splitMarkdown(text: string, size: number): string[] {
  const out: string[] = [];
  let rest = text;
  while (rest.length > size) {
    const cut = rest.lastIndexOf("\n", size);
    const at = cut > 0 ? cut + 1 : size;
    out.push(rest.slice(0, at));
    rest = rest.slice(at);
  }
  if (rest !== "") out.push(rest);
  return out;
}
