// Measured complexity (issue 15): the program run at growing input sizes inside the
// sandbox (python/measure_complexity.py through Sandbox.runTool), its counted work fitted
// to a class, and the rule that combines that measurement with the static analyser (and
// the LLM when keyed) into the answer /analyze returns.

import { z } from "zod";
import { normalizeComplexity } from "./complexity-notation.js";
import type {
  AnalysisMethod,
  AnalysisResult,
  AnalyzeOptions,
  LlmProvider,
  MeasuredComplexity,
} from "./llm-provider.js";
import type { ToolRunner } from "./python-tool-runner.js";

/** Class order used by the rule: a higher index grows faster. */
export const COMPLEXITY_ORDER = [
  "O(1)",
  "O(log n)",
  "O(n)",
  "O(n log n)",
  "O(n^2)",
  "O(n^3)",
  "O(2^n)",
] as const;

const ToolOutput = z.object({
  measured: z.boolean(),
  reason: z.string().nullable(),
  entry: z.string().nullable(),
  time_complexity: z.string().nullable(),
  space_complexity: z.string().nullable(),
  confidence: z.number().min(0).max(1),
  points: z
    .array(z.object({ n: z.number().int(), ops: z.number().int(), peak_bytes: z.number().int() }))
    .max(64),
  elapsed_ms: z.number().optional(),
});

export interface MeasurerOptions {
  runTool: ToolRunner;
  /** Sandbox time the estimator may spend growing n (the tool stops before it). */
  budgetMs?: number;
}

export type Measurer = (code: string) => Promise<MeasuredComplexity>;

const notMeasured = (reason: string): MeasuredComplexity => ({
  time_complexity: null,
  space_complexity: null,
  points: [],
  confidence: 0,
  entry: null,
  reason,
});

/** Runs the estimator in the sandbox; never throws — a failure is a `reason`. */
export function createMeasurer(options: MeasurerOptions): Measurer {
  const budgetMs = options.budgetMs ?? 1500;
  // The tool's own budget plus the runner's start and the tool's set-up and fit.
  const timeoutMs = budgetMs + 1500;
  return async (code) => {
    let raw: unknown;
    try {
      raw = await options.runTool("measure_complexity", { code, budget_ms: budgetMs }, timeoutMs);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      return notMeasured(`measurement failed: ${reason}`);
    }
    const parsed = ToolOutput.safeParse(raw);
    if (!parsed.success) return notMeasured("measurement returned an unexpected result");
    const m = parsed.data;
    if (!m.measured || !m.time_complexity)
      return { ...notMeasured(m.reason ?? "not measurable"), entry: m.entry, points: m.points };
    return {
      time_complexity: normalizeComplexity(m.time_complexity) ?? m.time_complexity,
      space_complexity: m.space_complexity
        ? (normalizeComplexity(m.space_complexity) ?? m.space_complexity)
        : null,
      points: m.points,
      confidence: m.confidence,
      entry: m.entry,
      reason: null,
    };
  };
}

const rank = (c: string | null | undefined): number =>
  c ? COMPLEXITY_ORDER.indexOf(c as (typeof COMPLEXITY_ORDER)[number]) : -1;

/** A measurement is trusted from this confidence on (tuned on the development sets). */
export const TRUSTED_CONFIDENCE = 0.6;
/** A measured O(log n) overrides a reading of O(n) only from this confidence… */
export const STRONG_CONFIDENCE = 0.9;
/** …and over at least this span of sizes (the estimator follows sublinear counts to ×16 384). */
export const LOG_OVER_LINEAR_SPAN = 1000;

export interface Combined {
  time: string | null;
  space: string | null;
  method: AnalysisMethod;
  /** One sentence on why this source decided, for the narrative. */
  why: string;
}

/**
 * The rule (README "Combination"):
 * 1. no trusted measurement (none, or confidence < TRUSTED_CONFIDENCE) → the reading
 *    source decides: the static analyser, else the LLM;
 * 2. measurement agrees with the reading → both ("static+measured");
 * 3. measured grows faster → measured: counted work is a lower bound of the real work on
 *    the inputs tried, so the reading missed something — except a measured O(log n) over a
 *    reading of O(1): the analyser found no loop, recursion or input-sized call, and a
 *    count that creeps up by a few lines over ×10^4 comes from the values growing with n
 *    (big-int work, a value-bounded branch), which the O(1) reading rightly ignores;
 * 4. measured grows slower → measured only when it is at least O(n), the reading is not
 *    exponential (generated inputs prune searches: capacities, targets) and the reading's
 *    bound does not come from a library call (sorting, heaps, bisect) whose cost depends
 *    on data the generated inputs may not exercise; a measured O(1) under a reading of
 *    O(n) or more is usually an input that let the program stop early. One exception: a
 *    strongly confident O(log n) over a span of ×1000 or more beats a reading of O(n) — an
 *    early stop leaves the count flat, while a count that keeps rising like log n over
 *    four orders of magnitude is a range shrinking geometrically (bits, digits, halving)
 *    that the reading took for a linear loop.
 * Space: the reading's, raised to the measured class when a trusted measurement peaks
 * higher (peak memory is a lower bound too).
 */
export function combineComplexity(
  reading: { time: string | null; space: string | null; source: "static" | "llm" } | null,
  measured: MeasuredComplexity | null,
  readingUsesLibraryBound = false,
): Combined {
  const source = reading?.source ?? "static";
  const trusted =
    measured?.time_complexity != null &&
    rank(measured.time_complexity) >= 0 &&
    measured.confidence >= TRUSTED_CONFIDENCE;
  if (!reading?.time) {
    if (trusted && measured?.time_complexity)
      return {
        time: measured.time_complexity,
        space: measured.space_complexity,
        method: "measured",
        why: "only the measurement gave a class",
      };
    return { time: null, space: reading?.space ?? null, method: source, why: "no estimate" };
  }
  if (!trusted || !measured?.time_complexity) {
    const why = measured?.reason
      ? `not measured (${measured.reason})`
      : measured
        ? `measurement not confident enough (${measured.confidence})`
        : "measurement off";
    return { time: reading.time, space: reading.space, method: source, why };
  }
  const m = rank(measured.time_complexity);
  const r = rank(reading.time);
  const space = raiseSpace(reading.space, measured.space_complexity);
  if (m === r || r < 0)
    return {
      time: r < 0 ? measured.time_complexity : reading.time,
      space,
      method: r < 0 ? "measured" : (`${source}+measured` as AnalysisMethod),
      why: r < 0 ? "the reading gave no known class" : "reading and measurement agree",
    };
  if (r === rank("O(1)") && m === rank("O(log n)"))
    return {
      time: reading.time,
      space,
      method: source,
      why: "a loop-free reading is kept over a slowly growing count: values grew with n (bigger numbers, a value-bounded step), not the work per input item",
    };
  if (m > r)
    return {
      time: measured.time_complexity,
      space,
      method: "measured",
      why: "the measured work grows faster than the reading says",
    };
  const linearOrMore = m >= rank("O(n)");
  if (r === rank("O(2^n)"))
    return {
      time: reading.time,
      space: reading.space,
      method: source,
      why: "an exponential reading is kept: generated inputs often prune exponential searches",
    };
  if (
    m === rank("O(log n)") &&
    r === rank("O(n)") &&
    !readingUsesLibraryBound &&
    measured.confidence >= STRONG_CONFIDENCE &&
    pointSpan(measured) >= LOG_OVER_LINEAR_SPAN
  )
    return {
      time: measured.time_complexity,
      space,
      method: "measured",
      why: "the measured work grows like log n over a wide span of sizes: the loop shrinks its range geometrically (bits, digits, halving), which the reading counted as linear",
    };
  if (linearOrMore && !readingUsesLibraryBound)
    return {
      time: measured.time_complexity,
      space,
      method: "measured",
      why: "the measured work grows slower than the reading's loop structure suggests (amortised or shrinking work)",
    };
  return {
    time: reading.time,
    space: reading.space,
    method: source,
    why: linearOrMore
      ? "the reading's bound comes from a library call whose cost the generated inputs may not show"
      : "the measured work stays flat, likely an input that let the program stop early",
  };
}

/** Largest over smallest n measured. */
function pointSpan(measured: MeasuredComplexity): number {
  const ns = measured.points.map((p) => p.n).filter((n) => n > 0);
  return ns.length >= 2 ? Math.max(...ns) / Math.min(...ns) : 0;
}

function raiseSpace(reading: string | null, measured: string | null): string | null {
  if (!measured || rank(measured) < 0) return reading;
  if (!reading || rank(reading) < 0) return measured;
  return rank(measured) > rank(reading) ? measured : reading;
}

/** Whether the static narrative's time section attributes the bound to a library call. */
export function libraryBound(narrative: string, time: string | null): boolean {
  if (!time) return false;
  const section = /## Time Complexity\n([\s\S]*?)(\n## |$)/.exec(narrative)?.[1] ?? "";
  const lines = section.split("\n").filter((l) => l.includes(`→ ${time}`) || l.includes(time));
  // a call inside the backticks, receiver and module prefixes allowed: `words.sort(…)`
  return lines.some((l) =>
    /`[^`]*\b(sorted|sort|heap\w*|bisect\w*|insort\w*|nlargest|nsmallest|most_common|Counter)\(/.test(
      l,
    ),
  );
}

export function measuredMarkdown(measured: MeasuredComplexity, combined: Combined): string {
  const lines = ["", "## Measured", ""];
  if (!measured.time_complexity) {
    lines.push(`Not measured: ${measured.reason ?? "no entry point"}.`);
  } else {
    const last = measured.points.at(-1);
    lines.push(
      `**${measured.time_complexity}** time, **${measured.space_complexity ?? "?"}** peak memory — ` +
        `\`${measured.entry}\` run at ${measured.points.length} sizes` +
        (last ? ` up to n = ${last.n} (${last.ops} counted steps)` : "") +
        `, confidence ${measured.confidence.toFixed(2)}.`,
    );
  }
  lines.push("", `Decided by: **${combined.method}** — ${combined.why}.`, "");
  return lines.join("\n");
}

export interface CombinedProviderOptions {
  /** The provider that reads the code: Gemini when keyed, else the static analyser. */
  reader: LlmProvider;
  /** The static analyser, when `reader` is the LLM (its class outranks the LLM's). */
  staticReader?: LlmProvider | null;
  measure: Measurer | null;
}

/**
 * An LlmProvider whose time/space are the combined answer: the reader (and the static
 * analyser beside an LLM) and the measurement run concurrently; the narrative keeps the
 * reader's Markdown and adds a "Measured" section.
 */
export function createCombinedProvider(options: CombinedProviderOptions): LlmProvider {
  const { reader, staticReader, measure } = options;

  async function finish(
    readerResult: AnalysisResult,
    staticPromise: Promise<AnalysisResult> | null,
    measuredPromise: Promise<MeasuredComplexity> | null,
  ): Promise<{ result: AnalysisResult; extra: string }> {
    const [staticResult, measured] = await Promise.all([staticPromise, measuredPromise]);
    const llm = reader.name === "gemini";
    const staticOk = llm ? staticResult?.success && staticResult.time_complexity : null;
    const readingSource = llm ? (staticOk ? staticResult : readerResult) : readerResult;
    const reading = readingSource?.success
      ? {
          time: readingSource.time_complexity,
          space: readingSource.space_complexity,
          source: (llm && !staticOk ? "llm" : "static") as "static" | "llm",
        }
      : null;
    const library =
      readingSource?.success === true &&
      libraryBound(readingSource.narrative, readingSource.time_complexity);
    if (!reading && !readerResult.success && !measured?.time_complexity) {
      return { result: { ...readerResult, measured: measured ?? null }, extra: "" };
    }
    // an LLM that failed gives way to the offline analysis's text and values
    const base =
      llm && !readerResult.success && staticResult?.success
        ? { ...staticResult, model: null }
        : readerResult;
    const combined = combineComplexity(reading, measured, library);
    const extra = measured ? measuredMarkdown(measured, combined) : "";
    return {
      result: {
        ...base,
        success: combined.time !== null,
        error: combined.time !== null ? null : base.error,
        time_complexity: combined.time,
        space_complexity: combined.space,
        narrative: base.narrative + extra,
        measured: measured ?? null,
        method: combined.method,
      },
      extra,
    };
  }

  function start(code: string) {
    return {
      staticPromise: reader.name === "gemini" && staticReader ? staticReader.analyze(code) : null,
      measuredPromise: measure ? measure(code) : null,
    };
  }

  return {
    name: reader.name,
    model: reader.model,
    async analyze(code: string, opts?: AnalyzeOptions) {
      const { staticPromise, measuredPromise } = start(code);
      const readerResult = await reader.analyze(code, opts);
      return (await finish(readerResult, staticPromise, measuredPromise)).result;
    },
    async analyzeStream(code, onChunk, opts) {
      const { staticPromise, measuredPromise } = start(code);
      const readerResult = await reader.analyzeStream(code, onChunk, opts);
      const { result, extra } = await finish(readerResult, staticPromise, measuredPromise);
      if (extra && !opts?.signal?.aborted) onChunk(extra);
      return result;
    },
  };
}
