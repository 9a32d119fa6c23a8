// Composition of the analysis area: the LlmProvider chosen by settings (Gemini when keyed,
// else the offline static analyser run in the sandbox), the analyzer service, /analyze*
// routes, and the offline estimator the search sync uses for snippets without a Big-O.
import type { FastifyInstance } from "fastify";
import type { AuthGuard } from "../auth/auth-guard.js";
import type { ConnectionBindings } from "../jobs/realtime/connection-registry.js";
import type { Notifier } from "../jobs/realtime/notifier.js";
import type { Platform } from "../platform/area.js";
import type { SnippetService } from "../snippets/snippet-service.js";
import { registerAnalysisRoutes } from "./analysis-routes.js";
import { type AnalyzerService, createAnalyzerService } from "./analyzer-service.js";
import { createLlmProvider, createOfflineEstimator } from "./create-provider.js";
import type { ToolRunner } from "./python-tool-runner.js";

export interface AnalysisArea {
  analyzer: AnalyzerService;
  /** The offline analyser alone: a Big-O estimate that spends no model quota. */
  estimateComplexity: ReturnType<typeof createOfflineEstimator>;
  routes(app: FastifyInstance, guard: AuthGuard): Promise<void>;
}

export function composeAnalysis(
  platform: Pick<Platform, "settings" | "logger">,
  deps: {
    snippets: Pick<SnippetService, "assertOwned" | "setComplexity">;
    notifier: Pick<Notifier, "publish">;
    /** Binds the connection an /analyze/async names to the caller. */
    connections?: Pick<ConnectionBindings, "claim">;
    /** Runs the analyser's Python tool in the sandbox. */
    runTool: ToolRunner;
  },
): AnalysisArea {
  const { settings, logger } = platform;
  const { snippets } = deps;
  const analyzer = createAnalyzerService({
    // A process without a sandbox (SANDBOX=none) cannot run the offline analyser: analysis
    // is then Gemini's or unavailable (/analyze/status says which), never a failing call.
    provider:
      settings.execution.sandbox === "none" && !settings.gemini.apiKey
        ? null
        : createLlmProvider(settings, deps.runTool),
    rateLimitPerMinute: settings.analysis.rateLimitPerMinute,
    maxCodeBytes: settings.execution.maxCodeBytes,
    snippetComplexityWriter: async (userId, snippetId, time, space, measured) => {
      await snippets.setComplexity(userId, snippetId, time, space, measured);
    },
    onBackgroundError: (err, context) => logger.warn({ err, ...context }, "analysis stream"),
  });
  return {
    analyzer,
    estimateComplexity: createOfflineEstimator(deps.runTool),
    routes: async (app, guard) => {
      await app.register(async (scope) =>
        registerAnalysisRoutes(scope, {
          analyzer,
          snippets,
          notifier: deps.notifier,
          connections: deps.connections,
          guard,
        }),
      );
    },
  };
}
