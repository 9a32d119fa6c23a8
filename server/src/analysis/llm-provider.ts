// The LlmProvider port: something that estimates the Big-O of Python code and explains it
// in Markdown. Adapters: Gemini (gemini-provider.ts) and the offline static analyser
// (static-provider.ts). Providers never throw for a bad answer; they return success:false.

/** The response body of POST /analyze (API.md, Analysis). */
export interface AnalysisResult {
  success: boolean;
  time_complexity: string | null;
  space_complexity: string | null;
  narrative: string;
  error: string | null;
  available: boolean;
  model: string | null;
  /** The run at growing sizes in the sandbox (issue 15); null when measurement is off. */
  measured?: MeasuredComplexity | null;
  /** Which source decided time_complexity (measured-complexity.ts, combineComplexity). */
  method?: AnalysisMethod;
}

export type AnalysisMethod = "static" | "llm" | "measured" | "static+measured" | "llm+measured";

/** API.md: `measured` of /analyze. A program that could not be measured has a null class
 * and says why in `reason`. */
export interface MeasuredComplexity {
  time_complexity: string | null;
  space_complexity: string | null;
  points: { n: number; ops: number; peak_bytes: number }[];
  confidence: number;
  entry: string | null;
  reason: string | null;
}

export interface AnalyzeOptions {
  signal?: AbortSignal;
}

export type ProviderName = "gemini" | "static";

export interface LlmProvider {
  readonly name: ProviderName;
  /** The model answering, or null for the offline analyser. */
  readonly model: string | null;
  analyze(code: string, opts?: AnalyzeOptions): Promise<AnalysisResult>;
  /** Like analyze, calling onChunk with each Markdown piece as it is produced. */
  analyzeStream(
    code: string,
    onChunk: (markdown: string) => void,
    opts?: AnalyzeOptions,
  ): Promise<AnalysisResult>;
}

export function failedAnalysis(
  error: string,
  model: string | null,
  narrative = "",
): AnalysisResult {
  return {
    success: false,
    time_complexity: null,
    space_complexity: null,
    narrative,
    error,
    available: true,
    model,
  };
}
