// /search, /search/complexity, /search/similar/{id}: always over the caller's snippets only.
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { indexNotation } from "../analysis/complexity-notation.js";
import { type AuthGuard, currentUser } from "../auth/auth-guard.js";
import { authErrors, errorSchema } from "../platform/http/common-schemas.js";
import {
  complexityQuery,
  complexityResponse,
  searchQuery,
  searchResponse,
  similarParams,
  similarQuery,
  similarResponse,
  toSearchHit,
} from "./search-schemas.js";
import type { SearchService } from "./search-service.js";

export async function registerSearchRoutes(
  app: FastifyInstance,
  deps: { search: SearchService; guard: AuthGuard },
): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const common = { tags: ["search"], security: [{ bearer: [] }] };
  const errors = { ...authErrors, 503: errorSchema };
  app.addHook("onRequest", deps.guard.requireUser);

  r.get(
    "/search",
    {
      schema: {
        ...common,
        summary: "Natural-language search: meaning, complexity filters, language and ordering",
        querystring: searchQuery,
        response: { 200: searchResponse, ...errors },
      },
    },
    async (request) => {
      const { q, limit } = request.query;
      const found = await deps.search.search(currentUser(request).id, q, limit);
      return { ...found, results: found.results.map(toSearchHit) };
    },
  );

  r.get(
    "/search/complexity",
    {
      schema: {
        ...common,
        summary: "Snippets of exactly one time or space complexity",
        querystring: complexityQuery,
        response: { 200: complexityResponse, ...errors },
      },
    },
    async (request) => {
      const { complexity, type, limit } = request.query;
      const found = await deps.search.byComplexity(
        currentUser(request).id,
        type,
        complexity,
        limit,
      );
      return {
        complexity_type: type,
        complexity_value: indexNotation(complexity),
        results: found.hits.map(toSearchHit),
        total: found.total,
      };
    },
  );

  r.get(
    "/search/similar/:snippet_id",
    {
      schema: {
        ...common,
        summary: "The caller's snippets most similar to one of theirs",
        params: similarParams,
        querystring: similarQuery,
        response: { 200: similarResponse, ...errors, 404: errorSchema },
      },
    },
    async (request) => {
      const id = request.params.snippet_id;
      const similar = await deps.search.similar(currentUser(request).id, id, request.query.limit);
      return { source_snippet_id: id, similar: similar.map(toSearchHit), total: similar.length };
    },
  );
}
