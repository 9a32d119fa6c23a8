// Refuses, for every route at once, inbound text that cannot be stored or is not Unicode
// (NUL, unpaired surrogates) in the body, the query string or the path — a 422 before any
// handler or database sees it (issue 10 item 4; rules in platform/text.ts).
import type { FastifyInstance } from "fastify";
import { ValidationError } from "../errors.js";
import { findBadText, textColumn } from "../text.js";

export function registerTextGuard(app: FastifyInstance): void {
  app.addHook("preValidation", async (request) => {
    for (const [where, value] of [
      ["path", request.params],
      ["query", request.query],
      ["body", request.body],
    ] as const) {
      const bad = findBadText(value);
      // The location may hold the bad text itself (a key): never echo it back unescaped.
      const loc = bad?.path.map((p) => (typeof p === "string" ? textColumn(p) : p));
      if (bad && loc) throw new ValidationError([where, ...loc], bad.reason);
    }
  });
}
