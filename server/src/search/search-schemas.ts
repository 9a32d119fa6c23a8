// Request and response shapes of /search, /search/complexity and /search/similar (API.md).
import { z } from "zod";
import type { SearchHit } from "./search-index.js";

export const searchQuery = z.strictObject({
  q: z.string().trim().min(3).max(500),
  limit: z.coerce.number().int().min(1).max(50).default(10),
});

export const complexityQuery = z.strictObject({
  complexity: z.string().trim().min(1).max(50),
  type: z.enum(["time", "space"]).default("time"),
  limit: z.coerce.number().int().min(1).max(50).default(20),
});

export const similarParams = z.strictObject({ snippet_id: z.uuid({ message: "must be a UUID" }) });
export const similarQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(50).default(5),
});

export const searchHitSchema = z
  .object({
    snippet_id: z.uuid(),
    title: z.string().nullable(),
    language: z.string(),
    description: z.string().nullable(),
    time_complexity: z.string().nullable(),
    space_complexity: z.string().nullable(),
    score: z.number().meta({
      description: "0..1 on one calibrated scale for every query (not relative to the best hit)",
    }),
  })
  .meta({ id: "SearchHit" });

export const searchResponse = z.object({
  query: z.string(),
  results: z.array(searchHitSchema),
  method: z.enum(["semantic", "cypher"]).meta({
    description:
      "The original's values: cypher when the graph index answered a structured query alone (no free text), else semantic",
  }),
  method_detail: z.string().meta({
    description:
      "Which path answered: <understanding>+<strategy>:<index>, e.g. rules+hybrid:postgres",
  }),
  total: z.number().int(),
  weak: z.boolean().meta({
    description:
      "True when no result is a strong match: the best score is under 0.5 (or nothing " +
      "reached the 0.3 floor and results is empty). Scores share one scale across queries: " +
      "0.3 loosely related, 0.5 clearly related, 0.8+ the same thing; 1 for filter-only matches.",
  }),
});

export const complexityResponse = z.object({
  complexity_type: z.enum(["time", "space"]),
  complexity_value: z.string(),
  results: z.array(searchHitSchema),
  total: z.number().int(),
});

export const similarResponse = z.object({
  source_snippet_id: z.uuid(),
  similar: z.array(searchHitSchema),
  total: z.number().int(),
});

export const toSearchHit = (h: SearchHit): z.infer<typeof searchHitSchema> => ({
  snippet_id: h.snippetId,
  title: h.title,
  language: h.language,
  description: h.description,
  time_complexity: h.timeComplexity,
  space_complexity: h.spaceComplexity,
  score: Math.round(h.score * 10_000) / 10_000,
});
