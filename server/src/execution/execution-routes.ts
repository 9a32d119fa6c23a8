import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { type AuthGuard, currentUser } from "../auth/auth-guard.js";
import { authErrors, errorSchema } from "../platform/http/common-schemas.js";
import { executeRequestSchema, executionResponseSchema } from "./execution-schemas.js";
import type { RunService } from "./run-service.js";

export async function registerExecutionRoutes(
  app: FastifyInstance,
  deps: { runs: RunService; guard: AuthGuard },
): Promise<void> {
  app.addHook("onRequest", deps.guard.requireUser);
  app.withTypeProvider<ZodTypeProvider>().post(
    "/execute",
    {
      schema: {
        tags: ["execution"],
        summary: "Run Python in the sandbox and return its output",
        description:
          "A run that exceeds its timeout answers 200 with timed_out: true and the output printed before the kill.",
        security: [{ bearer: [] }],
        body: executeRequestSchema,
        response: {
          200: executionResponseSchema,
          400: errorSchema,
          404: errorSchema,
          413: errorSchema,
          429: errorSchema,
          ...authErrors,
        },
      },
    },
    async (request, reply) => {
      const b = request.body;
      // A client that disconnects before its answer frees the sandbox at once.
      const gone = new AbortController();
      const onClose = () => {
        if (!reply.raw.writableEnded) gone.abort();
      };
      reply.raw.once("close", onClose);
      try {
        return await deps.runs.run(currentUser(request).id, {
          code: b.code,
          stdin: b.stdin,
          timeoutSeconds: b.timeout_seconds,
          snippetId: b.snippet_id,
          signal: gone.signal,
        });
      } finally {
        reply.raw.off("close", onClose);
      }
    },
  );
}
