// Query understanding by Gemini (when keyed): the model fills the StructuredQuery as JSON,
// which is parsed with the same zod schema as the rules' output — never executed. Any
// failure, timeout or invalid answer falls back to the deterministic rules.
import type { GoogleGenAI } from "@google/genai";
import { z } from "zod";
import { NOTATIONS } from "../analysis/complexity-notation.js";
import { parseQueryRules } from "./query-rules.js";
import { ORDERS, type QueryUnderstander, structuredQuerySchema } from "./structured-query.js";

const INSTRUCTION = `You turn a person's search over their own code snippets into JSON.
Fields: "text" = the words that describe what the code does (drop words like "my", "code",
"show"); "time"/"space" = complexity bounds {"min","max"} using only ${NOTATIONS.join(", ")}
(an exact class sets both; "efficient" means max "O(n log n)"; "worse than O(n)" means min
"O(n log n)"); "language" in lower case; "starred" true only if asked; "order" one of
${ORDERS.join(", ")}; "limit" only if a number of results is asked. Omit unknown fields.`;

export function createGeminiUnderstander(deps: {
  client: GoogleGenAI;
  model: string;
  timeoutMs?: number;
}): QueryUnderstander {
  const jsonSchema = z.toJSONSchema(structuredQuerySchema, { io: "input" });
  return {
    async understand(q) {
      const fallback = { query: parseQueryRules(q), by: "rules" as const };
      try {
        const res = await deps.client.models.generateContent({
          model: deps.model,
          contents: q,
          config: {
            systemInstruction: INSTRUCTION,
            responseMimeType: "application/json",
            responseJsonSchema: jsonSchema,
            temperature: 0,
            abortSignal: AbortSignal.timeout(deps.timeoutMs ?? 4_000),
          },
        });
        const parsed = structuredQuerySchema.safeParse(JSON.parse(res.text ?? ""));
        return parsed.success ? { query: parsed.data, by: "llm" } : fallback;
      } catch {
        return fallback;
      }
    },
  };
}
