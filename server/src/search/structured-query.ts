// The one shape a search query takes after understanding, whoever filled it (rules or a
// model). Adapters compile only this validated object into parameterised SQL or Cypher; no
// text a model writes is ever executed.
import { z } from "zod";
import { NOTATIONS } from "../analysis/complexity-notation.js";

/** Inclusive bounds on the Big-O ladder; an exact class is min = max. */
export const complexityRangeSchema = z.strictObject({
  min: z.enum(NOTATIONS).optional(),
  max: z.enum(NOTATIONS).optional(),
});

export const ORDERS = ["relevance", "fastest", "slowest", "newest"] as const;

export const structuredQuerySchema = z.strictObject({
  /** What the query means, without the filter words: matched by text and by embedding. */
  text: z.string().max(500).default(""),
  time: complexityRangeSchema.optional(),
  space: complexityRangeSchema.optional(),
  language: z
    .string()
    .regex(/^[a-z0-9+#._-]{1,50}$/)
    .optional(),
  starred: z.boolean().optional(),
  order: z.enum(ORDERS).default("relevance"),
  limit: z.number().int().min(1).max(50).optional(),
});

export type StructuredQuery = z.output<typeof structuredQuerySchema>;
export type ComplexityRange = z.output<typeof complexityRangeSchema>;
export type SearchOrder = (typeof ORDERS)[number];

export interface UnderstoodQuery {
  query: StructuredQuery;
  /** Who filled it: the deterministic rules, or a model (then validated by the schema). */
  by: "rules" | "llm";
}

/** Turns a person's query into a StructuredQuery. */
export interface QueryUnderstander {
  understand(q: string): Promise<UnderstoodQuery>;
}
