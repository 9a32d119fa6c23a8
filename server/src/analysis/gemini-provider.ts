// Gemini adapter of the LlmProvider port, on the official @google/genai SDK. It retries
// rate limits and server errors with exponential backoff, bounds every call with a
// timeout, and turns any failure into success:false so a route never answers 500.

import { ApiError, GoogleGenAI } from "@google/genai";
import { buildAnalysisPrompt } from "./analysis-prompt.js";
import { parseComplexityAnswer } from "./complexity-parser.js";
import {
  type AnalysisResult,
  type AnalyzeOptions,
  failedAnalysis,
  type LlmProvider,
} from "./llm-provider.js";

export interface GeminiProviderOptions {
  apiKey: string;
  model?: string;
  /** Another endpoint speaking the Gemini REST protocol (a proxy, or the test fixture). */
  baseUrl?: string;
  /** Per attempt, for the whole answer including a stream. */
  timeoutMs?: number;
  /** Retries after the first attempt, on HTTP 429 and 5xx. */
  maxRetries?: number;
  retryBaseDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export const DEFAULT_GEMINI_MODEL = "gemini-2.5-flash";

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

class AttemptTimeout extends Error {}

export function createGeminiProvider(options: GeminiProviderOptions): LlmProvider {
  const model = options.model ?? DEFAULT_GEMINI_MODEL;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const maxRetries = options.maxRetries ?? 3;
  const baseDelay = options.retryBaseDelayMs ?? 500;
  const sleep = options.sleep ?? wait;
  const ai = new GoogleGenAI({
    apiKey: options.apiKey,
    ...(options.baseUrl ? { httpOptions: { baseUrl: options.baseUrl } } : {}),
  });

  /** Runs one attempt under its own timeout, linked to the caller's signal. */
  async function attempt<T>(
    run: (signal: AbortSignal) => Promise<T>,
    caller?: AbortSignal,
  ): Promise<T> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new AttemptTimeout()), timeoutMs);
    const onAbort = () => controller.abort(caller?.reason);
    caller?.addEventListener("abort", onAbort, { once: true });
    try {
      return await run(controller.signal);
    } catch (err) {
      if (controller.signal.reason instanceof AttemptTimeout) throw controller.signal.reason;
      throw err;
    } finally {
      clearTimeout(timer);
      caller?.removeEventListener("abort", onAbort);
    }
  }

  async function withRetries(
    run: (signal: AbortSignal) => Promise<string>,
    opts: AnalyzeOptions | undefined,
    retryable: () => boolean,
  ): Promise<AnalysisResult> {
    for (let retry = 0; ; retry++) {
      try {
        const text = await attempt(run, opts?.signal);
        const parsed = parseComplexityAnswer(text);
        return { ...parsed, available: true, model };
      } catch (err) {
        const status = err instanceof ApiError ? err.status : undefined;
        const transient = status === 429 || (status !== undefined && status >= 500);
        if (transient && retry < maxRetries && retryable() && !opts?.signal?.aborted) {
          await sleep(baseDelay * 2 ** retry);
          continue;
        }
        return failedAnalysis(describe(err, status, timeoutMs), model);
      }
    }
  }

  return {
    name: "gemini",
    model,
    analyze(code, opts) {
      const contents = buildAnalysisPrompt(code);
      return withRetries(
        async (signal) => {
          const res = await ai.models.generateContent({
            model,
            contents,
            config: { abortSignal: signal },
          });
          return res.text ?? "";
        },
        opts,
        () => true,
      );
    },
    analyzeStream(code, onChunk, opts) {
      const contents = buildAnalysisPrompt(code);
      let emitted = false; // once text reached the client a retry would repeat it
      return withRetries(
        async (signal) => {
          const stream = await ai.models.generateContentStream({
            model,
            contents,
            config: { abortSignal: signal, automaticContinuation: false },
          });
          let text = "";
          for await (const chunk of stream) {
            const piece = chunk.text ?? "";
            if (piece === "") continue;
            text += piece;
            emitted = true;
            onChunk(piece);
          }
          return text;
        },
        opts,
        () => !emitted,
      );
    },
  };
}

function describe(err: unknown, status: number | undefined, timeoutMs: number): string {
  if (err instanceof AttemptTimeout) return `Gemini did not answer within ${formatMs(timeoutMs)}`;
  if (status === 429) return "Gemini rate limit exceeded; try again later";
  if (status !== undefined && status >= 500) return `Gemini is unavailable (HTTP ${status})`;
  if (status !== undefined) return `Gemini rejected the request (HTTP ${status})`;
  if (err instanceof Error && err.name === "AbortError") return "Analysis cancelled";
  return "Gemini request failed";
}

function formatMs(ms: number): string {
  return ms >= 10_000 ? `${Math.round(ms / 1000)} s` : `${ms} ms`;
}
