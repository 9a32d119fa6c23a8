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

export const measuredComplexitySchema = z
  .object({
    time_complexity: z
      .string()
      .nullable()
      .describe("Class fitted to the counted work; null when the program could not be measured"),
    space_complexity: z.string().nullable().describe("Class fitted to the peak allocated memory"),
    points: z
      .array(
        z.object({
          n: z.number().int().describe("Input size"),
          ops: z.number().int().describe("Counted work: line events plus C-level work by size"),
          peak_bytes: z.number().int().describe("Peak memory allocated during the run"),
        }),
      )
      .describe("One entry per measured size"),
    confidence: z.number().min(0).max(1),
    entry: z.string().nullable().describe("What was run and how its input grew"),
    reason: z.string().nullable().describe("Why the program was not measured, when it was not"),
  })
  .meta({ id: "MeasuredComplexity" });

export const analysisResultSchema = z
  .object({
    success: z.boolean(),
    time_complexity: z.string().nullable(),
    space_complexity: z.string().nullable(),
    narrative: z.string(),
    error: z.string().nullable(),
    available: z.boolean(),
    model: z.string().nullable(),
    measured: measuredComplexitySchema
      .nullable()
      .optional()
      .describe("The program run at growing input sizes in the sandbox"),
    method: z
      .enum(["static", "llm", "measured", "static+measured", "llm+measured"])
      .optional()
      .describe("Which source decided time_complexity"),
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
