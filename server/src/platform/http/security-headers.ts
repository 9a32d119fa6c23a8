// Browser-facing security headers on every response (issue 10 item 9), by helmet: a strict
// Content-Security-Policy (only this origin's scripts, styles and connections; no inline
// script, plugins or <base>; images also from data: for run figures), no framing
// (frame-ancestors 'none' and X-Frame-Options: DENY), and no Referer leaving the page.
// The web UI and Swagger UI (/docs) load only files of their own, so both work under it —
// server/test/e2e/security-headers.e2e.test.ts checks them in Chromium.
// helmet itself rather than @fastify/helmet: the plugin calls helmet(options) on every
// request, which rebuilds the middleware and re-parses the policy each time — 0.1 ms of CPU
// per request, 7% of the server process's CPU per POST /execute (bench:execute). Built once
// here, a request only runs the middleware (the same headers, byte for byte:
// server/test/platform/security-headers.test.ts).
import type { IncomingMessage, ServerResponse } from "node:http";
import type { FastifyInstance } from "fastify";
import helmet from "helmet";
import type { Settings } from "../config.js";

/** The WebSocket of this very host: not every browser lets 'self' cover ws:/wss:. */
const sameHostSocket = (scheme: "ws" | "wss") => (req: IncomingMessage) => {
  const host = req.headers.host ?? "";
  return /^[A-Za-z0-9.:[\]-]{1,255}$/.test(host) ? `${scheme}://${host}` : "'self'";
};

function contentSecurityPolicy(settings: Pick<Settings, "auth">) {
  const connect: (string | ((req: IncomingMessage, res: ServerResponse) => string))[] = [
    "'self'",
    sameHostSocket("ws"),
    sameHostSocket("wss"),
  ];
  // Cognito sign-in by password calls the user pool's API from the page.
  if (settings.auth.mode === "cognito")
    connect.push(`https://cognito-idp.${settings.auth.cognito.region}.amazonaws.com`);
  return { ...CONTENT_SECURITY_POLICY, "connect-src": connect };
}

export const CONTENT_SECURITY_POLICY = {
  "default-src": ["'self'"],
  "base-uri": ["'none'"],
  "connect-src": ["'self'"],
  "font-src": ["'self'"],
  "form-action": ["'self'"],
  "frame-ancestors": ["'none'"],
  "img-src": ["'self'", "data:"],
  "object-src": ["'none'"],
  "script-src": ["'self'"],
  "script-src-attr": ["'none'"],
  // Inline styles are allowed: the editor (CodeMirror) and Swagger UI set them at run time,
  // and they cannot run code; scripts stay strictly this origin's files.
  "style-src": ["'self'", "'unsafe-inline'"],
};

export async function registerSecurityHeaders(
  app: FastifyInstance,
  settings: Pick<Settings, "auth">,
): Promise<void> {
  const headers = helmet({
    // Not helmet's defaults: they add upgrade-insecure-requests, which breaks a plain-HTTP
    // local server, and allow styles from any https: origin.
    contentSecurityPolicy: { useDefaults: false, directives: contentSecurityPolicy(settings) },
    frameguard: { action: "deny" },
    referrerPolicy: { policy: "no-referrer" },
  });
  // At the root, before any route: every response — routes, 404s, errors — carries them.
  app.addHook("onRequest", (request, reply, done) => {
    headers(request.raw, reply.raw, (err?: unknown) => done(err as Error | undefined));
  });
}
