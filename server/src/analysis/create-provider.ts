// Picks the analysis provider from settings: Gemini when keyed, otherwise the offline
// static analyser run inside the sandbox (hostile code meets the parser only there); both
// combined with the measured complexity (issue 15), which runs the program in the sandbox.
import type { Settings } from "../platform/config.js";
import { createGeminiProvider } from "./gemini-provider.js";
import type { LlmProvider } from "./llm-provider.js";
import { createCombinedProvider, createMeasurer } from "./measured-complexity.js";
import type { ToolRunner } from "./python-tool-runner.js";
import { createStaticProvider } from "./static-provider.js";

export function createLlmProvider(settings: Settings, runTool: ToolRunner): LlmProvider {
  const { apiKey, model, baseUrl } = settings.gemini;
  const staticProvider = createStaticProvider({ runTool });
  const reader = apiKey
    ? createGeminiProvider({ apiKey, model, ...(baseUrl && { baseUrl }) })
    : staticProvider;
  return createCombinedProvider({
    reader,
    staticReader: apiKey ? staticProvider : null,
    measure: createMeasurer({ runTool }),
  });
}

/** The offline analyser alone, for the search sync's missing-complexity fill-in: it must not
 * spend model quota (or 1.5 s of sandbox time measuring) on every saved snippet. Search by
 * complexity still sees the combined answer wherever /analyze stored one on the snippet:
 * the fill-in only writes where the snippet's own value is empty. */
export function createOfflineEstimator(runTool: ToolRunner) {
  const provider = createStaticProvider({ runTool });
  return async (code: string) => {
    const r = await provider.analyze(code);
    return r.success && r.time_complexity
      ? { time: r.time_complexity, space: r.space_complexity }
      : null;
  };
}
