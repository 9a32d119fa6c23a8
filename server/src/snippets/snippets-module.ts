// Composition of the snippets area: the snippet service (each change commits with its
// outbox row) and the /snippets routes. Workers use the service without the routes.
import type { FastifyInstance } from "fastify";
import type { AuthGuard } from "../auth/auth-guard.js";
import type { Platform } from "../platform/area.js";
import { registerSnippetRoutes } from "./snippet-routes.js";
import { createSnippetService, type SnippetService } from "./snippet-service.js";

export interface SnippetsArea {
  snippets: SnippetService;
  routes(app: FastifyInstance, guard: AuthGuard): Promise<void>;
}

export function composeSnippets(platform: Pick<Platform, "database">): SnippetsArea {
  const snippets = createSnippetService({ db: platform.database.db });
  return {
    snippets,
    routes: async (app, guard) => {
      await app.register(async (scope) => registerSnippetRoutes(scope, { snippets, guard }));
    },
  };
}
