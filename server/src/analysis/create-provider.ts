// Picks the analysis provider from settings: Gemini when keyed, otherwise the offline
// static analyser run inside the sandbox (hostile code meets the parser only there).
import type { Settings } from "../platform/config.js";
import { createGeminiProvider } from "./gemini-provider.js";
import type { LlmProvider } from "./llm-provider.js";
import type { ToolRunner } from "./python-tool-runner.js";
import { createStaticProvider } from "./static-provider.js";

export function createLlmProvider(settings: Settings, runTool: ToolRunner): LlmProvider {
  const { apiKey, model, baseUrl } = settings.gemini;
  if (apiKey) return createGeminiProvider({ apiKey, model, ...(baseUrl && { baseUrl }) });
  return createStaticProvider({ runTool });
}

/** The offline analyser alone, for the search sync's missing-complexity fill-in: it must not
 * spend model quota on every saved snippet. */
export function createOfflineEstimator(runTool: ToolRunner) {
  const provider = createStaticProvider({ runTool });
  return async (code: string) => {
    const r = await provider.analyze(code);
    return r.success && r.time_complexity
      ? { time: r.time_complexity, space: r.space_complexity }
      : null;
  };
}
