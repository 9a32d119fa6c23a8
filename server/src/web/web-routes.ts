// Serves the built web UI (web/dist) from the API's own origin. Hashed assets are cached
// forever; index.html never, so a deploy is picked up on the next load. Unknown GETs that
// accept HTML get index.html (client-side routes), but never a path of the API.
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { API_HTTP_PATHS, API_WS_PATH } from "./api-paths.js";

const API_PREFIXES = [...API_HTTP_PATHS, API_WS_PATH];

export function isApiPath(url: string): boolean {
  const path = url.split("?")[0] ?? "";
  return API_PREFIXES.some((p) => path === p || path.startsWith(`${p}/`));
}

export type SpaFallback = (
  request: FastifyRequest,
  reply: FastifyReply,
) => FastifyReply | undefined;

/** Registers the static files; returns the SPA fallback, or undefined when there is no build. */
export async function registerWebRoutes(
  app: FastifyInstance,
  distDir: string,
): Promise<SpaFallback | undefined> {
  const root = resolve(distDir);
  const indexFile = join(root, "index.html");
  if (!existsSync(indexFile)) {
    app.log.warn({ distDir: root }, "web UI not built (npm run build:web); serving the API only");
    return undefined;
  }
  const indexHtml = readFileSync(indexFile);
  await app.register(fastifyStatic, {
    root,
    wildcard: false,
    index: false,
    setHeaders: (res, path) => {
      const immutable = path.includes(`${join(root, "assets")}/`);
      res.header("cache-control", immutable ? "public, max-age=31536000, immutable" : "no-cache");
      res.header("x-content-type-options", "nosniff");
    },
  });
  const sendIndex = (reply: FastifyReply) =>
    reply
      .code(200)
      .header("content-type", "text/html; charset=utf-8")
      .header("cache-control", "no-cache")
      .header("x-content-type-options", "nosniff")
      .header("referrer-policy", "no-referrer")
      .send(indexHtml);
  app.get("/", { schema: { hide: true } }, (_request, reply) => sendIndex(reply));
  return (request, reply) => {
    const acceptsHtml = (request.headers.accept ?? "").includes("text/html");
    if (request.method !== "GET" || !acceptsHtml || isApiPath(request.url)) return undefined;
    return sendIndex(reply);
  };
}
