// The path prefixes the API answers, in one list: the server's SPA fallback never answers
// them with index.html (web-routes.ts), and the web dev server proxies them to the API
// (web/vite.config.ts imports this file). Plain data, no imports, so both builds can read it.

/** HTTP prefixes served by the API (a path equal to one, or below it). */
export const API_HTTP_PATHS = [
  "/auth",
  "/snippets",
  "/execute",
  "/executions",
  "/analyze",
  "/search",
  "/health",
  "/openapi.json",
  "/docs",
] as const;

/** The WebSocket endpoint (proxied with the upgrade). */
export const API_WS_PATH = "/ws";
