import { z } from "zod";
import type { SnippetRow } from "../platform/db/schema/index.js";
import { isoDate, isoDateOrNull } from "../platform/http/common-schemas.js";
import type { SnippetSummaryRow } from "./snippet-service.js";

/** Snippets may hold more than one run's worth of code, but not unbounded text. */
export const MAX_SNIPPET_CODE_CHARS = 100_000;

const snippetFields = {
  code: z.string().min(1).max(MAX_SNIPPET_CODE_CHARS),
  title: z.string().trim().max(255).nullable(),
  language: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9+#._-]{1,50}$/, "must be a short language name such as python"),
  description: z.string().max(10_000).nullable(),
  is_starred: z.boolean(),
};

export const snippetCreateSchema = z.strictObject({
  code: snippetFields.code,
  title: snippetFields.title.optional(),
  language: snippetFields.language.default("python"),
  description: snippetFields.description.optional(),
  is_starred: snippetFields.is_starred.default(false),
});

export const snippetUpdateSchema = z
  .strictObject({
    code: snippetFields.code.optional(),
    title: snippetFields.title.optional(),
    language: snippetFields.language.optional(),
    description: snippetFields.description.optional(),
    is_starred: snippetFields.is_starred.optional(),
  })
  .refine((v) => Object.keys(v).length > 0, { message: "at least one field is required" });

export const snippetListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  starred: z
    .enum(["true", "false", ""])
    .optional()
    .transform((v) => (v === "true" ? true : v === "false" ? false : undefined)),
});

const summaryShape = {
  id: z.uuid(),
  title: z.string().nullable(),
  language: z.string(),
  description: z.string().nullable(),
  is_starred: z.boolean(),
  execution_count: z.number().int(),
  last_execution_at: z.string().nullable(),
  time_complexity: z.string().nullable(),
  space_complexity: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
};

export const snippetSummarySchema = z.object(summaryShape).meta({ id: "SnippetSummary" });
export const snippetSchema = z
  .object({
    ...summaryShape,
    code: z.string(),
    measured_complexity: z
      .unknown()
      .optional()
      .describe("The last analysis's measurement (MeasuredComplexity of /analyze), or null"),
  })
  .meta({ id: "Snippet" });
export const snippetListSchema = z.object({
  items: z.array(snippetSummarySchema),
  total: z.number().int(),
  limit: z.number().int(),
  offset: z.number().int(),
});
export const snippetDeletedSchema = z.object({ deleted: z.literal(true), id: z.uuid() });

export type SnippetDto = z.infer<typeof snippetSchema>;

export function toSnippetSummary(row: SnippetSummaryRow): z.infer<typeof snippetSummarySchema> {
  return {
    id: row.id,
    title: row.title,
    language: row.language,
    description: row.description,
    is_starred: row.isStarred,
    execution_count: row.executionCount,
    last_execution_at: isoDateOrNull(row.lastExecutionAt),
    time_complexity: row.timeComplexity,
    space_complexity: row.spaceComplexity,
    created_at: isoDate(row.createdAt),
    updated_at: isoDate(row.updatedAt),
  };
}

export const toSnippet = (row: SnippetRow): SnippetDto => ({
  ...toSnippetSummary(row),
  code: row.code,
  measured_complexity: row.measuredComplexity ?? null,
});
