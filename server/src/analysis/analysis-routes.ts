import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { type AuthGuard, currentUser } from "../auth/auth-guard.js";
import type { ConnectionBindings } from "../jobs/realtime/connection-registry.js";
import type { Notifier } from "../jobs/realtime/notifier.js";
import { NotFoundError } from "../platform/errors.js";
import { authErrors, errorSchema } from "../platform/http/common-schemas.js";
import type { SnippetService } from "../snippets/snippet-service.js";
import {
  analysisResultSchema,
  analysisStartedSchema,
  analysisStatusSchema,
  analyzeAsyncRequestSchema,
  analyzeRequestSchema,
} from "./analysis-schemas.js";
import type { AnalyzerService } from "./analyzer-service.js";

export interface AnalysisRouteDeps {
  analyzer: AnalyzerService;
  snippets: Pick<SnippetService, "assertOwned">;
  notifier: Pick<Notifier, "publish">;
  /** Binds the named connection to the caller; another user's connection is a 404. */
  connections?: Pick<ConnectionBindings, "claim">;
  guard: AuthGuard;
}

export async function registerAnalysisRoutes(
  app: FastifyInstance,
  deps: AnalysisRouteDeps,
): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const errors = {
    400: errorSchema,
    404: errorSchema,
    413: errorSchema,
    429: errorSchema,
    ...authErrors,
  };

  r.get(
    "/analyze/status",
    {
      schema: {
        tags: ["analysis"],
        summary: "Whether analysis is available, and by which provider",
        response: { 200: analysisStatusSchema },
      },
    },
    async () => deps.analyzer.status(),
  );

  r.post(
    "/analyze",
    {
      onRequest: deps.guard.requireUser,
      schema: {
        tags: ["analysis"],
        summary: "Time and space complexity of the code, with a Markdown narrative",
        security: [{ bearer: [] }],
        body: analyzeRequestSchema,
        response: { 200: analysisResultSchema, ...errors },
      },
    },
    async (request) => {
      const userId = currentUser(request).id;
      const { code, snippet_id } = request.body;
      // Ownership before any work: someone else's snippet id is a 404, not an analysis.
      if (snippet_id) await deps.snippets.assertOwned(userId, snippet_id);
      return deps.analyzer.analyze(userId, code, snippet_id);
    },
  );

  r.post(
    "/analyze/async",
    {
      onRequest: deps.guard.requireUser,
      schema: {
        tags: ["analysis"],
        summary: "Stream the analysis to a WebSocket connection (analysis_stream_* messages)",
        security: [{ bearer: [] }],
        body: analyzeAsyncRequestSchema,
        response: { 200: analysisStartedSchema, ...errors },
      },
    },
    async (request) => {
      const userId = currentUser(request).id;
      const { code, snippet_id, connection_id } = request.body;
      if (snippet_id) await deps.snippets.assertOwned(userId, snippet_id);
      if (deps.connections && !(await deps.connections.claim(connection_id, userId))) {
        throw new NotFoundError("Connection not found");
      }
      const log = request.log;
      const handle = await deps.analyzer.analyzeStream(userId, code, snippet_id, (event) => {
        // Only the caller's own connection can match: the notifier filters by user.
        deps.notifier
          .publish(userId, event, { connectionId: connection_id, jobId: event.job_id })
          .catch((err: unknown) => log.warn({ err }, "analysis event not delivered"));
      });
      return { job_id: handle.job_id, status: "streaming" as const };
    },
  );
}
