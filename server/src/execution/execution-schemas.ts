// Request and response shapes of POST /execute (API.md Execution), shared with the async
// routes and the WebSocket result message.
import { z } from "zod";
import { securityViolationSchema } from "../platform/errors.js";
import { executionResultSchema, figureSchema } from "./sandbox/sandbox.js";

export const MAX_STDIN_CHARS = 65_536;

export { figureSchema, securityViolationSchema };

/** The sandbox port's result, as the API documents it. Figures are optional only for
 * results stored before figures existed; every new result has them. */
export const executionResponseSchema = executionResultSchema
  .extend({ figures: executionResultSchema.shape.figures.optional() })
  .meta({ id: "ExecutionResponse" });

/** Fields every execution request shares; the byte limit on `code` is checked by the service
 * (it depends on settings and answers 413, which a schema cannot). */
export const executeRequestFields = {
  code: z.string().min(1, "code must not be empty"),
  timeout_seconds: z.number().gt(0).lte(30).optional(),
  stdin: z.string().max(MAX_STDIN_CHARS).optional(),
  snippet_id: z.uuid({ message: "must be a UUID" }).optional(),
};

export const executeRequestSchema = z.strictObject(executeRequestFields);
