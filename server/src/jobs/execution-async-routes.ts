// POST /execute/async and GET /executions/{job_id}: parse, authorise, call the job service.
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { type AuthGuard, currentUser } from "../auth/auth-guard.js";
import { authErrors, errorSchema } from "../platform/http/common-schemas.js";
import {
  executeAsyncRequestSchema,
  executionJobSchema,
  jobAcceptedSchema,
  jobParams,
  toExecutionJob,
} from "./execution-job-schemas.js";
import type { ExecutionJobService } from "./execution-job-service.js";

export async function registerExecutionAsyncRoutes(
  app: FastifyInstance,
  deps: {
    jobs: ExecutionJobService;
    guard: AuthGuard;
  },
): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const common = { tags: ["execution"], security: [{ bearer: [] }] };
  // Own encapsulated scope: guards exactly these routes, before body validation.
  app.addHook("onRequest", deps.guard.requireUser);

  r.post(
    "/execute/async",
    {
      schema: {
        ...common,
        summary: "Queue a run; output and result stream to the WebSocket connection",
        body: executeAsyncRequestSchema,
        response: {
          202: jobAcceptedSchema,
          404: errorSchema,
          413: errorSchema,
          429: errorSchema,
          503: errorSchema,
          ...authErrors,
        },
      },
    },
    async (request, reply) => {
      const b = request.body;
      // The job service admits it through the request policy shared with POST /execute.
      const row = await deps.jobs.submit(currentUser(request).id, {
        code: b.code,
        stdin: b.stdin,
        timeoutSeconds: b.timeout_seconds,
        snippetId: b.snippet_id,
        connectionId: b.connection_id,
        interactive: b.interactive,
      });
      return reply.code(202).send({ job_id: row.jobId, status: "queued" as const });
    },
  );

  r.post(
    "/executions/:job_id/cancel",
    {
      schema: {
        ...common,
        summary: "Stop a queued or running execution (owner only)",
        description:
          "A queued job ends at once; a running one is stopped and answers success: false, error_type: Cancelled, with the output printed so far. Answers the job once it has ended (a finished job unchanged).",
        params: jobParams,
        response: { 200: executionJobSchema, 404: errorSchema, ...authErrors },
      },
    },
    async (request) =>
      toExecutionJob(
        await deps.jobs.cancel(currentUser(request).id, request.params.job_id, { wait: true }),
      ),
  );

  r.get(
    "/executions/:job_id",
    {
      schema: {
        ...common,
        summary: "Status and result of an execution job (owner only)",
        params: jobParams,
        response: { 200: executionJobSchema, 404: errorSchema, ...authErrors },
      },
    },
    async (request) =>
      toExecutionJob(await deps.jobs.get(currentUser(request).id, request.params.job_id)),
  );
}
