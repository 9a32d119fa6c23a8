// Request and response shapes of POST /execute (API.md Execution), shared with the async
// routes and the WebSocket result message.
import { z } from "zod";

export const MAX_STDIN_CHARS = 65_536;

export const securityViolationSchema = z
  .object({
    type: z.string(),
    line: z.number().int(),
    column: z.number().int(),
    message: z.string(),
  })
  .meta({ id: "SecurityViolation" });

export const figureSchema = z
  .object({
    mime_type: z.enum(["image/png", "image/svg+xml"]),
    data: z.string().meta({ description: "The image, base64" }),
  })
  .meta({ id: "Figure" });

export const executionResponseSchema = z
  .object({
    success: z.boolean(),
    stdout: z.string(),
    stderr: z.string(),
    error: z.string().nullable(),
    error_type: z.string().nullable(),
    execution_time_ms: z.number(),
    timed_out: z.boolean(),
    security_violations: z.array(securityViolationSchema),
    truncated: z.boolean().meta({
      description: "Output or figures were cut at their caps (figures: 20, 3 MiB of base64)",
    }),
    // Optional only for results stored before figures existed; every new result has it.
    figures: z.array(figureSchema).optional().meta({
      description:
        "Images the program showed (plt.show(), fig.show()) or left open at its end, in order",
    }),
  })
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
