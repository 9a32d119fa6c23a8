// Shapes of the async execution API (POST /execute/async, GET /executions/{job_id}) and of
// the client → server WebSocket messages (API.md WebSocket).
import { z } from "zod";
import { executeRequestFields, executionResponseSchema } from "../execution/execution-schemas.js";
import type { ExecutionResult } from "../execution/sandbox/sandbox.js";
import type { ExecutionRow } from "../platform/db/schema/index.js";
import { isoDate, isoDateOrNull } from "../platform/http/common-schemas.js";

/** A connection id is ours (a UUID) or API Gateway's (base64-ish, ~16 chars). */
const connectionId = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9=+/_-]+$/, "must be a connection id from the WebSocket pong");

export const executeAsyncRequestSchema = z.strictObject({
  ...executeRequestFields,
  connection_id: connectionId.optional(),
  interactive: z.boolean().optional().meta({
    description:
      "Wait for input sent over the WebSocket (stdin / stdin_close) instead of reading end of file after `stdin`",
  }),
});

export const jobAcceptedSchema = z
  .object({ job_id: z.uuid(), status: z.literal("queued") })
  .meta({ id: "ExecutionJobAccepted" });

export const jobParams = z.strictObject({ job_id: z.uuid({ message: "must be a UUID" }) });

export const jobStatusSchema = z.enum(["queued", "running", "completed", "failed"]);

export const executionJobSchema = z
  .object({
    job_id: z.uuid(),
    status: jobStatusSchema,
    result: executionResponseSchema.optional(),
    error: z.string().optional(),
    created_at: z.string(),
    started_at: z.string().optional(),
    finished_at: z.string().optional(),
  })
  .meta({ id: "ExecutionJob" });

export type ExecutionJobDto = z.infer<typeof executionJobSchema>;

export function toExecutionJob(row: ExecutionRow): ExecutionJobDto {
  const started = isoDateOrNull(row.startedAt);
  const finished = isoDateOrNull(row.finishedAt);
  return {
    job_id: row.jobId,
    status: jobStatusSchema.parse(row.status),
    ...(row.result ? { result: row.result as ExecutionResult } : {}),
    ...(row.error ? { error: row.error } : {}),
    created_at: isoDate(row.createdAt),
    ...(started ? { started_at: started } : {}),
    ...(finished ? { finished_at: finished } : {}),
  };
}

/** Client → server messages; anything else is answered with an `error` message. */
export const clientMessageSchema = z.discriminatedUnion("action", [
  z.object({ action: z.literal("ping") }),
  z.object({ action: z.literal("subscribe"), job_id: z.uuid() }),
  z.object({ action: z.literal("unsubscribe"), job_id: z.uuid() }),
  z.object({ action: z.literal("cancel"), job_id: z.uuid() }),
  // The frame limit (4 KB) bounds `data`; a longer input is sent in several messages.
  z.object({ action: z.literal("stdin"), job_id: z.uuid(), data: z.string() }),
  z.object({ action: z.literal("stdin_close"), job_id: z.uuid() }),
]);

export const CLIENT_ACTIONS = clientMessageSchema.options.map((o) => o.shape.action.value);

export type ClientMessage = z.infer<typeof clientMessageSchema>;
