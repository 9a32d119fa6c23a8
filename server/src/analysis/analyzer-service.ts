// Complexity analysis as a service: size and rate limits, one provider (Gemini or the
// offline analyser), streaming as the WebSocket events of API.md, and the Big-O values
// handed to an injected writer when the caller names a snippet. Knows nothing of HTTP.

import { randomUUID } from "node:crypto";
import { PayloadTooLargeError, RateLimitedError } from "../platform/errors.js";
import { SlidingWindowLimiter } from "../platform/rate-limiter.js";
import type {
  AnalysisResult,
  LlmProvider,
  MeasuredComplexity,
  ProviderName,
} from "./llm-provider.js";

export type AnalysisStreamEvent =
  | { type: "analysis_stream_start"; job_id: string }
  | { type: "analysis_stream_chunk"; job_id: string; chunk: string }
  | { type: "analysis_stream_complete"; job_id: string; result: AnalysisResult }
  | { type: "analysis_stream_error"; job_id: string; error: string };

/** Stores the values (the combined answer, and the measurement behind it) on the snippet
 * (owner only) with its sync event; may throw NotFound. */
export type SnippetComplexityWriter = (
  userId: string,
  snippetId: string,
  time: string,
  space: string | null,
  measured: MeasuredComplexity | null,
) => Promise<void>;

export interface AnalyzerServiceDeps {
  provider: LlmProvider | null;
  rateLimitPerMinute: number;
  maxCodeBytes: number;
  snippetComplexityWriter?: SnippetComplexityWriter;
  now?: () => number;
  newJobId?: () => string;
  /** Where a failed write during a stream is reported (the stream itself still completes). */
  onBackgroundError?: (err: unknown, context: { jobId: string }) => void;
}

export interface AnalysisStreamHandle {
  job_id: string;
  /** Settles after the last event was emitted; never rejects. */
  done: Promise<AnalysisResult>;
}

export interface AnalyzerService {
  analyze(userId: string, code: string, snippetId?: string | null): Promise<AnalysisResult>;
  /** Admits the request (throws PayloadTooLarge / RateLimited), then streams in the background. */
  analyzeStream(
    userId: string,
    code: string,
    snippetId: string | null | undefined,
    onEvent: (event: AnalysisStreamEvent) => void,
  ): Promise<AnalysisStreamHandle>;
  status(): { available: boolean; provider: ProviderName | null };
}

const UNAVAILABLE: AnalysisResult = {
  success: false,
  time_complexity: null,
  space_complexity: null,
  narrative: "",
  error: "Complexity analysis is not available on this server",
  available: false,
  model: null,
};

export function createAnalyzerService(deps: AnalyzerServiceDeps): AnalyzerService {
  const limiter = new SlidingWindowLimiter(deps.rateLimitPerMinute, deps.now);
  const newJobId = deps.newJobId ?? randomUUID;

  function admit(userId: string, code: string): void {
    const bytes = Buffer.byteLength(code, "utf8");
    if (bytes > deps.maxCodeBytes) {
      throw new PayloadTooLargeError(`Code is ${bytes} bytes; the limit is ${deps.maxCodeBytes}`);
    }
    const retryAfter = limiter.hit(userId);
    if (retryAfter > 0) throw new RateLimitedError(retryAfter, "Too many analysis requests");
  }

  async function persist(
    userId: string,
    snippetId: string | null | undefined,
    result: AnalysisResult,
  ) {
    if (!snippetId || !deps.snippetComplexityWriter || !result.success || !result.time_complexity)
      return;
    await deps.snippetComplexityWriter(
      userId,
      snippetId,
      result.time_complexity,
      result.space_complexity,
      result.measured ?? null,
    );
  }

  return {
    async analyze(userId, code, snippetId) {
      admit(userId, code);
      if (!deps.provider) return UNAVAILABLE;
      const result = await deps.provider.analyze(code);
      await persist(userId, snippetId, result);
      return result;
    },

    async analyzeStream(userId, code, snippetId, onEvent) {
      admit(userId, code);
      const jobId = newJobId();
      const provider = deps.provider;
      const emit = (event: AnalysisStreamEvent) => {
        try {
          onEvent(event);
        } catch (err) {
          deps.onBackgroundError?.(err, { jobId }); // a dead socket must not stop the job
        }
      };
      const run = async (): Promise<AnalysisResult> => {
        // Yield first so the caller can answer {job_id} before any event goes out.
        await new Promise((resolve) => setImmediate(resolve));
        emit({ type: "analysis_stream_start", job_id: jobId });
        if (!provider) {
          emit({
            type: "analysis_stream_error",
            job_id: jobId,
            error: UNAVAILABLE.error as string,
          });
          return UNAVAILABLE;
        }
        let result: AnalysisResult;
        try {
          result = await provider.analyzeStream(code, (chunk) =>
            emit({ type: "analysis_stream_chunk", job_id: jobId, chunk }),
          );
        } catch (err) {
          // Providers report failures as results; this is a bug path, kept off the socket.
          deps.onBackgroundError?.(err, { jobId });
          const error = "Analysis failed";
          emit({ type: "analysis_stream_error", job_id: jobId, error });
          return { ...UNAVAILABLE, available: true, error };
        }
        if (!result.success) {
          emit({
            type: "analysis_stream_error",
            job_id: jobId,
            error: result.error ?? "Analysis failed",
          });
          return result;
        }
        try {
          await persist(userId, snippetId, result);
        } catch (err) {
          deps.onBackgroundError?.(err, { jobId });
        }
        emit({ type: "analysis_stream_complete", job_id: jobId, result });
        return result;
      };
      return { job_id: jobId, done: run() };
    },

    status() {
      return { available: deps.provider !== null, provider: deps.provider?.name ?? null };
    },
  };
}
