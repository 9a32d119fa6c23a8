import { z } from "zod";

export const analyzeRequestSchema = z.strictObject({
  code: z.string().min(1, "code must not be empty"),
  snippet_id: z.uuid({ message: "must be a UUID" }).optional(),
});

export const analyzeAsyncRequestSchema = z.strictObject({
  code: z.string().min(1, "code must not be empty"),
  connection_id: z.string().min(1).max(128),
  snippet_id: z.uuid({ message: "must be a UUID" }).optional(),
});

export const analysisResultSchema = z
  .object({
    success: z.boolean(),
    time_complexity: z.string().nullable(),
    space_complexity: z.string().nullable(),
    narrative: z.string(),
    error: z.string().nullable(),
    available: z.boolean(),
    model: z.string().nullable(),
  })
  .meta({ id: "AnalysisResult" });

export const analysisStartedSchema = z.object({
  job_id: z.string(),
  status: z.literal("streaming"),
});

export const analysisStatusSchema = z.object({
  available: z.boolean(),
  provider: z.enum(["gemini", "static"]).nullable(),
});
