import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { type AuthGuard, currentUser } from "../auth/auth-guard.js";
import { authErrors, errorSchema, idParams } from "../platform/http/common-schemas.js";
import {
  snippetCreateSchema,
  snippetDeletedSchema,
  snippetListQuery,
  snippetListSchema,
  snippetSchema,
  snippetUpdateSchema,
  toSnippet,
  toSnippetSummary,
} from "./snippet-schemas.js";
import type { SnippetService } from "./snippet-service.js";

export async function registerSnippetRoutes(
  app: FastifyInstance,
  deps: { snippets: SnippetService; guard: AuthGuard },
): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const common = { tags: ["snippets"], security: [{ bearer: [] }] };
  const withId = { ...authErrors, 404: errorSchema };
  // Registered in its own encapsulated scope, so this guards exactly these routes, and
  // runs before validation: an anonymous caller gets 401, not a 422 about its body.
  app.addHook("onRequest", deps.guard.requireUser);

  r.post(
    "/snippets",
    {
      schema: {
        ...common,
        summary: "Save a snippet",
        body: snippetCreateSchema,
        response: { 201: snippetSchema, ...authErrors },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const row = await deps.snippets.create(currentUser(request).id, {
        code: b.code,
        title: b.title ?? null,
        language: b.language,
        description: b.description ?? null,
        isStarred: b.is_starred,
      });
      return reply.code(201).send(toSnippet(row));
    },
  );

  r.get(
    "/snippets",
    {
      schema: {
        ...common,
        summary: "List snippets: starred first, then most recently updated",
        querystring: snippetListQuery,
        response: { 200: snippetListSchema, ...authErrors },
      },
    },
    async (request) => {
      const { limit, offset, starred } = request.query;
      const page = await deps.snippets.list(currentUser(request).id, { limit, offset, starred });
      return { items: page.items.map(toSnippetSummary), total: page.total, limit, offset };
    },
  );

  r.get(
    "/snippets/:id",
    {
      schema: {
        ...common,
        summary: "Get a snippet",
        params: idParams,
        response: { 200: snippetSchema, ...withId },
      },
    },
    async (request) =>
      toSnippet(await deps.snippets.get(currentUser(request).id, request.params.id)),
  );

  r.put(
    "/snippets/:id",
    {
      schema: {
        ...common,
        summary: "Update some fields of a snippet",
        params: idParams,
        body: snippetUpdateSchema,
        response: { 200: snippetSchema, ...withId },
      },
    },
    async (request) => {
      const b = request.body;
      const row = await deps.snippets.update(currentUser(request).id, request.params.id, {
        ...(b.code !== undefined && { code: b.code }),
        ...(b.title !== undefined && { title: b.title }),
        ...(b.language !== undefined && { language: b.language }),
        ...(b.description !== undefined && { description: b.description }),
        ...(b.is_starred !== undefined && { isStarred: b.is_starred }),
      });
      return toSnippet(row);
    },
  );

  r.delete(
    "/snippets/:id",
    {
      schema: {
        ...common,
        summary: "Delete a snippet",
        params: idParams,
        response: { 200: snippetDeletedSchema, ...withId },
      },
    },
    async (request) => {
      await deps.snippets.remove(currentUser(request).id, request.params.id);
      return { deleted: true as const, id: request.params.id };
    },
  );

  r.post(
    "/snippets/:id/star",
    {
      schema: {
        ...common,
        summary: "Toggle the star of a snippet",
        params: idParams,
        response: { 200: snippetSchema, ...withId },
      },
    },
    async (request) =>
      toSnippet(await deps.snippets.toggleStar(currentUser(request).id, request.params.id)),
  );
}
